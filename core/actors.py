"""Who did something, as the rows that record it keep it."""

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    # The user model is accounts.User, which apps below accounts may not import: django-stubs'
    # placeholders, which its mypy plugin reads as settings.AUTH_USER_MODEL, name it for them.
    from django.contrib.auth.models import _AnyUser as AnyUser  # the account, or AnonymousUser
    from django.contrib.auth.models import _User as AuthUser  # a signed-in account


def signed_in(user: "AnyUser | None") -> "AuthUser | None":
    """`user` when it is a signed-in account, else None: an anonymous visitor, a system run (None)
    and anything else without an account are recorded as nobody."""
    return cast("AuthUser", user) if getattr(user, "is_authenticated", False) else None
