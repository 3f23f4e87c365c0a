"""The leader's day: he reads the 需协调事项, narrows his dashboard to the departments he is in charge of
(分管), sees the months' trend and a ranking by a score that weighs returns, days late, targets reached and
co-responsible work, with its rule on the page."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tracker.core.clock import LOCAL_TZ
from tracker.reports import leader_figures
from tracker.reports.figures import month_period
from tracker.tasks import reporting, reviews
from tracker.tasks.models import CoordinationIssue, ProgressStatus
from tracker.tasks.reporting import ReportInput

MARCH = month_period(2025, 3)
TODAY = date(2025, 4, 10)


def _at(day: date):
    return datetime.combine(day, time(10), LOCAL_TZ)


def _file(task, period, liaison, day: date):
    data = ReportInput(progress_status=ProgressStatus.IN_PROGRESS, narrative="按计划推进。")
    report = reporting.save_report(task, period, data, by=liaison, expected_version=0, now=_at(day))
    return reporting.submit_report(task, period, by=liaison, expected_version=report.version, now=_at(day))


@pytest.fixture
def three(db, make, reviewer):
    """March 2025, due 03-25: 市科技局 files on time and reached its target; 市财政局 files 5 days late, is
    returned once and files again on 03-31, its target half reached; 市教育局 owes a contribution to
    市财政局's item and gave none."""
    science, finance, education = make.department("市科技局"), make.department("市财政局"), make.department("市教育局")
    plan = make.plan("科技创新行动方案")
    period = make.period(plan)
    good = make.task(plan, lead=science, title="培育高新技术企业")
    slow = make.task(plan, lead=finance, co=[education], title="设立科技金融专项")
    make.target(good, value=100, reached_value=100)
    make.target(slow, value=100, reached_value=50)
    _file(good, period, make.liaison(science, "kjj"), date(2025, 3, 24))
    finance_liaison = make.liaison(finance, "czj")
    report = _file(slow, period, finance_liaison, date(2025, 3, 30))
    reviews.return_report(report, "请补充资金到位情况", by=reviewer, expected_version=report.version,
                          now=_at(date(2025, 3, 31)))
    db.session.flush()
    reporting.submit_report(slow, period, by=finance_liaison, expected_version=report.version,
                            now=_at(date(2025, 3, 31)))
    db.session.commit()
    return science, finance, education


def test_the_score_weighs_lateness_returns_targets_and_co_work(db, three):
    science, finance, education = three
    rows = {row.name: row for row in leader_figures.department_scores(MARCH, TODAY)}
    assert rows["市科技局"].score == 100
    # on time 0/1 (weight 40) and target 50 % (weight 30), no co work: 100 × 15 / 70 = 21.4; 6 days late
    # −3, one return −2.
    assert (rows["市财政局"].days_late, rows["市财政局"].returns, rows["市财政局"].score) == (6, 1, 16.4)
    # Only its co work counts, and its one contribution is missing.
    assert (rows["市教育局"].co_owed, rows["市教育局"].co_done, rows["市教育局"].score) == (1, 0, 0)
    assert [(row.rank, row.name) for row in leader_figures.department_scores(MARCH, TODAY)] == [
        (1, "市科技局"), (2, "市财政局"), (3, "市教育局")]
    only = leader_figures.department_scores(MARCH, TODAY, {finance.id})
    assert [row.name for row in only] == ["市财政局"]


def test_the_trend_counts_each_month_as_the_supervision_report_does(db, three):
    trend = leader_figures.monthly_trend(TODAY, months=3)
    assert [point.period.label for point in trend] == ["2025-02", "2025-03", "2025-04"]
    march = trend[1]
    assert (march.due, march.on_time, march.late, march.missing, march.on_time_rate) == (2, 1, 1, 0, 50.0)
    assert trend[0].on_time_rate is None


def test_the_leader_sees_his_departments_the_trend_the_ranking_and_its_rule(db, make, three, leader, login_as):
    _science, finance, _education = three
    leader.departments_in_charge = [finance]
    db.session.commit()
    client = login_as(leader)
    page = client.get("/overview/leader?period=2025-03").get_data(as_text=True)
    assert 'data-testid="trend"' in page and 'data-testid="score-table"' in page
    assert "评分规则(满分 100 分)" in page and "每次被审核退回扣 2 分" in page
    assert "市科技局" in page.split('data-testid="score-table"')[1]
    mine = client.get("/overview/leader?period=2025-03&scope=mine").get_data(as_text=True)
    table = mine.split('data-testid="score-table"')[1].split("</table>")[0]
    assert "市财政局" in table and "市科技局" not in table and "市教育局" not in table
    assert 'data-testid="scope-mine"' in mine


def test_the_leader_reads_the_coordination_problems_but_does_not_answer_them(db, make, leader, login_as, office):
    task = make.task(make.plan(), lead=make.department("市科技局"))
    db.session.add(CoordinationIssue(task_id=task.id, text="用地指标不足,需市自然资源局协调"))
    db.session.commit()
    client = login_as(leader)
    page = client.get("/tasks/coordination")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "用地指标不足" in text and "待办公室协调" in text and "办结</button>" not in text
    assert client.post_form("/tasks/coordination/1/resolve", {"resolution": "x"}).status_code == 403
    assert 'data-testid="coordination-link"' in client.get("/overview/leader?period=2025-03").get_data(as_text=True)
