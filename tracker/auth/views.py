"""Login, logout, the profile page (password, API tokens) and the language switch."""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from tracker.auth import note_sign_in, services
from tracker.auth.forms import LoginForm, PasswordForm, TokenForm
from tracker.auth.models import ApiToken
from tracker.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a local path: an absolute URL in ?next= would make the login page an open redirect. A
    backslash (browsers read "/\\host" as "//host") or a control character (a line break cannot go into
    the Location header) is not part of one."""
    if (target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//")
            and target.isprintable() and "\\" not in target):
        return target
    return url_for("dashboards.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        keys = services.throttle_keys(form.login.data, request.remote_addr)
        wait = services.reserve_login_attempt(keys)
        # Committed before the password is checked: the attempt counts in every worker at once, and no
        # row stays locked while the hash is computed.
        db.session.commit()
        if wait:
            raise TooManyRequests(_("登录尝试过于频繁,请 %(seconds)d 秒后再试。", seconds=wait), retry_after=wait)
        user = services.authenticate(form.login.data.strip(), form.password.data)
        if user is None:
            flash(_("账号或密码错误"), "error")
            return render_template("auth/login.html", form=form), 200
        services.give_back_login_attempt(keys)
        login_user(user)
        note_sign_in()
        session.permanent = True
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _sign_out(end, message: str):
    end(current_user)
    db.session.commit()
    logout_user()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout")
@login_required
def logout():
    return _sign_out(services.end_other_sessions, _("您已退出登录"))


@bp.post("/profile/logout-everywhere")
@login_required
def logout_everywhere():
    """退出所有设备: API tokens end too (a plain logout keeps them: scripts run without a browser)."""
    return _sign_out(services.end_everything, _("已退出所有设备上的登录,全部 API 令牌已吊销"))


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
    flash(_("密码已修改,其他设备上的登录和全部 API 令牌已失效"), "success")
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
