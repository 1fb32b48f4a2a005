"""The one place where routes declare who may use them."""
from __future__ import annotations

from functools import wraps
from typing import NamedTuple

from flask import abort, g, session
from flask_login import current_user

from trainer.extensions import login_manager
from trainer.org.models import Role


def roles_required(*roles: Role):
    """Signed-in users with one of these roles; anonymous users go to sign-in, others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the access-matrix test
        return wrapped

    return decorator


admin_required = roles_required(Role.admin)
staff_required = roles_required(Role.admin, Role.mentor)
signed_in = roles_required()


class Identity(NamedTuple):
    """Who the session says is signed in, before the user row is read (the two attributes of a User that
    services checking the session themselves need)."""

    id: int
    session_token: str


def session_signed_in(view):
    """For the hottest JSON endpoint (autosave): the session must name a user, and the view checks that user
    (token, active, password changed) in the statement it runs anyway instead of loading it first. g.identity
    holds the claim. A session restored from the remember-me cookie takes the usual path."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        ident, _, token = (session.get("_user_id") or "").partition(":")
        if ident.isdigit() and token:
            g.identity = Identity(int(ident), token)
        elif current_user.is_authenticated:
            g.identity = Identity(current_user.id, current_user.session_token)
        else:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.allowed_roles = ()
    wrapped.checks_user_itself = True  # read by the password-change guard in web_setup
    return wrapped


def require(condition: bool) -> None:
    """Abort with 403 unless an ownership or scope condition holds."""
    if not condition:
        abort(403)
