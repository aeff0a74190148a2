"""Reads of policies and consents that pages, forms and the account's privacy page share."""

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from core.compiled_query import CompiledQuery, InSlot

from .models import Consent, ConsentKind, PolicyKind, PolicyVersion

if TYPE_CHECKING:
    from core.actors import AuthUser

# The policies a shopper accepts to sign up or to buy as a guest.
REQUIRED_POLICIES = (PolicyKind.TERMS, PolicyKind.PRIVACY)


def policy_current(*, kind: str) -> PolicyVersion | None:
    """The latest published version of a policy (None until staff publish one)."""
    return PolicyVersion.objects.filter(kind=kind, published_at__isnull=False).order_by("-version").first()


def policy_published(*, kind: str, version: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(kind=kind, version=version, published_at__isnull=False).first()


@functools.cache
def _published() -> CompiledQuery[PolicyVersion]:
    """The published versions of the slot `kinds`, newest first within each, without their text (up
    to 60,000 characters each, read by no caller): compiled once per process, as the checkout's first
    step asks on every request."""
    return CompiledQuery(
        PolicyVersion.objects.filter(InSlot("kind", "kinds"), published_at__isnull=False)
        .defer("body")
        .order_by("kind", "-version")
    )


def policies_current(*, kinds: Iterable[str] = REQUIRED_POLICIES) -> dict[str, PolicyVersion]:
    """Each kind's current published version, in one query (kinds without one are left out), its
    text not read."""
    current: dict[str, PolicyVersion] = {}
    for version in _published().all(kinds=list(kinds)):
        current.setdefault(version.kind, version)
    return current


def consents_for(*, user: "AuthUser") -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).select_related("policy_version").order_by("-created_at", "-pk")


def marketing_opted_in(*, user: "AuthUser") -> bool:
    """The latest marketing row decides: granted, or withdrawn (or never asked: no)."""
    latest = Consent.objects.filter(user=user, kind=ConsentKind.MARKETING).order_by("-created_at", "-pk").first()
    return bool(latest and latest.granted)


def accepted_current_policies(*, user: "AuthUser") -> bool:
    """True when the customer accepted the current version of every required policy (a policy
    not published yet asks nothing)."""
    current = policies_current()
    accepted = set(
        Consent.objects.filter(user=user, granted=True, policy_version__in=current.values()).values_list(
            "policy_version_id", flat=True
        )
    )
    return all(version.pk in accepted for version in current.values())
