"""Login, logout, the profile page (password, API tokens) and the language switch."""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import services
from tracker.auth.forms import LoginForm, PasswordForm, TokenForm
from tracker.auth.models import ApiToken
from tracker.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a local path: an absolute URL in ?next= would make the login page an open redirect."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboards.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        keys = services.throttle_keys(form.login.data, request.remote_addr)
        if services.is_throttled(keys):
            abort(429)
        user = services.authenticate(form.login.data.strip(), form.password.data)
        if user is None:
            services.record_failed_login(keys)
            db.session.commit()
            flash(_("账号或密码错误"), "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user)
        session.permanent = True
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_other_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("您已退出登录"), "info")
    return redirect(url_for("auth.login"))


@bp.get("/profile")
@login_required
def profile():
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/profile.html", password_form=PasswordForm(), token_form=TokenForm(), tokens=tokens, new_token=None
    )


@bp.post("/profile/password")
@login_required
def change_password():
    form = PasswordForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("auth.profile"))
    if services.authenticate(current_user.login, form.current.data) is None:
        flash(_("当前密码不正确"), "error")
        return redirect(url_for("auth.profile"))
    user = current_user._get_current_object()
    services.change_password(user, form.new.data)
    db.session.commit()
    # The cookie of this session carries the old generation too: sign in again with the new one.
    login_user(user)
    flash(_("密码已修改,其他设备上的登录已失效"), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    token = services.issue_token(current_user, form.name.data or "")
    db.session.commit()
    tokens = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/profile.html", password_form=PasswordForm(), token_form=TokenForm(), tokens=tokens, new_token=token
    )


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    services.revoke_token(token)
    db.session.commit()
    flash(_("令牌已吊销"), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/language/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))
