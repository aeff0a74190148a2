"""Writing policies and consents. Each service is one transaction; a refusal is a LegalError
raised before anything is written."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import signed_in
from core.counters import counter_next

from .models import Consent, ConsentKind, ConsentSource, PolicyKind, PolicyVersion
from .selectors import REQUIRED_POLICIES, policies_current

if TYPE_CHECKING:
    from core.actors import AnyUser, AuthUser


class LegalError(Exception):
    """A refused step; str() is the message for staff or the shopper."""


@transaction.atomic
def policy_version_create(
    *, kind: str, title: str, body: str, change_note: str = "", actor: "AnyUser | None" = None
) -> PolicyVersion:
    """A new draft of a policy, numbered after the policy's last version."""
    if kind not in PolicyKind.values:
        raise LegalError(_("Unknown policy."))
    if not title.strip() or not body.strip():
        raise LegalError(_("A policy needs a title and a text."))
    number = counter_next(scope="policy", key=kind)
    return PolicyVersion.objects.create(
        kind=kind,
        version=number,
        title=title.strip(),
        body=body.strip(),
        change_note=change_note.strip(),
        created_by=signed_in(actor),
    )


@transaction.atomic
def policy_version_update(
    *, version: PolicyVersion | int, title: str, body: str, change_note: str = ""
) -> PolicyVersion:
    """Edit a draft; a published version is what shoppers accepted and stays as it is."""
    version = PolicyVersion.objects.select_for_update().get(pk=getattr(version, "pk", version))
    if version.is_published:
        raise LegalError(_("A published version cannot change: write a new version instead."))
    if not title.strip() or not body.strip():
        raise LegalError(_("A policy needs a title and a text."))
    version.title, version.body, version.change_note = title.strip(), body.strip(), change_note.strip()
    version.save(update_fields=["title", "body", "change_note"])
    return version


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion | int, actor: "AnyUser | None" = None) -> PolicyVersion:
    """The draft becomes the page's current version; earlier versions stay, as accepted."""
    version = PolicyVersion.objects.select_for_update().get(pk=getattr(version, "pk", version))
    if version.is_published:
        raise LegalError(_("This version is already published."))
    newer = PolicyVersion.objects.filter(
        kind=version.kind, version__gt=version.version, published_at__isnull=False
    ).exists()
    if newer:
        raise LegalError(_("A newer version of this policy is already published."))
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    return version


def policy_version_draft_from(*, version: PolicyVersion | int, actor: "AnyUser | None" = None) -> PolicyVersion:
    """A new draft starting from a version's text (staff edit it, then publish it)."""
    source = PolicyVersion.objects.get(pk=getattr(version, "pk", version))
    return policy_version_create(kind=source.kind, title=source.title, body=source.body, actor=actor)


@transaction.atomic
def consent_record(
    *,
    email: str,
    source: str,
    user: "AnyUser | None" = None,
    marketing: bool = False,
    ip: str | None = None,
    kinds: Iterable[str] = REQUIRED_POLICIES,
) -> list[Consent]:
    """Record the acceptance of the current version of each policy in `kinds` (and, when given,
    of marketing e-mails). An acceptance already on record for the same person and version is not
    repeated (a guest going through checkout twice)."""
    if source not in ConsentSource.values:
        raise LegalError(_("Unknown consent source."))
    email = (email or "").strip().lower()
    if not email:
        raise LegalError(_("A consent needs the shopper's e-mail."))
    user = signed_in(user)
    current = policies_current(kinds=tuple(kinds) + ((PolicyKind.PRIVACY,) if marketing else ()))
    made = []
    for kind in kinds:
        version = current.get(kind)
        if version is None:
            continue  # nothing published yet: nothing to accept
        given = Consent.objects.filter(kind=kind, policy_version=version, granted=True)
        given = given.filter(user=user) if user is not None else given.filter(user__isnull=True, email=email)
        if not given.exists():
            made.append(
                Consent.objects.create(
                    user=user, email=email, kind=kind, policy_version=version, source=source, ip_address=ip or None
                )
            )
    if marketing:
        made.append(
            _marketing(
                user=user, email=email, granted=True, source=source, ip=ip, version=current.get(PolicyKind.PRIVACY)
            )
        )
    return made


def _marketing(
    *,
    user: "AuthUser | None",
    email: str,
    granted: bool,
    source: str,
    ip: str | None,
    version: PolicyVersion | None,
) -> Consent:
    return Consent.objects.create(
        user=user,
        email=email,
        kind=ConsentKind.MARKETING,
        granted=granted,
        policy_version=version,
        source=source,
        ip_address=ip or None,
    )


@transaction.atomic
def consent_marketing_set(*, user: "AuthUser", granted: bool, ip: str | None = None) -> Consent:
    """A customer subscribes to or withdraws from marketing e-mails from their account: a new row,
    the earlier ones stay as the record of what was agreed when."""
    from .selectors import policy_current

    return _marketing(
        user=user,
        email=user.email,
        granted=granted,
        source=ConsentSource.ACCOUNT,
        ip=ip,
        version=policy_current(kind=PolicyKind.PRIVACY),
    )


# Consents are append-only (legal.models.Consent): the two changes below are the ones Ley 29733
# asks of them, made as a plain UPDATE past the append-only guard. What was agreed, to which version
# and when stays as it was; who and from where are what the person or the retention term takes away.


@transaction.atomic
def consents_anonymise(*, user: "AuthUser", email: str, anonymous_email: str) -> int:
    """A closed account's consents, and those given as a guest with its e-mail, keep what was
    agreed and when, without the e-mail (the account's anonymous one instead) nor the IP address.
    How many rows changed."""
    mine = Q(user=user) | Q(user__isnull=True, email__iexact=email) if email else Q(user=user)
    rows = Consent.objects.filter(mine)
    return models.QuerySet.update(rows, email=anonymous_email, ip_address=None)


@transaction.atomic
def consent_ips_drop_before(*, cutoff: datetime) -> int:
    """IP addresses of consents given before `cutoff`, erased (their retention term is over)."""
    rows = Consent.objects.filter(created_at__lt=cutoff, ip_address__isnull=False)
    return models.QuerySet.update(rows, ip_address=None)
