"""Helpers for the journeys in headless Chromium: screenshots kept per journey at a laptop's and a phone's
width, the page fitting the phone's screen, and reaching a control with the Tab key alone."""
from __future__ import annotations

from tests.conftest import ARTIFACTS

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
_SIZES = """() => {
  const main = document.querySelector('main') || document.body;
  return {page: document.documentElement.scrollWidth, main: main.scrollWidth, width: window.innerWidth};
}"""
_FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def shoot(page, journey: str, name: str, *, phone: bool = False) -> None:
    """Keep the whole page as test-artifacts/<journey>/<name>-desktop.png, and with `phone` also at 390 wide,
    where nothing may be wider than the screen; the page is left at the laptop's width."""
    folder = ARTIFACTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    if phone:
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
        fits_the_screen(page)
        page.set_viewport_size(DESKTOP)


def fits_the_screen(page) -> None:
    """Nothing on the page scrolls sideways (a wide table scrolls inside its own .table-wrap)."""
    sizes = page.evaluate(_SIZES)
    assert sizes["page"] <= sizes["width"] and sizes["main"] <= sizes["width"], sizes


def tab_to(page, locator, presses: int = 60) -> None:
    """Press Tab from where the focus is until `locator` has it, which then shows a focus ring."""
    for _ in range(presses):
        if locator.evaluate("element => element === document.activeElement"):
            ring = page.evaluate(_FOCUS_RING)
            assert ring["outline"] != "none" and ring["width"] >= 2, ring
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} not reached with {presses} presses of Tab")
