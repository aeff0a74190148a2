"""Every recorded model keeps its history through core.history: the library's `model.history`
built a new manager class on each access, and every save of a recorded model reads it once."""

import pytest
from django.apps import apps

from core.history import HistoryManager
from orders.models import Order


def _recorded_models():
    return [model for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")]


def test_every_recorded_model_uses_the_stores_history_manager():
    recorded = _recorded_models()
    assert len(recorded) >= 20
    for model in recorded:
        descriptor = model.__dict__[model._meta.simple_history_manager_attribute]
        assert issubclass(descriptor.manager_class, HistoryManager), model


def test_the_manager_class_is_made_once():
    first, second = Order(), Order()
    assert type(first.history) is type(second.history)
    assert first.history.instance is first and second.history.instance is second


@pytest.mark.django_db
def test_a_save_still_writes_its_history_row():
    from tests.factories import UserFactory

    user = UserFactory()
    user.first_name = "Rosa"
    user.save()
    assert [row.first_name for row in user.history.order_by("history_id")][-1] == "Rosa"
