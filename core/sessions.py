"""Short lists a browser's session keeps: the guest orders it placed or looked up, the complaint
sheets it filed, the one-time form keys it was handed."""


def session_remember(request, key: str, value: str, *, keep: int) -> None:
    """Put `value` first in the session's list `key` (once), keeping the `keep` newest."""
    values = [known for known in request.session.get(key, []) if known != value]
    request.session[key] = [value, *values][:keep]


def session_remembers(request, key: str, value: str) -> bool:
    return value in request.session.get(key, [])
