"""The signed-in user of a request, read from the cache instead of the database.

Every signed-in request loads its user (django.contrib.auth checks the session against the user's
password hash); on a page served from the page cache that row was most of what the request read.
The authentication backends below keep each user in the cache for a few minutes, and every save
or delete of a user forgets it (signals: this is a cache), now and again at commit, so a reader
meanwhile cannot put the old row back. A write that bypasses save() (QuerySet.update) must call
forget() itself: a stale copy saved later would write its old values back."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core import request_reads, session_store

TTL_SECONDS = 5 * 60


def _key(user_id) -> str:
    return f"accounts:user:{user_id}"


def forget(user_id) -> None:
    key = _key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def session_user_id(request) -> int | None:
    """The id of the user the request's session names. Not checked yet (request.user checks the
    session against the user): it only names what to read, such as the shopper's own cache entries
    to read with the page's, and the user's row itself comes with them (_read_user_with_session)."""
    if hasattr(request, "_cached_user"):  # django.contrib.auth's middleware has read the user
        return request.user.pk if request.user.is_authenticated else None
    return _user_id(request.session)


def _user_id(session) -> int | None:
    try:
        return get_user_model()._meta.pk.to_python(session[SESSION_KEY])
    except (KeyError, ValidationError):
        return None


def _read_user_with_session(session: dict) -> None:
    """As soon as a request's session is read, name its user's cached row to the request's reads: it
    comes with the request's next round trip (a page's own keys, named from session_user_id), not in
    one of its own (core.session_store.read_with_session)."""
    if (user_id := _user_id(session)) is not None:
        request_reads.read_along([_key(user_id)])


class _CachedUser:
    def get_user(self, user_id):
        key = _key(user_id)
        user = request_reads.take([key])[key]  # read ahead with the session's next round trip, or now
        if user is None:
            user = super().get_user(user_id)  # None when unknown or inactive: never cached
            if user is not None:
                cache.set(key, user, TTL_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None


class CachedModelBackend(_CachedUser, ModelBackend):
    """Django's ModelBackend (staff signing in to the admin, test logins) with cached users."""


class CachedAuthenticationBackend(_CachedUser, AuthenticationBackend):
    """allauth's backend (shoppers signing in by e-mail) with cached users."""


def _user_written(sender, instance, **kwargs) -> None:
    forget(instance.pk)


def _signed_in(sender, request, user, **kwargs) -> None:
    # The first page after signing in needs the user too: the one just checked is kept (after
    # Django's own receiver saved its last_login, which forgot the copy before).
    cache.set(_key(user.pk), user, TTL_SECONDS)


def connect_signals() -> None:
    session_store.read_with_session(_read_user_with_session)
    user_model = get_user_model()
    post_save.connect(_user_written, sender=user_model, dispatch_uid="accounts.user_cache.save")
    post_delete.connect(_user_written, sender=user_model, dispatch_uid="accounts.user_cache.delete")
    user_logged_in.connect(_signed_in, dispatch_uid="accounts.user_cache.signed_in")
