"""`flask reminders sweep --now … --json` and the scheduler's jobs."""
from __future__ import annotations

import json
from datetime import date


from tracker.reminders.scheduler import build_scheduler, sweep_job
from tracker.tasks.models import Light, Task


def _late_item(make):
    kjj = make.department("市科技局")
    make.liaison(kjj, "kjj", email="kjj@example.gov.cn")
    make.head(kjj, "kjj_head")
    plan = make.plan()
    make.period(plan, "2025-09", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), due_on=date(2025, 9, 25))
    return make.task(plan, lead=kjj)


def test_sweep_json_prints_the_counts(runner, make, office, db):
    task = _late_item(make)
    result = runner.invoke(args=["reminders", "sweep", "--now", "2025-09-29T09:00", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output.strip().splitlines()[-1])
    # 09-29 is 3 working days late (09-28 was a worked Sunday): liaison and head catch up once, the office hears.
    assert printed == {"created": 3, "by_level": {"1": 2, "2": 1},
                       "by_channel": {"inbox": 3, "email": 1, "webhook": 0, "supervision_report": 0}, "settled": 0}
    assert db.session.get(Task, task.id).light == Light.RED  # the pass refreshed the lights too
    again = runner.invoke(args=["reminders", "sweep", "--now", "2025-09-29T09:15", "--json"])
    assert json.loads(again.output.strip().splitlines()[-1])["created"] == 0
    holiday = runner.invoke(args=["reminders", "sweep", "--now", "2025-10-02T09:00"])
    assert holiday.exit_code == 0 and "created: 0" in holiday.output


def test_scheduler_has_one_coalescing_sweep_and_a_delivery_job(app):
    app.config["SWEEP_INTERVAL_MINUTES"] = 10
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sweep", "deliver"}
    assert jobs["sweep"].trigger.interval.total_seconds() == 600
    assert jobs["deliver"].trigger.interval.total_seconds() == 60
    assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())
    assert str(scheduler.timezone) == "Asia/Shanghai"


def test_the_sweep_job_runs_a_pass_in_its_own_context(app, db, make):
    task = _late_item(make)
    assert task.light == Light.GREEN
    sweep_job(app)  # at the real time: the September 2025 report is long overdue
    db.session.expire_all()
    assert db.session.get(Task, task.id).light == Light.RED


def test_beside_an_outbox_sender_the_scheduler_only_sweeps(app):
    scheduler = build_scheduler(app, deliver=False)
    assert [job.id for job in scheduler.get_jobs()] == ["sweep"]
    assert scheduler.get_jobs()[0].kwargs == {"deliver": False}
