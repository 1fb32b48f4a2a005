"""The one place where routes declare who may use them."""
from __future__ import annotations

from functools import wraps

from flask import abort
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


def require(condition: bool) -> None:
    """Abort with 403 unless an ownership or scope condition holds."""
    if not condition:
        abort(403)
