"""Render a report layout from `reports/` to HTML and PDF (WeasyPrint).

The layouts are Jinja templates with autoescape on, so every user-written text is escaped. While
rendering, WeasyPrint may fetch only the layout's own files (reports/) and the app's static files:
no file elsewhere on the disk, nothing from the network.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import gettext as _
from jinja2 import FileSystemLoader
from markupsafe import Markup

from tracker.config import PROJECT_ROOT
from tracker.i18n import format_day_long
from tracker.text import amount, number

LAYOUT_FOLDER = PROJECT_ROOT / "reports"


class FetchRefused(ValueError):
    """A URL the report may not fetch."""


def allowed_folders() -> list[Path]:
    return [LAYOUT_FOLDER.resolve(), Path(current_app.static_folder).resolve()]


def check_url(url: str) -> Path | None:
    """The file a layout may fetch for `url` (None for an inline data: URL); FetchRefused otherwise."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return None
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"refused to fetch {url!r}: only the report's own files are allowed")
    path = Path(unquote(parts.path)).resolve()
    if not any(path.is_relative_to(folder) for folder in allowed_folders()) or not path.is_file():
        raise FetchRefused(f"refused to fetch {url!r}: outside reports/ and static/")
    return path


def make_fetcher():
    """WeasyPrint's fetcher limited to files under reports/ and static/ (and data: URLs)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LayoutFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = check_url(url)
            if path is None:
                return super().fetch(url, headers)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return LayoutFetcher(allowed_protocols=("file", "data"))


def css_string(text) -> Markup:
    """A text as a quoted CSS string (for the running header), safe inside <style>."""
    escaped = "".join(ch if ch.isalnum() or ch in " ·-—()()、" or ord(ch) > 127 else f"\\{ord(ch):x} "
                      for ch in str(text))
    return Markup(f'"{escaped}"')


def layout_environment():
    """The app's Jinja environment (filters, gettext, autoescape for .html) reading from reports/."""
    app = current_app._get_current_object()
    environment = app.extensions.get("report_layouts")
    if environment is None:
        environment = app.jinja_env.overlay(loader=FileSystemLoader(str(LAYOUT_FOLDER)))
        environment.filters.update(amount=amount, css_string=css_string, long_date=format_day_long, number=number,
                                   percent=percent, signed=signed)
        app.extensions["report_layouts"] = environment
    return environment


def render_layout(name: str, *, for_pdf: bool, **context) -> str:
    """The layout as HTML: for the PDF (print styles, relative links) or for a browser preview."""
    from flask import request, url_for

    if for_pdf:
        return layout_environment().get_template(name).render(for_pdf=True, css_url="report.css", **context)
    # The preview's bar: back to the report page, or the same preview as a PDF.
    links = {"back_url": url_for("reports.index"),
             "pdf_url": url_for("reports.preview", **(request.args.to_dict() | {"format": "pdf"}))}
    return layout_environment().get_template(name).render(
        for_pdf=False, css_url=url_for("reports.layout_file", name="report.css"), **links, **context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=LAYOUT_FOLDER.as_uri() + "/", url_fetcher=make_fetcher()).write_pdf()


def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def signed(value, unit: str = "") -> str:
    """A change against the previous period: +3, −2.5, 0; a dash when there is nothing to compare."""
    if value is None:
        return "—"
    if value == 0:
        return _("持平")
    text = f"{abs(value):,.0f}" if float(value).is_integer() else f"{abs(value):,.1f}"
    return ("+" if value > 0 else "−") + text + unit
