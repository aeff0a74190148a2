"""Policies as versioned pages, and the consents shoppers give to them.

A published version is never edited nor deleted: a consent points at the exact text the shopper
accepted. Staff write a new version (a draft, editable until published); the page shows the
latest published one."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel


class PolicyKind(models.TextChoices):
    TERMS = "terms", _("Terms and conditions")
    PRIVACY = "privacy", _("Privacy policy")
    RETURNS = "returns", _("Returns policy")
    SHIPPING = "shipping", _("Shipping policy")


# Where each page lives (legal/urls.py names them after the kind).
POLICY_URL_NAMES = {kind: f"legal:{kind}" for kind in PolicyKind.values}


class PolicyVersion(models.Model):
    kind = models.CharField(_("policy"), max_length=10, choices=PolicyKind.choices)
    version = models.PositiveIntegerField(_("version"), editable=False)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(
        _("text"),
        max_length=60_000,
        help_text=_('Plain text. A blank line starts a new paragraph; a line starting with "## " is a heading.'),
    )
    change_note = models.CharField(_("what changed"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="legal_policy_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def get_absolute_url(self) -> str:
        return f"{reverse(POLICY_URL_NAMES[self.kind])}?version={self.version}"

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise ValidationError("A published policy version is kept.")
        return super().delete(*args, **kwargs)


class ConsentKind(models.TextChoices):
    TERMS = "terms", _("Terms and conditions")
    PRIVACY = "privacy", _("Processing of personal data (privacy policy)")
    MARKETING = "marketing", _("Marketing e-mails")


class ConsentSource(models.TextChoices):
    SIGNUP = "signup", _("Sign-up")
    CHECKOUT = "checkout", _("Checkout")
    ACCOUNT = "account", _("My account")
    DEMO = "demo", _("Demo data")


class Consent(AppendOnlyModel):
    """One row per consent given or withdrawn, never edited: who (account or a guest's e-mail),
    to what (the policy version shown), when and from which IP."""

    append_only_message = "Consents are append-only."

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("customer"),
        help_text=_("Empty for a guest (the e-mail says who)."),
    )
    email = models.EmailField(_("e-mail"), max_length=254, db_index=True)
    kind = models.CharField(_("consent to"), max_length=10, choices=ConsentKind.choices)
    policy_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("policy version"),
    )
    granted = models.BooleanField(_("granted"), default=True, help_text=_("False: withdrawn."))
    source = models.CharField(_("where"), max_length=10, choices=ConsentSource.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "created_at"], name="legal_consent_user_kind_idx")]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_kind_display()} ({'+' if self.granted else '-'})"
