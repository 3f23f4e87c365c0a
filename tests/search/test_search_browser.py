"""Typing in the top bar's search box, in a real browser, lands on the results with the match marked."""
import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def engine_name():
    return "sqlite"


def test_a_liaison_types_in_the_search_box_and_sees_his_item_marked(page, make):
    kjj, czj = make.department("市科技局"), make.department("市财政局")
    make.task(title="建设省级重点实验室", lead=kjj)
    make.task(title="重点实验室经费绩效评价", lead=czj)
    browser_login(page, make.liaison(kjj).login)
    box = page.get_by_test_id("search-box")
    box.fill("实验室")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.get_by_test_id("search-results")
    assert results.locator("mark").first.inner_text() == "实验室"
    assert results.get_by_role("link", name="建设省级重点实验室").is_visible()
    assert results.get_by_text("经费绩效评价").count() == 0
    assert page.get_by_test_id("search-box").input_value() == "实验室"
