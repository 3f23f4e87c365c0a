"""升级策略: the escalation ladders, the default one and each plan's own.

A policy is an ordered list of steps. Each step says when (working days from the due date, or from
the return for returned reports), on which condition, to whom, at which escalation level and how
many times. A plan without a policy of its own follows the default (plan_id NULL). The office edits
either on the policy page; a plan's policy starts as a copy of the default.

Editing never rewrites notices already sent: a notice keeps its own title and body, and a step
keeps its `key` for as long as it exists, so an edited step does not fire again for an item it has
already fired for. A new step gets a new key and fires from then on.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from tracker.audit.services import record
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.reminders.models import EscalationPolicy, EscalationStep, StepCondition, StepTarget

DEFAULT_NAME = "默认升级策略"
STEP_FIELDS = ("key", "position", "condition", "offset_workdays", "target", "escalation_level", "repeat_count",
               "repeat_interval_workdays")


@dataclass(frozen=True)
class StepSpec:
    key: str
    condition: StepCondition
    offset_workdays: int
    target: StepTarget
    escalation_level: int
    repeat_count: int = 1
    repeat_interval_workdays: int = 1


# The defaults of issue 6: remind before and on the day; 1 working day late the liaison and the head;
# 3 late the office (督办); 5 late the item is listed for the next supervision report (通报).
# Returned reports and milestones past due have ladders of their own.
DEFAULT_STEPS = (
    StepSpec("remind", StepCondition.REPORT_NOT_SUBMITTED, -3, StepTarget.LIAISON, 0),
    StepSpec("due", StepCondition.REPORT_NOT_SUBMITTED, 0, StepTarget.LIAISON, 0),
    StepSpec("late-liaison", StepCondition.REPORT_NOT_SUBMITTED, 1, StepTarget.LIAISON, 1),
    StepSpec("late-head", StepCondition.REPORT_NOT_SUBMITTED, 1, StepTarget.HEAD, 1),
    StepSpec("late-office", StepCondition.REPORT_NOT_SUBMITTED, 3, StepTarget.OFFICE, 2),
    StepSpec("late-report", StepCondition.REPORT_NOT_SUBMITTED, 5, StepTarget.SUPERVISION_REPORT, 3),
    StepSpec("returned-liaison", StepCondition.REPORT_RETURNED, 1, StepTarget.LIAISON, 1),
    StepSpec("returned-head", StepCondition.REPORT_RETURNED, 3, StepTarget.HEAD, 1),
    StepSpec("milestone-liaison", StepCondition.MILESTONE_NOT_APPROVED, 1, StepTarget.LIAISON, 1),
    StepSpec("milestone-office", StepCondition.MILESTONE_NOT_APPROVED, 3, StepTarget.OFFICE, 2),
)


# A leader's instruction (批示) is chased sooner than a plan's item, and its leader hears when it lags:
# the office gives each 批示 this policy, which it may then edit like any plan's own.
INSTRUCTION_STEPS = (
    StepSpec("remind", StepCondition.REPORT_NOT_SUBMITTED, -1, StepTarget.LIAISON, 0),
    StepSpec("due", StepCondition.REPORT_NOT_SUBMITTED, 0, StepTarget.LIAISON, 0),
    StepSpec("late-head", StepCondition.REPORT_NOT_SUBMITTED, 1, StepTarget.HEAD, 1),
    StepSpec("late-office", StepCondition.REPORT_NOT_SUBMITTED, 2, StepTarget.OFFICE, 2),
    StepSpec("late-report", StepCondition.REPORT_NOT_SUBMITTED, 3, StepTarget.SUPERVISION_REPORT, 3),
    StepSpec("returned-liaison", StepCondition.REPORT_RETURNED, 1, StepTarget.LIAISON, 1),
    StepSpec("milestone-head", StepCondition.MILESTONE_NOT_APPROVED, 0, StepTarget.HEAD, 1),
    StepSpec("milestone-office", StepCondition.MILESTONE_NOT_APPROVED, 1, StepTarget.OFFICE, 2),
    StepSpec("milestone-leader", StepCondition.MILESTONE_NOT_APPROVED, 2, StepTarget.LEADER, 3),
)


def _steps_from_specs(specs) -> list[EscalationStep]:
    return [EscalationStep(key=s.key, position=i, condition=s.condition, offset_workdays=s.offset_workdays,
                           target=s.target, escalation_level=s.escalation_level, repeat_count=s.repeat_count,
                           repeat_interval_workdays=s.repeat_interval_workdays, channels=[])
            for i, s in enumerate(specs)]


def find_default() -> EscalationPolicy | None:
    return db.session.scalars(
        sa.select(EscalationPolicy).where(EscalationPolicy.plan_id.is_(None)).order_by(EscalationPolicy.id).limit(1)
    ).first()


def builtin_default() -> EscalationPolicy:
    """The default policy as shipped, not added to the session (what the sweep uses until one is saved)."""
    return EscalationPolicy(plan_id=None, name=DEFAULT_NAME, steps=_steps_from_specs(DEFAULT_STEPS))


def default_policy() -> EscalationPolicy:
    """The stored default policy, created with the shipped steps the first time the office opens it."""
    policy = find_default()
    if policy is None:
        policy = builtin_default()
        db.session.add(policy)
        db.session.flush()
    return policy


def plan_policy(plan: Plan) -> EscalationPolicy | None:
    return db.session.scalars(sa.select(EscalationPolicy).where(EscalationPolicy.plan_id == plan.id)).first()


def policy_for(plan: Plan) -> EscalationPolicy:
    """What applies to `plan`: its own policy, else the default."""
    return plan_policy(plan) or find_default() or builtin_default()


def policies_by_plan(plan_ids) -> tuple[dict[int, EscalationPolicy], EscalationPolicy]:
    """({plan id: its own policy}, the default) in two queries, steps loaded, for the sweep."""
    plan_ids = list(plan_ids)
    own = {}
    if plan_ids:
        rows = db.session.scalars(
            sa.select(EscalationPolicy).where(EscalationPolicy.plan_id.in_(plan_ids))
            .options(sa.orm.selectinload(EscalationPolicy.steps))
        )
        own = {policy.plan_id: policy for policy in rows}
    return own, find_default() or builtin_default()


def all_policies() -> list[EscalationPolicy]:
    """Every stored policy (steps loaded), for the sweep's window: the default first."""
    return db.session.scalars(
        sa.select(EscalationPolicy).options(sa.orm.selectinload(EscalationPolicy.steps))
        .order_by(EscalationPolicy.plan_id.is_not(None), EscalationPolicy.id)
    ).all()


