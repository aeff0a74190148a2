"""Who did something, as the rows that record it keep it."""


def signed_in(user):
    """`user` when it is a signed-in account, else None: an anonymous visitor, a system run (None)
    and anything else without an account are recorded as nobody."""
    return user if getattr(user, "is_authenticated", False) else None
