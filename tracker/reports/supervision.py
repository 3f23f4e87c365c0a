"""督查通报: the supervision report for the joint meeting, as HTML (preview) and PDF."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from tracker.core.clock import local_today
from tracker.reports import charts
from tracker.reports.figures import Period, SupervisionFigures, supervision_figures
from tracker.reports.pdf import html_to_pdf, render_layout

# Long lists are cut in the PDF, the rest counted and left to the Excel ledger (台账), as a printed 通报
# does: a leader reads the worst first, and 5,000 red items laid out took most of a 48 s report.
LIST_LIMIT = 50
# With more departments than this the chart shows the best and the worst half of this many.
CHART_DEPARTMENTS = 24
CHART_TARGETS = 12


@dataclass
class SupervisionReport:
    figures: SupervisionFigures
    title: str
    doc_number: str | None
    issued_on: date
    issuing_office: str

    @property
    def filename(self) -> str:
        return f"督查通报-{self.figures.period.label}.pdf"


def prepare(period: Period, *, doc_number: str | None = None, today: date | None = None,
            list_limit: int = LIST_LIMIT) -> SupervisionReport:
    today = today or local_today()
    figures = supervision_figures(period, today, list_limit)
    return SupervisionReport(figures=figures, title=_("重点工作督查通报"), doc_number=doc_number or None,
                             issued_on=today, issuing_office=current_app.config["ISSUING_OFFICE"])


def _chart_departments(report: SupervisionReport) -> list[tuple[str, float | None]]:
    ranked = [row for row in report.figures.departments if row.on_time_rate is not None]
    if len(ranked) > CHART_DEPARTMENTS:
        half = CHART_DEPARTMENTS // 2
        ranked = ranked[:half] + ranked[-half:]
    return [(row.name, row.on_time_rate) for row in ranked]


def chart_svgs(report: SupervisionReport) -> dict[str, Markup]:
    """The report's charts; charts.py escapes every text it draws."""
    summary = report.figures.summary
    # Only targets someone reported on: a chart of empty bars tells a leader nothing.
    reported = [row for row in report.figures.targets.rows if row.reached is not None]
    targets = [(row.name, row.reached, row.target, row.unit) for row in reported[:CHART_TARGETS]]
    return {
        "lights": Markup(charts.lights_donut(summary.red.value, summary.yellow.value, summary.green.value)),
        "departments": Markup(charts.percent_bars(_chart_departments(report), reference=summary.on_time_rate.value)),
        "targets": Markup(charts.target_bars(targets)) if targets else None,
    }


def render_html(report: SupervisionReport, *, for_pdf: bool) -> str:
    ranked = [row for row in report.figures.departments if row.on_time_rate is not None]
    return render_layout("supervision.html", for_pdf=for_pdf, report=report, f=report.figures,
                         s=report.figures.summary, charts=chart_svgs(report),
                         chart_cut=len(ranked) > CHART_DEPARTMENTS, chart_half=CHART_DEPARTMENTS // 2)


def render_pdf(report: SupervisionReport) -> bytes:
    return html_to_pdf(render_html(report, for_pdf=True))


def generate(period: Period, *, by=None, doc_number: str | None = None, today: date | None = None):
    """Render the report for `period` and archive it; (archived row, PDF bytes). The caller commits."""
    from tracker.reports.archive import archive
    from tracker.reports.figures import lights_snapshot
    from tracker.reports.models import ReportKind

    report = prepare(period, doc_number=doc_number, today=today)
    content = render_pdf(report)
    archived = archive(content, kind=ReportKind.SUPERVISION, filename=report.filename,
                       title=f"{report.title}({period.title})", period_label=period.label, by=by,
                       doc_number=report.doc_number, figures=lights_snapshot(report.figures))
    return archived, content
