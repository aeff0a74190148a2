"""A QueryMoment is judged when its query runs: one queryset, built once, filters by the moment
at_moment names at each evaluation (and by the clock outside one)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.query_moment import QueryMoment, at_moment
from promotions.models import AutomaticDiscount
from tests.factories import ago, ahead, percent_off

pytestmark = pytest.mark.django_db


def test_one_queryset_answers_for_the_moment_it_runs_at():
    running = percent_off("10", starts_at=ago(hours=1), ends_at=ahead(hours=1))
    later = percent_off("20", starts_at=ahead(hours=2), ends_at=ahead(hours=4))
    live = AutomaticDiscount.objects.live(QueryMoment())

    assert list(live) == [running]  # outside at_moment: the clock when it runs
    with at_moment(timezone.now() + timedelta(hours=3)):
        assert list(live.all()) == [later]
    with at_moment(timezone.now() - timedelta(hours=2)):
        assert list(live.all()) == []
    assert [d.value for d in live.all()] == [Decimal("10.00")]


def test_the_moment_is_a_parameter_not_part_of_the_sql():
    query = AutomaticDiscount.objects.live(QueryMoment()).query
    first_moment, second_moment = timezone.now(), timezone.now() + timedelta(days=1)
    with at_moment(first_moment):
        first_sql, first_params = query.sql_with_params()
    with at_moment(second_moment):
        second_sql, second_params = query.sql_with_params()
    assert first_sql == second_sql
    assert first_params != second_params
