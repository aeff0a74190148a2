"""Django's select and radio or checkbox lists, whose templates the project overrides to write each choice
inline (templates/django/forms/widgets/): the same HTML as Django's own templates, byte for byte, and fewer
templates rendered."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.signals import template_rendered

DEPARTMENTS = [("", "Elige…"), ("15", "Lima"), ("04", "Arequipa"), ("08", "Cusco & <Sur>")]


class _Picky(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"  # an option template of its own


class _Form(forms.Form):
    department = forms.ChoiceField(choices=DEPARTMENTS)
    grouped = forms.ChoiceField(choices=[("Costa", [("15", "Lima"), ("20", "Piura")]), ("Sierra", [("08", "Cusco")])])
    several = forms.MultipleChoiceField(choices=DEPARTMENTS[1:], required=False)
    document_type = forms.ChoiceField(choices=[("dni", "DNI"), ("ruc", "RUC")], widget=forms.RadioSelect)
    sizes = forms.MultipleChoiceField(
        choices=[("s", "S"), ("m", "M")], widget=forms.CheckboxSelectMultiple(attrs={"class": "check-list"})
    )
    no_id = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect(attrs={"id": ""}))
    answered = forms.NullBooleanField()
    picky = forms.ChoiceField(choices=[("x", "X")], widget=_Picky)


@pytest.mark.parametrize(
    "data",
    [None, {"department": "04", "grouped": "08", "several": ["15", "08"], "document_type": "ruc", "sizes": ["m"]}],
    ids=["unbound", "bound"],
)
def test_the_widgets_render_as_django_s_own_templates_do(data):
    ours, djangos = _Form(data), _Form(data, renderer=DjangoTemplates())
    for name in ours.fields:
        assert str(ours[name]) == str(djangos[name]), name


def test_a_list_of_choices_renders_one_template_not_three_per_choice():
    rendered: list[str] = []

    def note(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        str(_Form()["department"])
        str(_Form()["document_type"])
    finally:
        template_rendered.disconnect(note)
    assert "django/forms/widgets/select_option.html" not in rendered
    assert "django/forms/widgets/input_option.html" not in rendered
    assert len(rendered) <= 4  # each list and its attributes
