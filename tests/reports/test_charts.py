"""The SVG charts: well-formed, escaped, and drawing what they are given."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from tracker.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [node.text for node in ET.fromstring(svg).iter(f"{SVG}text")]


def test_percent_bars_label_each_department_and_escape_names():
    svg = charts.percent_bars([("市科技局", 95.0), ("<script>alert(1)</script>", 40.0), ("市财政局", None)],
                              title="按时报送率", reference=67.5)
    texts = _texts(svg)
    assert "市科技局" in texts and "95.0%" in texts and "无应报" in texts and "平均 67.5%" in texts
    assert "<script>" not in svg
    widths = [float(r.get("width")) for r in ET.fromstring(svg).iter(f"{SVG}rect")]
    # Track, bar, track, bar, track: the 95 % bar is longer than the 40 % one.
    assert widths[1] > widths[3] > 0



def test_average_label_is_drawn_inside_the_chart_not_cut_off_at_its_top():
    root = ET.fromstring(charts.percent_bars([("市科技局", 95.0), ("市财政局", 40.0)], reference=67.5))
    label = next(node for node in root.iter(f"{SVG}text") if node.text == "平均 67.5%")
    # The label's baseline sits at least its font size below the top edge, so its glyphs show whole.
    assert float(label.get("y")) >= float(label.get("font-size"))


def test_lights_donut_counts_and_shares():
    svg = charts.lights_donut(3, 5, 12)
    texts = _texts(svg)
    assert "20" in texts
    assert "红灯 3 项(15.0%)" in texts and "绿灯 12 项(60.0%)" in texts
    assert len(list(ET.fromstring(svg).iter(f"{SVG}path"))) == 3
    assert "在办事项" in _texts(charts.lights_donut(0, 0, 0))


def test_target_bars_show_reached_against_target():
    svg = charts.target_bars([("高新技术企业", 1010, 1200, "家"), ("研发投入", None, 3, "%")])
    texts = _texts(svg)
    assert "1,010 / 1,200家(84%)" in texts
    assert "未报送 / 3%" in texts
