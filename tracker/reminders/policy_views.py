"""The office's escalation policy pages (提醒规则): the default ladder and each plan's own."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.plans.models import Plan, PlanStatus
from tracker.reminders import policies
from tracker.reminders.blueprint import bp
from tracker.reminders.policy_forms import CONDITION_LABELS, LEVELS, TARGET_LABELS, PolicyForm, fill
from tracker.tasks.permissions import Action, require


@bp.get("/policies", endpoint="policies")
@login_required
def policies_index():
    require(current_user, Action.MANAGE_PLANS)  # the office sets the reminders of its plans
    own = {p.plan_id for p in policies.all_policies() if p.plan_id is not None}
    plans = db.session.scalars(sa.select(Plan).where(Plan.status == PlanStatus.PUBLISHED).order_by(Plan.title)).all()
    return render_template("reminders/policies.html", default=policies.find_default() or policies.builtin_default(),
                           plans=plans, own=own, labels=_labels())


def _labels() -> dict:
    return {"conditions": CONDITION_LABELS, "targets": TARGET_LABELS, "levels": LEVELS}


@bp.route("/policies/default", methods=["GET", "POST"], defaults={"plan_id": None})
@bp.route("/policies/plans/<int:plan_id>", methods=["GET", "POST"])
@login_required
def edit_policy(plan_id: int | None):
    require(current_user, Action.MANAGE_PLANS)  # the office sets the reminders of its plans
    plan = db.get_or_404(Plan, plan_id) if plan_id else None
    shown = policies.policy_for(plan) if plan else policies.find_default() or policies.builtin_default()
    form = PolicyForm()
    if not form.is_submitted():
        fill(form, shown.steps)
        form.version.data = _stamp(shown)
    if form.validate_on_submit():
        if _save(plan, shown, form):
            flash(_("已保存提醒规则。已发出的提醒不受影响。"), "success")
            return redirect(url_for("reminders.edit_policy", plan_id=plan_id))
    return render_template("reminders/policy_form.html", form=form, plan=plan,
                           follows_default=plan is not None and policies.plan_policy(plan) is None, labels=_labels())


def _stamp(policy) -> str:
    """Which policy, in which version, the form was filled from: "12:3", or "new" for the shipped default."""
    return f"{policy.id}:{policy.version}" if policy.id else "new"


def _save(plan: Plan | None, shown, form: PolicyForm) -> bool:
    """Save the ladder (copying the default first for a plan that had none); False on a concurrent edit."""
    if form.version.data != _stamp(shown):
        flash(_("该记录已被他人修改,请查看最新内容后再保存。"), "error")
        return False
    policy = policies.copy_for_plan(plan, by=current_user) if plan else policies.default_policy()
    try:
        policies.save_steps(policy, form.rows(), by=current_user)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("该记录已被他人修改,请查看最新内容后再保存。"), "error")
        return False
    return True


@bp.post("/policies/plans/<int:plan_id>/reset")
@login_required
def reset_policy(plan_id: int):
    require(current_user, Action.MANAGE_PLANS)  # the office sets the reminders of its plans
    plan = db.get_or_404(Plan, plan_id)
    policies.reset_to_default(plan, by=current_user)
    db.session.commit()
    flash(_("该方案已恢复使用默认提醒规则。"), "success")
    return redirect(url_for("reminders.policies"))
