"""Sessions as Django's cached_db keeps them (the cache, then the database), with one round trip less:
the session's cache entry is read together with the keys nearly every page reads (the catalog's
versions, the site settings: core.request_reads). Named as soon as the cookie is read, it comes with the
request's next round trip; read before that, it brings the shared keys with it. A session missing from the
cache is read as cached_db reads it: from the database, then cached again. Once read, it names what the request
will read next because of it (read_with_session: its user, its cart), for that to come with the next round trip."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS

from core import request_reads


def _shares_the_cache() -> bool:
    return settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS  # the cache request_reads reads


# Functions of a session's data that name what the request will read once its session is known (its
# user's cached row, its cart's lines: core.request_reads.read_along, read_hash_along), for the request's
# next round trip to bring with whatever it reads; registered by the apps that read them (AppConfig.ready).
_NAMED_FROM_SESSION: list[Callable[[dict], None]] = []


def read_with_session(namer: Callable[[dict], None]) -> None:
    if namer not in _NAMED_FROM_SESSION:
        _NAMED_FROM_SESSION.append(namer)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        if session_key and self._validate_session_key(session_key) and _shares_the_cache():
            request_reads.read_along([self.cache_key_prefix + session_key])

    def load(self):
        data = self._load()
        for namer in _NAMED_FROM_SESSION:
            namer(data)
        return data

    def _load(self):
        if _shares_the_cache():
            key = self.cache_key
            try:
                request_reads.prefetch((), once=[key])  # with the shared keys, if not read yet
                data = request_reads.take([key])[key]
            except Exception:  # as cached_db: a cache that refuses the key is a miss
                data = None
            if data is not None:
                return data
        return super().load()  # a miss: the cache asked once more, then the database
