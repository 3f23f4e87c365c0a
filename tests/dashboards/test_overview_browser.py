"""The dashboards in headless Chromium at a phone's width (390×844): nothing wider than the screen,
the period chosen with the keyboard alone."""
from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => {
  const main = document.querySelector('main');
  return {page: document.documentElement.scrollWidth, main: main.scrollWidth, width: window.innerWidth};
}"""


@pytest.fixture
def engine_name():
    return "sqlite"


def _fits(page):
    sizes = page.evaluate(OVERFLOW)
    assert sizes["page"] <= sizes["width"] and sizes["main"] <= sizes["width"], sizes


def test_office_dashboard_on_a_phone(page, small_demo):
    page.set_viewport_size(PHONE)
    browser_login(page, "office")
    assert page.locator("h1").inner_text().startswith("办公室总览")
    assert page.get_by_test_id("stat-red-value").is_visible()
    assert page.locator("[data-testid=chart-lights] svg").is_visible()
    _fits(page)
    page.focus("#period")
    page.keyboard.press("Control+A")
    page.keyboard.type("2026-05")
    page.keyboard.press("Enter")
    page.wait_for_url("**period=2026-05")
    assert "2026年5月" in page.locator("h1").inner_text()
    _fits(page)


def test_leader_dashboard_on_a_phone(page, small_demo):
    page.set_viewport_size(PHONE)
    browser_login(page, "leader")
    assert page.locator("h1").inner_text().startswith("领导驾驶舱")
    assert page.get_by_test_id("archived-report").first.is_visible()
    _fits(page)
