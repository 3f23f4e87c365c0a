"""Report pages: generate, preview, download and list the archive."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
