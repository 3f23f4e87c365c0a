"""On a phone (390 px): the item list shows each item as a card with its lead department and light on
screen, the liaison's to-do titles run on full lines, and the leader's ranking chart is drawn whole at the
phone's width (a 64 % bar does not look full)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journey_support import PHONE, shoot
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def engine_name():
    return "sqlite"


def _on_a_phone(page, login: str) -> None:
    browser_login(page, login)
    page.set_viewport_size(PHONE)


def _inside_the_screen(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_the_item_list_is_cards_with_lead_and_light_on_screen(page, small_demo):
    _on_a_phone(page, "office")
    page.goto("/tasks/")
    first = page.get_by_test_id("tasks").locator("tbody tr").first
    _inside_the_screen(first.get_by_test_id("task-lead"))
    _inside_the_screen(first.get_by_test_id("light"))
    named = first.get_by_test_id("task-lead").evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "牵头单位" in named  # each value named by its column's header
    # shoot() also checks that nothing on the page is wider than the phone's screen.
    shoot(page, "phone", "item-list", phone=True)


def test_the_liaisons_to_do_titles_run_on_full_lines(page, small_demo):
    _on_a_phone(page, "kjj.liaison")
    titles = page.get_by_test_id("due-title")
    expect(titles.first).to_be_visible()
    box = titles.first.bounding_box()
    # A title squeezed into a column wrapped every four characters (about 60 px); a card gives it the width.
    assert box["width"] > 0.7 * PHONE["width"], box
    shoot(page, "phone", "liaison-home", phone=True)


def test_the_leaders_ranking_chart_is_whole_at_the_phones_width(page, small_demo):
    _on_a_phone(page, "leader")
    chart = page.get_by_test_id("chart-departments")
    expect(chart.locator(".chart-full svg")).to_be_hidden()
    narrow = chart.locator(".chart-narrow svg")
    expect(narrow).to_be_visible()
    _inside_the_screen(narrow)
    # Drawn at its own size, not shrunk: its labels keep their 11 px.
    assert narrow.bounding_box()["width"] == pytest.approx(float(narrow.get_attribute("width")), abs=1)
    shoot(page, "phone", "leader-ranking", phone=True)
