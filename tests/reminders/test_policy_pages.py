"""The office's escalation policy pages: who may see and change them, and what a change records."""
from __future__ import annotations

import sqlalchemy as sa

from tracker.audit.models import AuditEntry
from tracker.reminders import policies
from tracker.reminders.models import EscalationPolicy, EscalationStep


def _form(steps, **changes) -> dict:
    """The posted form: every step of `steps` (with `changes` by key) and the blank row."""
    data = {}
    for i, step in enumerate(steps):
        values = {"key": step.key, "position": step.position, "condition": step.condition.value,
                  "offset_workdays": step.offset_workdays, "target": step.target.value,
                  "escalation_level": step.escalation_level, "repeat_count": step.repeat_count,
                  "repeat_interval_workdays": step.repeat_interval_workdays} | changes.get(step.key, {})
        data |= {f"steps-{i}-{name}": value for name, value in values.items() if value is not False}
    data |= {f"steps-{len(steps)}-{name}": value for name, value in
             {"key": "", "position": 99, "condition": "", "offset_workdays": 0, "target": "liaison",
              "escalation_level": 0, "repeat_count": 1, "repeat_interval_workdays": 1}.items()}
    return data


def test_a_liaison_may_not_see_or_change_policies(make, login_as):
    liaison = make.liaison(make.department())
    client = login_as(liaison)
    assert client.get("/inbox/policies").status_code == 403
    assert client.post_form("/inbox/policies/default", _form(policies.builtin_default().steps)).status_code == 403


def test_the_office_sees_the_default_ladder(office_client):
    page = office_client.get("/inbox/policies").get_data(as_text=True)
    assert "提醒规则" in page and "列入下一期督查通报" in page and "后 5 个工作日" in page
    assert "前 3 个工作日" in page


def test_the_office_edits_a_plans_policy_and_it_is_audited(office_client, make, db, office):
    plan = make.plan("科技创新行动方案")
    page = office_client.get(f"/inbox/policies/plans/{plan.id}").get_data(as_text=True)
    assert "该方案目前使用默认规则" in page
    shown = policies.builtin_default().steps
    data = _form(shown, **{"late-office": {"offset_workdays": 4}, "remind": {"remove": "y"}})
    data["version"] = "new"
    response = office_client.post_form(f"/inbox/policies/plans/{plan.id}", data)
    assert response.status_code == 302
    policy = db.session.scalar(sa.select(EscalationPolicy).where(EscalationPolicy.plan_id == plan.id))
    steps = {s.key: s for s in db.session.scalars(sa.select(EscalationStep).where(EscalationStep.policy_id == policy.id))}
    assert "remind" not in steps and steps["late-office"].offset_workdays == 4
    assert set(steps) == {s.key for s in shown} - {"remind"}  # kept steps keep their keys
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "escalation_policy.updated"))
    assert entry.actor_id == office.id and entry.plan_id == plan.id
    assert {s["key"] for s in entry.before["steps"]} - {s["key"] for s in entry.after["steps"]} == {"remind"}
    default = {s.key: s.offset_workdays for s in policies.find_default().steps}  # stored, unchanged
    assert default["remind"] == -3 and default["late-office"] == 3
    listing = office_client.get("/inbox/policies").get_data(as_text=True)
    assert "本方案单独设置" in listing


def test_a_stale_form_is_refused(office_client, make, db):
    policy = policies.default_policy()
    db.session.commit()
    data = _form(policy.steps, **{"due": {"offset_workdays": -1}})
    data["version"] = f"{policy.id}:{policy.version - 1 or 99}"
    page = office_client.post_form("/inbox/policies/default", data)
    assert page.status_code == 200 and "已被他人修改" in page.get_data(as_text=True)
    db.session.expire_all()
    assert {s.key: s.offset_workdays for s in policies.find_default().steps}["due"] == 0


def test_a_post_without_csrf_token_is_refused(office_client, db):
    data = _form(policies.builtin_default().steps)
    data["version"] = "new"
    response = office_client.post("/inbox/policies/default", data=data)
    assert response.status_code == 400
    assert policies.find_default() is None
