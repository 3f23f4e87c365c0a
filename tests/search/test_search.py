"""The search box: any substring of two characters or more (one as a plain LIKE), only what the user may
see, ranked, the match marked in an escaped excerpt, and the index current after every write."""
from __future__ import annotations

import pytest

from tests.tasks.conftest import NOW, pdf_file
from tracker.search.services import search
from tracker.tasks import reporting
from tracker.tasks.evidence import attach_evidence, remove_evidence
from tracker.tasks.models import CoordinationIssue
from tracker.tasks.reporting import ReportInput


@pytest.fixture
def world(db, make, office):
    """市科技局's item with a report and a file; 市财政局's item with a coordination issue."""
    kjj, czj = make.department("市科技局"), make.department("市财政局")
    plan = make.plan("科技创新行动方案")
    period = make.period(plan)
    science = make.task(plan, lead=kjj, title="推进科技创新平台建设", text="建设省级重点实验室3个,培育新型研发机构。")
    finance = make.task(plan, lead=czj, title="完善财政资金绩效管理", text="全面推进预算绩效管理改革。")
    liaison = make.liaison(kjj, "kjj")
    report = reporting.save_report(science, period, ReportInput(narrative="组织召开专题推进会,协调解决项目用地问题。"),
                                   by=liaison, expected_version=0, now=NOW)
    db.session.commit()
    attach_evidence(science, "重点实验室建设方案.pdf", pdf_file(), by=liaison, report=report)
    db.session.add(CoordinationIssue(task=finance, department_id=czj.id, text="绩效评价所需用地指标需市自然资源局协调。"))
    db.session.commit()
    return {"office": office, "liaison": liaison, "science": science, "finance": finance, "period": period,
            "report": report, "kjj": kjj}


def kinds_and_tasks(hits) -> list[tuple[str, str]]:
    return [(hit.kind, hit.task.title) for hit in hits]


@pytest.mark.parametrize("query", ["重点实验室", "实验室", "实验", "验", "点实验室"])
def test_any_substring_finds_the_item_text_and_the_file(world, query):
    found = kinds_and_tasks(search(world["office"], query))
    assert ("task", "推进科技创新平台建设") in found
    assert ("evidence", "推进科技创新平台建设") in found
    assert all(title == "推进科技创新平台建设" for _kind, title in found)


def test_a_file_is_found_by_its_name_and_a_report_by_its_text(world):
    assert kinds_and_tasks(search(world["office"], "建设方案.pdf")) == [("evidence", "推进科技创新平台建设")]
    assert kinds_and_tasks(search(world["office"], "专题推进会")) == [("report", "推进科技创新平台建设")]
    assert search(world["office"], "没有这句话") == []


def test_a_liaison_finds_only_his_departments_items(world):
    office = {hit.kind: hit.task.title for hit in search(world["office"], "用地")}
    assert office == {"report": "推进科技创新平台建设", "issue": "完善财政资金绩效管理"}
    assert kinds_and_tasks(search(world["liaison"], "用地")) == [("report", "推进科技创新平台建设")]
    assert kinds_and_tasks(search(world["liaison"], "用地指标需市")) == []
    assert search(world["liaison"], "财政资金绩效") == []


def test_a_match_in_an_items_title_ranks_above_one_in_text_and_reports(world):
    hits = search(world["office"], "推进")
    assert kinds_and_tasks(hits)[0] == ("task", "推进科技创新平台建设")
    assert ("task", "完善财政资金绩效管理") in kinds_and_tasks(hits)
    assert hits.index(next(h for h in hits if h.kind == "report")) > 0


def test_the_match_is_marked_in_an_escaped_excerpt(db, make, world):
    make.task(world["science"].plan, lead=world["kjj"], title="<script>alert(1)</script>数字政府建设")
    hit = search(world["office"], "数字政府")[0]
    (column, excerpt), = hit.excerpts
    assert column == "title"
    assert str(excerpt) == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>数字政府</mark>建设"


def test_the_index_follows_every_write(db, world):
    report, liaison = world["report"], world["liaison"]
    reporting.save_report(world["science"], world["period"], ReportInput(narrative="新建科技企业孵化器两家。"),
                          by=liaison, expected_version=report.version, now=NOW)
    world["finance"].title = "深化零基预算改革"
    db.session.commit()
    assert kinds_and_tasks(search(world["office"], "孵化器")) == [("report", "推进科技创新平台建设")]
    assert search(world["office"], "专题推进会") == []
    assert kinds_and_tasks(search(world["office"], "零基预算")) == [("task", "深化零基预算改革")]
    assert search(world["office"], "财政资金绩效") == []
    evidence = report.evidence[0]
    remove_evidence(evidence, by=liaison)
    db.session.commit()
    assert search(world["office"], "建设方案.pdf") == []


def test_the_results_page_marks_the_match_and_the_box_is_on_every_page(world, login_as):
    client = login_as(world["liaison"])
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="search-box"' in home
    page = client.get("/search/?q=实验室").get_data(as_text=True)
    assert "<mark>实验室</mark>" in page and "推进科技创新平台建设" in page
    assert 'data-testid="search-empty"' in client.get("/search/?q=财政资金").get_data(as_text=True)


def test_a_query_too_short_for_the_index_reads_only_the_newest_rows(world, make, monkeypatch):
    """A two-character search answers from the newest rows instead of scanning the whole history."""
    make.task(world["science"].plan, lead=world["kjj"], title="新建科创走廊", text="规划科创走廊。")
    monkeypatch.setattr("tracker.search.services.SHORT_QUERY_ROWS", 1)
    assert kinds_and_tasks(search(world["office"], "实验")) == [("evidence", "推进科技创新平台建设")]
    assert ("task", "推进科技创新平台建设") in kinds_and_tasks(search(world["office"], "实验室"))