def step_snapshot(policy: EscalationPolicy) -> list[dict]:
    return [{name: getattr(step, name) for name in STEP_FIELDS} for step in policy.steps]


def copy_for_plan(plan: Plan, *, by=None) -> EscalationPolicy:
    """The plan's own policy, made from the default the first time the office edits it (keys kept)."""
    existing = plan_policy(plan)
    if existing is not None:
        return existing
    source = default_policy()
    steps = [EscalationStep(channels=list(step.channels or []), **{name: getattr(step, name) for name in STEP_FIELDS})
             for step in source.steps]
    return _own_policy(plan, steps, by=by)


def give_plan_steps(plan: Plan, specs, *, by=None) -> EscalationPolicy:
    """A new plan's own policy with the given steps (a 批示's shorter ladder), audited as the office's copy is."""
    return _own_policy(plan, _steps_from_specs(specs), by=by)


def _own_policy(plan: Plan, steps: list[EscalationStep], *, by) -> EscalationPolicy:
    policy = EscalationPolicy(plan_id=plan.id, name=f"{plan.title[:150]}升级策略", steps=steps)
    db.session.add(policy)
    db.session.flush()
    record("escalation_policy.created", policy, by=by, after={"steps": step_snapshot(policy)}, plan_id=plan.id)
    return policy


def new_step_key() -> str:
    return f"s-{uuid.uuid4().hex[:12]}"


def save_steps(policy: EscalationPolicy, rows: list[dict], *, by=None) -> EscalationPolicy:
    """Replace the policy's steps by `rows` (dicts of STEP_FIELDS; key None for a new step).

    A row with the key of an existing step updates it and keeps the key; rows are ordered by
    position; steps whose key is not among the rows are removed. Notices already sent are not
    touched. The change is audited with the whole ladder before and after.
    """
    before = step_snapshot(policy)
    existing = {step.key: step for step in policy.steps}
    ordered = sorted(rows, key=lambda row: (row["position"], row.get("key") or ""))
    kept = []
    for position, row in enumerate(ordered):
        step = existing.pop(row.get("key") or "", None) or EscalationStep(key=new_step_key(), channels=[])
        for name in STEP_FIELDS[2:]:
            setattr(step, name, row[name])
        step.position = position
        kept.append(step)
    policy.steps = kept
    # Touch the policy row so its version is checked and bumped: of two offices editing at once, the later fails.
    policy.updated_at = utcnow()
    db.session.flush()
    record("escalation_policy.updated", policy, by=by, before={"steps": before},
           after={"steps": step_snapshot(policy)}, plan_id=policy.plan_id)
    return policy


def reset_to_default(plan: Plan, *, by=None) -> None:
    """Drop the plan's own policy: the plan follows the default again."""
    policy = plan_policy(plan)
    if policy is None:
        return
    record("escalation_policy.deleted", policy, by=by, before={"steps": step_snapshot(policy)}, plan_id=plan.id)
    db.session.delete(policy)
    db.session.flush()
