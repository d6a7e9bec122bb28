"""Who may see what: ``roles_required`` guards a view by the signed-in person's role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from localoffer.extensions import login_manager
from localoffer.models import Role

STAFF = (Role.OFFICER, Role.ADMIN)


def roles_required(*roles: Role) -> Callable:
    """Anonymous visitors are sent to sign in; signed-in people without the role get 403."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate
