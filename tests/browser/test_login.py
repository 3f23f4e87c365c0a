"""Signing in and switching language in a real browser."""
import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def engine_name():
    return "sqlite"


def test_liaison_signs_in_and_sees_his_items_in_chinese(page, make):
    department = make.department("市科技局")
    make.task(title="实施基础研究十年行动", lead=department)
    liaison = make.liaison(department)
    browser_login(page, liaison.login)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_text("实施基础研究十年行动").is_visible()


def test_language_switch_shows_english(page, make):
    liaison = make.liaison(make.department())
    browser_login(page, liaison.login)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()
