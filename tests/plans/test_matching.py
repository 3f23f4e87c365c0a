"""Unit names as plans print them, matched to the department directory."""
import pytest

from tracker.plans.matching import DepartmentDirectory, name_key


@pytest.mark.parametrize("printed, canonical", [
    ("发展和改革委员会", "发改委"),
    ("发展改革委", "发改委"),
    ("市人力资源和社会保障局", "市人社局"),
    ("市市场监督管理局", "市市场监管局"),
    ("省科学技术厅", "省科技厅"),
    ("市住房和城乡建设局", "市住建局"),
    ("南京市人民政府", "南京市政府"),
    ("市 科技局", "市科技局"),
    ("和县人民政府", "和县政府"),
])
def test_name_key_irons_out_spellings(printed, canonical):
    assert name_key(printed) == name_key(canonical)


@pytest.fixture
def reform(make):
    return make.department("市发展改革委", short_name="发改委", aliases=["市发展和改革委员会"])


@pytest.mark.parametrize("printed", ["市发展改革委", "发改委", "市发改委", "发展改革委", "发展和改革委员会",
                                     "市发展和改革委员会", "市 发展改革委"])
def test_full_short_and_alias_names_find_the_department(reform, printed):
    match = DepartmentDirectory.load().match(printed)
    assert match.department == reform


def test_prefix_of_another_level_never_matches(reform, make):
    province = make.department("省发展改革委", short_name="省发改委")
    directory = DepartmentDirectory.load()
    assert directory.match("省发展和改革委员会").department == province
    assert directory.match("市发改委").department == reform
    assert not directory.match("县发改委").is_matched


def test_a_word_that_starts_with_shi_is_not_taken_for_a_prefix(make):
    market = make.department("市市场监管局")
    directory = DepartmentDirectory.load()
    assert directory.match("市场监督管理局").department == market
    assert directory.match("市市场监督管理局").department == market


def test_two_departments_one_short_name_is_ambiguous(make):
    city, province = make.department("市科技局"), make.department("省科技局")
    match = DepartmentDirectory.load().match("科技局")
    assert not match.is_matched
    assert set(match.candidates) == {city, province}


def test_unknown_and_inactive_names_are_unknown(make):
    make.department("市档案局", is_active=False)
    directory = DepartmentDirectory.load()
    assert not directory.match("蚌投集团").is_matched
    assert not directory.match("市档案局").is_matched
