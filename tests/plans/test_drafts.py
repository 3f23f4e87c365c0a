"""The office's edits to a draft, on plain data."""
import pytest

from tracker.plans import drafts


@pytest.fixture
def draft(sample_parse):
    return drafts.prepare(sample_parse)


def test_prepare_keys_every_task(draft):
    assert [t["key"] for t in draft["tasks"]] == ["t1", "t2", "t3"]
    assert not any(t["excluded"] for t in draft["tasks"])


def test_edit_replaces_units_and_clears_warnings_and_doubts(draft):
    draft["tasks"][2].update(doubts=["no_lead"], confidence=0.5)
    before, after = drafts.update_task(draft, "t3", number="3", title="科技服务能力提升行动", lead=" 市科技局 ",
                                       co=["市财政局", "市科技局", "市财政局"], deliverables=[])
    assert before["lead"] is None and before["warnings"] and before["doubts"] == ["no_lead"]
    assert (after["lead"], after["co"], after["warnings"], after["doubts"]) == ("市科技局", ["市财政局"], [], [])


def test_merge_appends_text_and_units_to_the_previous_live_task(draft):
    drafts.set_excluded(draft, "t2", True)
    merged = drafts.merge_with_previous(draft, "t3")
    assert [t["key"] for t in draft["tasks"]] == ["t1", "t2"]
    assert merged["key"] == "t1" and merged["text"].endswith("完善常态化服务企业工作机制。")
    assert merged["lead"] == "市科技局"


def test_merge_gives_a_leaderless_task_the_merged_units(draft):
    draft["tasks"][1]["lead"], draft["tasks"][1]["co"] = None, []
    draft["tasks"][2]["lead"], draft["tasks"][2]["co"] = "市财政局", ["市科技局"]
    merged = drafts.merge_with_previous(draft, "t3")
    assert (merged["lead"], merged["co"]) == ("市财政局", ["市科技局"])


def test_the_first_task_has_nothing_to_merge_into(draft):
    with pytest.raises(ValueError):
        drafts.merge_with_previous(draft, "t1")


def test_split_makes_a_new_task_from_the_chosen_sentence(draft):
    new = drafts.split_task(draft, "t1", 1)
    assert [t["key"] for t in draft["tasks"]] == ["t1", "t4", "t2", "t3"]
    assert draft["tasks"][0]["text"] == "产业创新能力提升行动。"
    assert new["title"] == "紧盯战略性新兴产业" and new["lead"] == "市科技局"
    with pytest.raises(ValueError):
        drafts.split_task(draft, "t1", 1)


def test_tree_puts_tasks_under_their_section(draft):
    rows = drafts.tree(draft)
    assert [(r["kind"], r["level"]) for r in rows] == [("section", 1), ("section", 2), ("task", 3), ("task", 3),
                                                       ("task", 3)]


def test_department_names_skip_excluded_tasks(draft):
    drafts.set_excluded(draft, "t1", True)
    assert drafts.department_names(draft) == ["苏南五市", "市财政局"]
