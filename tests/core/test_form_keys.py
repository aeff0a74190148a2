"""core.form_keys: a POST is accepted only with a key its session was handed with that form."""

from types import SimpleNamespace

import pytest
from django import forms

from core.form_keys import REMEMBERED, FormKeyField, form_key_issue, form_key_valid


def a_request():
    return SimpleNamespace(session={})


def test_an_issued_key_is_valid_for_its_form_only():
    request = a_request()
    key = form_key_issue(request, form="returns")
    assert form_key_valid(request, form="returns", key=key)
    assert not form_key_valid(request, form="other", key=key)
    assert not form_key_valid(a_request(), form="returns", key=key)  # another session
    assert not form_key_valid(request, form="returns", key="0" * 32)


def test_the_last_keys_are_remembered_so_other_tabs_still_submit():
    request = a_request()
    keys = [form_key_issue(request, form="returns") for _ in range(REMEMBERED + 1)]
    assert not form_key_valid(request, form="returns", key=keys[0])
    assert all(form_key_valid(request, form="returns", key=key) for key in keys[1:])


class KeyForm(forms.Form):
    key = FormKeyField()


@pytest.mark.parametrize("value", ["not-a-key", "a\x00b", "A" * 32, "0" * 33, ""])
def test_a_key_of_the_wrong_shape_is_refused(value):
    assert not KeyForm({"key": value}).is_valid()


def test_an_issued_key_has_the_right_shape():
    assert KeyForm({"key": form_key_issue(a_request(), form="returns")}).is_valid()
