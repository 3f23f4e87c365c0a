"""Channel pages: my notification preferences (通知设置), webhook endpoints and the delivery log (投递记录)."""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.departments.models import Department
from tracker.extensions import db
from tracker.forms import choices
from tracker.reminders.blueprint import bp
from tracker.reminders.channel_forms import FORMAT_LABELS, LEVEL_LABELS, PreferencesForm, WebhookForm
from tracker.reminders.channels import DeliveryError
from tracker.reminders.channels.destinations import RefusedDestination
from tracker.reminders.channels.settings import masked_secret, save_preferences, save_webhook, send_test_message
from tracker.reminders.models import Delivery, DeliveryStatus, Notification, WebhookEndpoint, WebhookFormat
from tracker.reminders.outbox import deliver_pending, retry_delivery
from tracker.tasks.permissions import Action, require

LOG_FILTERS = {
    "problems": (DeliveryStatus.FAILED, DeliveryStatus.ABANDONED),
    "pending": (DeliveryStatus.PENDING,),
    "sent": (DeliveryStatus.SENT,),
}
LOG_LIMIT = 200
log = logging.getLogger(__name__)


def _refused_message() -> str:
    return _("该地址指向本机或内网,Webhook 只发往公网地址;内网机器人网关须由系统管理员在 "
             "TRACKER_WEBHOOK_ALLOWED_HOSTS 中放行。")


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    saved = current_user.channel_preferences or {}
    form = PreferencesForm(data={"email": saved.get("email", True), "email_min_level": saved.get("email_min_level", 0)})
    if form.validate_on_submit():
        save_preferences(current_user, email=form.email.data, email_min_level=form.email_min_level.data,
                         by=current_user)
        db.session.commit()
        flash(_("已保存通知设置"), "success")
        return redirect(url_for("reminders.preferences"))
    return render_template("reminders/preferences.html", form=form, has_email=bool(current_user.email))


@bp.get("/webhooks")
@login_required
def webhooks():
    require(current_user, Action.MANAGE_CHANNELS)
    endpoints = db.session.execute(
        sa.select(WebhookEndpoint, Department.name)
        .outerjoin(Department, Department.id == WebhookEndpoint.department_id)
        .order_by(WebhookEndpoint.department_id.is_not(None), Department.name, WebhookEndpoint.name)
    ).all()
    return render_template("reminders/webhooks.html", endpoints=endpoints, format_labels=FORMAT_LABELS,
                           masked_secret=masked_secret)


@bp.route("/webhooks/new", methods=["GET", "POST"], defaults={"webhook_id": None})
@bp.route("/webhooks/<int:webhook_id>", methods=["GET", "POST"])
@login_required
def edit_webhook(webhook_id: int | None):
    require(current_user, Action.MANAGE_CHANNELS)
    endpoint = db.get_or_404(WebhookEndpoint, webhook_id) if webhook_id else None
    form = WebhookForm(obj=endpoint)
    departments = db.session.scalars(sa.select(Department).where(Department.is_active).order_by(Department.name))
    form.department_id.choices = choices([(0, _("联席会议办公室(督办通知)")), *((d.id, d.name) for d in departments)])
    if endpoint is not None and not form.is_submitted():
        form.department_id.data = endpoint.department_id or 0
        form.format.data = endpoint.format.value
    if form.validate_on_submit():
        try:
            endpoint = save_webhook(
                endpoint, name=form.name.data, department_id=form.department_id.data, url=form.url.data,
                fmt=WebhookFormat(form.format.data), secret=form.secret.data, clear_secret=form.clear_secret.data,
                is_active=form.is_active.data, by=current_user,
            )
        except RefusedDestination:
            form.url.errors = [*form.url.errors, _refused_message()]
        else:
            db.session.commit()
            flash(_("已保存 Webhook“%(name)s”", name=endpoint.name), "success")
            return redirect(url_for("reminders.webhooks"))
    return render_template("reminders/webhook_form.html", form=form, endpoint=endpoint,
                           secret_hint=masked_secret(endpoint.secret if endpoint else None))


@bp.post("/webhooks/<int:webhook_id>/test")
@login_required
def test_webhook(webhook_id: int):
    require(current_user, Action.MANAGE_CHANNELS)
    endpoint = db.get_or_404(WebhookEndpoint, webhook_id)
    try:
        send_test_message(endpoint, by=current_user)
    except RefusedDestination:
        flash(_refused_message(), "error")
    except DeliveryError as error:
        # What the remote end answered, or how the connection failed, stays in the server's log: on the
        # page it would let whoever presses the button map what listens where.
        log.warning("webhook test %s failed: %s", endpoint.id, error)
        flash(_("测试消息发送失败,请检查地址、格式和密钥后重试。"), "error")
    else:
        flash(_("测试消息已发送到“%(name)s”", name=endpoint.name), "success")
    db.session.commit()
    return redirect(url_for("reminders.webhooks"))


@bp.get("/deliveries")
@login_required
def deliveries():
    require(current_user, Action.MANAGE_CHANNELS)
    shown = request.args.get("show", "problems")
    statuses = LOG_FILTERS.get(shown, LOG_FILTERS["problems"])
    rows = db.session.execute(
        sa.select(Delivery, Notification, WebhookEndpoint.name)
        .join(Notification, Notification.id == Delivery.notification_id)
        .outerjoin(WebhookEndpoint, WebhookEndpoint.id == Delivery.webhook_id)
        .where(Delivery.status.in_(statuses))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(LOG_LIMIT)
    ).all()
    counts = dict(db.session.execute(
        sa.select(Delivery.status, sa.func.count()).group_by(Delivery.status)).all())
    return render_template("reminders/deliveries.html", rows=rows, shown=shown, counts=counts,
                           statuses=DeliveryStatus)


@bp.post("/deliveries/<int:delivery_id>/retry")
@login_required
def retry(delivery_id: int):
    require(current_user, Action.MANAGE_CHANNELS)
    delivery = db.get_or_404(Delivery, delivery_id)
    if delivery.status == DeliveryStatus.SENT:
        abort(409)
    retry_delivery(delivery, by=current_user)
    db.session.commit()
    # Sent now, so the office sees at once whether the channel works again; bounded by its timeout.
    outcome = deliver_pending(ids=[delivery.id])
    if outcome["sent"]:
        flash(_("已重新发送"), "success")
    else:
        flash(_("重新发送仍未成功,请查看错误信息"), "error")
    return redirect(url_for("reminders.deliveries", show=request.form.get("show", "problems")))
