"""What the app generates reads in English for an English reader: light reasons (stored in Chinese), the
charts' own words and the dates of pages and documents, in the locale's format; Chinese stays as it was."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from flask_babel import force_locale

from tracker.reports import charts
from tracker.tasks.lights import reason_text

SVG = "{http://www.w3.org/2000/svg}"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _english(client, url: str) -> str:
    assert client.post_form("/language/en", {"next": url}).status_code == 302
    return client.get(url).get_data(as_text=True)


def test_light_reasons_read_in_the_readers_language(app):
    stored = "2026-11期报送逾期(截止2026-11-25)"
    with app.test_request_context():
        assert reason_text(stored) == stored
        assert reason_text("完成40%,落后于时间进度62%") == "完成40%,落后于时间进度62%"
    with app.test_request_context(), force_locale("en"):
        assert reason_text(stored) == "2026-11 report overdue (due Nov 25, 2026)"
        assert reason_text("完成40%,落后于时间进度62%") == "40% done, behind the 62% of time elapsed"
        assert reason_text("未明确牵头单位,请办公室指定") == "No lead department: the office is to name one"
        assert reason_text("某个旧的原因") == "某个旧的原因"


def test_chart_words_are_english_for_an_english_reader(app):
    with app.test_request_context(), force_locale("en"):
        bars = charts.percent_bars([("市科技局", 95.0), ("市财政局", None)], reference=67.5)
        donut = charts.lights_donut(3, 2, 5)
        targets = charts.target_bars([("高新技术企业", None, 1200, "家")])
    words = [node.text for svg in (bars, donut, targets) for node in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "average 67.5%" in words and "none due" in words and "Open items" in words
    assert not [word for word in words if HAN.search(word) and word not in ("市科技局", "市财政局", "高新技术企业")
                and "家" not in word], words


def test_an_english_page_shows_the_light_reason_and_dates_in_english(db, make, login_as, office):
    task = make.task(make.plan("测试方案"), lead=make.department("市科技局"), due_on=date(2026, 12, 31),
                     light_reason="2026-11期报送逾期(截止2026-11-25)")
    page = _english(login_as(office), f"/tasks/{task.id}")
    assert "2026-11 report overdue (due Nov 25, 2026)" in page
    assert "Dec 31, 2026" in page and "2026-12-31" not in page.split('data-testid="office-actions"')[0]
    chinese = login_as(office)
    chinese.post_form("/language/zh_CN", {"next": "/"})
    page = chinese.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "2026-11期报送逾期(截止2026-11-25)" in page


def test_the_supervision_report_in_english_is_dated_in_english(db, make, login_as, office):
    make.task(make.plan("测试方案"), lead=make.department("市科技局"))
    page = _english(login_as(office), "/reports/preview?period=2025-03")
    assert re.search(r"Issued (January|February|March|April|May|June|July|August|September|October|November|"
                     r"December) \d{1,2}, \d{4}", page), page[-2000:]
    assert not re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page)
