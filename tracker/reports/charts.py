"""Charts (图表) as inline SVG strings: vector in the PDF, no script and no external file in a page.

Pure functions of the figures: every text is escaped here, so a caller may mark the result safe. Their
own words go through the catalogue (in the reader's language; as written outside a request).
Sizes are in CSS pixels; the SVG scales to its container's width through its viewBox.
"""
from __future__ import annotations

import math
from html import escape

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
COLOURS = {"red": "#c62828", "yellow": "#f2a900", "green": "#2e7d32", "bar": "#1f5fa8", "track": "#e6eaf0",
           "text": "#222", "muted": "#666", "target": "#c62828"}
_LIGHT_NAMES = {"red": _l("红灯"), "yellow": _l("黄灯"), "green": _l("绿灯")}


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-label="{escape(label)}" '
            f'font-family="{FONT}" font-size="11">' + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", colour: str = COLOURS["text"],
          size: float | None = None, weight: str | None = None) -> str:
    extra = (f' font-size="{size:g}"' if size else "") + (f' font-weight="{weight}"' if weight else "")
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}"{extra}>'
            f"{escape(str(text))}</text>")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def percent_bars(rows: list[tuple[str, float | None]], *, title: str = "", width: int = 640,
                 bar_height: int = 16, label_width: int = 170, reference: float | None = None) -> str:
    """A horizontal bar per row (e.g. each department's on-time rate), 0–100 %; None is drawn as 无应报.

    `reference` draws a dashed line at that percentage (e.g. the overall rate).
    """
    # Room above the bars for the reference line's label, which would otherwise be cut off at the top.
    gap, top = 6, (24 if title else 6) + (14 if reference is not None else 0)
    height = top + len(rows) * (bar_height + gap) + 8
    span = width - label_width - 56
    body = [_text(0, 14, title, weight="bold", size=12)] if title else []
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        # A Chinese character is about 11 px wide: the label is cut to what its column holds.
        body.append(_text(label_width - 8, y + bar_height - 4, _clip(label, min(14, (label_width - 8) // 11)),
                          anchor="end"))
        body.append(f'<rect x="{label_width}" y="{y}" width="{span}" height="{bar_height}" fill="{COLOURS["track"]}"/>')
        if value is None:
            body.append(_text(label_width + 4, y + bar_height - 4, _("无应报"), colour=COLOURS["muted"]))
            continue
        filled = span * max(0.0, min(float(value), 100.0)) / 100
        colour = COLOURS["green"] if value >= 90 else COLOURS["yellow"] if value >= 60 else COLOURS["red"]
        body.append(f'<rect x="{label_width}" y="{y}" width="{filled:.1f}" height="{bar_height}" fill="{colour}"/>')
        body.append(_text(label_width + span + 6, y + bar_height - 4, f"{value:.1f}%"))
    if reference is not None and rows:
        x = label_width + span * max(0.0, min(reference, 100.0)) / 100
        body.append(f'<line x1="{x:.1f}" y1="{top - 3}" x2="{x:.1f}" y2="{height - 6}" stroke="{COLOURS["text"]}" '
                    f'stroke-dasharray="3 2" stroke-width="1"/>')
        body.append(_text(x, top - 5, _("平均 %(rate)s", rate=f"{reference:.1f}%"), anchor="middle",
                          colour=COLOURS["muted"], size=9))
    return _svg(width, height, body, title or _("按时报送率"))


def lights_donut(red: int, yellow: int, green: int, *, title: str = "", size: int = 180) -> str:
    """A donut of the lights (红黄绿灯) of the items in progress, their total in its middle, a legend beside it."""
    counts = {"red": red, "yellow": yellow, "green": green}
    total = sum(counts.values())
    radius, thickness = size / 2 - 10, size / 5
    cx, cy = size / 2, size / 2 + (20 if title else 0)
    height = cy + size / 2 + 4
    body = [_text(0, 14, title, weight="bold", size=12)] if title else []
    if total == 0:
        body.append(f'<circle cx="{cx}" cy="{cy}" r="{radius - thickness / 2:.1f}" fill="none" '
                    f'stroke="{COLOURS["track"]}" stroke-width="{thickness:.1f}"/>')
    angle = -math.pi / 2
    for name, count in counts.items():
        if not total or not count:
            continue
        share = count / total
        if share >= 0.9999:
            body.append(f'<circle cx="{cx}" cy="{cy}" r="{radius - thickness / 2:.1f}" fill="none" '
                        f'stroke="{COLOURS[name]}" stroke-width="{thickness:.1f}"/>')
            break
        body.append(_arc(cx, cy, radius - thickness / 2, angle, angle + 2 * math.pi * share, thickness, COLOURS[name]))
        angle += 2 * math.pi * share
    body.append(_text(cx, cy + 2, _number(total), anchor="middle", size=20, weight="bold"))
    body.append(_text(cx, cy + 18, _("在办事项"), anchor="middle", colour=COLOURS["muted"]))
    legend_x = size + 16
    for index, (name, count) in enumerate(counts.items()):
        y = cy - 24 + index * 22
        share = f"{100 * count / total:.1f}%" if total else "—"
        body.append(f'<rect x="{legend_x}" y="{y - 10}" width="12" height="12" fill="{COLOURS[name]}"/>')
        body.append(_text(legend_x + 18, y, _("%(light)s %(count)s 项(%(share)s)", light=_LIGHT_NAMES[name],
                                               count=_number(count), share=share)))
    return _svg(size + 190, height, body, title or _("红黄绿灯分布"))


def _arc(cx: float, cy: float, r: float, start: float, end: float, thickness: float, colour: str) -> str:
    large = 1 if end - start > math.pi else 0
    x1, y1 = cx + r * math.cos(start), cy + r * math.sin(start)
    x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
    return (f'<path d="M {x1:.2f} {y1:.2f} A {r:.2f} {r:.2f} 0 {large} 1 {x2:.2f} {y2:.2f}" fill="none" '
            f'stroke="{colour}" stroke-width="{thickness:.1f}"/>')


def lights_bar(red: int, yellow: int, green: int, *, width: int = 640, height: int = 22) -> str:
    """The lights as one stacked bar, each part labelled with its count."""
    counts = {"red": red, "yellow": yellow, "green": green}
    total = sum(counts.values())
    body, x = [], 0.0
    body.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="{COLOURS["track"]}"/>')
    for name, count in counts.items():
        if not total or not count:
            continue
        part = width * count / total
        body.append(f'<rect x="{x:.1f}" y="0" width="{part:.1f}" height="{height}" fill="{COLOURS[name]}"/>')
        if part > 60:
            body.append(_text(x + part / 2, height - 7, f"{_LIGHT_NAMES[name]} {_number(count)}", anchor="middle",
                              colour="#fff"))
        x += part
    return _svg(width, height, body, _("红黄绿灯分布"))


def target_bars(rows: list[tuple[str, float | None, float, str]], *, title: str = "", width: int = 640,
                label_width: int = 200) -> str:
    """Progress of quantitative targets: (name, reached, plan target, unit) as reached / target bars.

    A target exceeded is drawn full, with its percentage; one not reported says 未报送.
    """
    bar_height, gap, top = 14, 12, 24 if title else 6
    height = top + len(rows) * (bar_height + gap) + 4
    span = width - label_width - 150
    body = [_text(0, 14, title, weight="bold", size=12)] if title else []
    for index, (name, reached, target, unit) in enumerate(rows):
        y = top + index * (bar_height + gap)
        body.append(_text(label_width - 8, y + bar_height - 3, _clip(name, 16), anchor="end"))
        body.append(f'<rect x="{label_width}" y="{y}" width="{span}" height="{bar_height}" fill="{COLOURS["track"]}"/>')
        if reached is None or not target:
            body.append(_text(label_width + span + 6, y + bar_height - 3,
                              _("未报送 / %(target)s", target=f"{_number(target)}{unit}"), colour=COLOURS["muted"]))
            continue
        share = reached / target
        filled = span * max(0.0, min(share, 1.0))
        colour = COLOURS["green"] if share >= 1 else COLOURS["bar"]
        body.append(f'<rect x="{label_width}" y="{y}" width="{filled:.1f}" height="{bar_height}" fill="{colour}"/>')
        body.append(_text(label_width + span + 6, y + bar_height - 3,
                          f"{_number(reached)} / {_number(target)}{unit}({100 * share:.0f}%)"))
    return _svg(width, height, body, title or _("量化目标完成情况"))


def trend_line(points: list[tuple[str, float | None]], *, label: str, none_label: str, width: int = 640,
               height: int = 180) -> str:
    """A percentage (0–100) month by month as a line with its values; a month with nothing due is a gap
    marked `none_label`. `label` names the chart for screen readers."""
    left, right, top, bottom = 34, 30, 14, 34
    span_x, span_y = width - left - right, height - top - bottom
    step = span_x / max(len(points) - 1, 1)
    body = []
    for percent in (0, 50, 100):
        y = top + span_y * (1 - percent / 100)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{COLOURS["track"]}"/>')
        body.append(_text(left - 4, y + 4, f"{percent}%", anchor="end", colour=COLOURS["muted"], size=9))
    segment: list[str] = []
    segments = [segment]
    for index, (name, value) in enumerate(points):
        x = left + index * step
        body.append(_text(x, height - bottom + 16, name, anchor="middle", colour=COLOURS["muted"], size=9))
        if value is None:
            body.append(_text(x, top + span_y - 4, none_label, anchor="middle", colour=COLOURS["muted"], size=9))
            segment = []
            segments.append(segment)
            continue
        y = top + span_y * (1 - max(0.0, min(float(value), 100.0)) / 100)
        segment.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS["bar"]}"/>')
        body.append(_text(x, y - 6, f"{value:.0f}%", anchor="middle", size=9))
    for part in segments:
        if len(part) > 1:
            body.insert(0, f'<polyline points="{" ".join(part)}" fill="none" stroke="{COLOURS["bar"]}" '
                           'stroke-width="2"/>')
    return _svg(width, height, body, label)
