"""The JSON API under /api/v1, authenticated with bearer tokens."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
