"""DNI and RUC fields: normalize_identity runs before any check, on every way in.

A number typed in full-width or another script's digits (１２３４５６７８, ٤٥٦...) is stored, compared
for uniqueness ("DNI already registered") and sent to SUNAT as the same ASCII digits as one typed
plainly. The form field normalises what a form receives; the model field does it in full_clean,
on save and in lookups, so a service or an import that sets the attribute directly is covered too."""

from django import forms
from django.db import models
from django.db.models.lookups import IContains, IExact
from django.utils.translation import gettext_lazy as _

from .validators import normalize_identity, validate_dni, validate_ruc

# Room in the input for the spaces and dashes people type inside a number (removed on clean).
TYPING_SLACK = 6


class IdentityFormField(forms.CharField):
    """A DNI or RUC input. max_length is the number's digits: the input takes a few more
    characters (separators), and the length is judged by the validators after normalising,
    so a number too long gets their one clear message, not a second one about characters."""

    def __init__(self, *, max_length: int | None = None, **kwargs):
        self.digits = max_length
        attrs = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_identity(value) if isinstance(value, str) else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.digits:
            attrs["maxlength"] = str(self.digits + TYPING_SLACK)
        return attrs


class DniFormField(IdentityFormField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("DNI"))
        super().__init__(max_length=8, validators=[validate_dni], **kwargs)


class RucFormField(IdentityFormField):
    """A RUC input; the site settings' store RUC uses it too (CONSTANCE_ADDITIONAL_FIELDS)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("RUC"))
        super().__init__(max_length=11, validators=[validate_ruc], **kwargs)


class IdentityField(models.CharField):
    """A DNI or RUC column, always ASCII digits (or empty)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value if value is None else normalize_identity(value)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalize_identity(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalize_identity(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        # The model's validators (validate_dni, validate_ruc) judge the form's value too, so an
        # admin form says what is wrong once, before the model's own check.
        return super().formfield(**{"form_class": IdentityFormField, "validators": list(self._validators), **kwargs})


# The admin's searches ("=dni" is iexact, "dni" icontains) compare the typed number normalised
# too: Django's own iexact and icontains pass the searched text to the database as it is.
@IdentityField.register_lookup
class IdentityIExact(IExact):
    prepare_rhs = True


@IdentityField.register_lookup
class IdentityIContains(IContains):
    prepare_rhs = True


def normalise_stored_numbers(model, field: str, *, unique: bool) -> None:
    """Rewrite as ASCII the numbers a table kept as typed before its field was an IdentityField
    (a migration's step). A number whose ASCII spelling another row of a unique column already
    has stays as it was: which of the two is right is for staff to settle, not a migration."""
    rows = model._default_manager.exclude(**{field: ""}).filter(**{f"{field}__regex": r"[^0-9]"})
    for pk, typed in rows.values_list("pk", field).iterator():
        number = normalize_identity(typed)
        if unique and model._default_manager.filter(**{field: number}).exclude(pk=pk).exists():
            continue
        model._default_manager.filter(pk=pk).update(**{field: number})
