"""Plan pages: upload or paste a plan, review its parse, publish it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__)
