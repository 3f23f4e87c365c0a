"""The search results page behind the box in every page's top bar."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from tracker.search import services

bp = Blueprint("search", __name__)


@bp.route("/")
@login_required
def index():
    query = services.normalise(request.args.get("q"))
    hits = services.search(current_user, query)
    return render_template("search/results.html", query=query, hits=hits, shown=services.SHOWN)
