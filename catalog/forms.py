"""Form fields of the catalog's admin forms."""

from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

SPEC_NAME_MAX_LENGTH = 80
SPEC_VALUE_MAX_LENGTH = 500


class SpecsWidget(forms.Widget):
    """Specifications as rows of name and value, with a few blank rows for new ones (saving shows
    more): what a product page's specifications table lists, in that order."""

    template_name = "admin/catalog/specs_widget.html"
    blank_rows = 3

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pairs = [*(value or []), *[("", "")] * self.blank_rows]
        context["widget"]["rows"] = [
            {"index": index, "key": key, "value": text} for index, (key, text) in enumerate(pairs)
        ]
        context["widget"]["count"] = len(pairs)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates/ (the forms' default renderer reads only Django's and apps' folders).
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))

    def value_from_datadict(self, data, files, name):
        if self.value_omitted_from_data(data, files, name):
            return None
        try:
            count = min(int(data.get(f"{name}-rows", 0)), 500)
        except (TypeError, ValueError):
            count = 0
        return [(data.get(f"{name}-key-{index}", ""), data.get(f"{name}-value-{index}", "")) for index in range(count)]

    def value_omitted_from_data(self, data, files, name):
        # A form that did not show the rows (an import, a script) leaves the specifications alone.
        return f"{name}-rows" not in data


class SpecsField(forms.Field):
    """A JSON object of name → text edited as rows (SpecsWidget). Blank rows are skipped; a value
    without a name, a name without a value and a name given twice are refused in words."""

    widget = SpecsWidget

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # what JSONField.formfield passes
        # No hidden copy of the initial value (Django adds one for a callable default, dict): the rows
        # are compared with the row's own value, and a hidden copy would come back as text.
        kwargs["show_hidden_initial"] = False
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return [(str(key), _as_text(text)) for key, text in value.items()]
        return value or []

    def to_python(self, value):
        if value is None:
            return None
        specs, errors, seen = {}, [], set()
        for key, text in value:
            key, text = " ".join(str(key).split()), str(text).strip()
            if not key and not text:
                continue
            if not key:
                errors.append(ValidationError(_("Give a name to the value “%(value)s”."), params={"value": text[:40]}))
            elif not text:
                errors.append(ValidationError(_("Give “%(name)s” a value, or empty its row."), params={"name": key}))
            elif key.casefold() in seen:
                errors.append(ValidationError(_("“%(name)s” appears twice: keep one row."), params={"name": key}))
            elif len(key) > SPEC_NAME_MAX_LENGTH or len(text) > SPEC_VALUE_MAX_LENGTH:
                errors.append(
                    ValidationError(
                        _("“%(name)s” is too long: names up to %(names)d characters, values up to %(values)d."),
                        params={"name": key[:40], "names": SPEC_NAME_MAX_LENGTH, "values": SPEC_VALUE_MAX_LENGTH},
                    )
                )
            seen.add(key.casefold())
            specs[key] = text
        if errors:
            raise ValidationError(errors)
        return specs

    def clean(self, value):
        specs = super().clean(value)
        return {} if specs is None else specs

    def bound_data(self, data, initial):
        return self.prepare_value(initial) if data is None else data

    def has_changed(self, initial, data):
        if data is None:
            return False
        try:
            return self.to_python(data) != {key: _as_text(text) for key, text in (initial or {}).items()}
        except ValidationError:
            return True


def _as_text(value) -> str:
    """A value as the product page shows it (lists of an old import joined)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


class TagsField(SimpleArrayField):
    """A JSON list of short texts typed as "Nórdico, Minimalista": spaces trimmed, empty items dropped."""

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # what JSONField.formfield passes
        kwargs.setdefault("help_text", _("Separated by commas, e.g. Nórdico, Minimalista."))
        kwargs["show_hidden_initial"] = False  # as SpecsField
        super().__init__(forms.CharField(max_length=40), delimiter=",", **kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(map(str, value))
        return value

    def to_python(self, value):
        items = value if isinstance(value, (list, tuple)) else (value or "").split(self.delimiter)
        return super().to_python([item.strip() for item in map(str, items) if item.strip()])

    def clean(self, value):
        return super().clean(value) or []
