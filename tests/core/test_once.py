"""core.once.send_once: whoever takes the claim sends, a run that finds it taken sends nothing, and
a send that raises gives the claim back for the retry."""

import pytest
from django.db import transaction

from accounts.models import User
from core.models import Counter
from core.once import Insert, Stamp, send_once
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def row():
    # Any row with a nullable timestamp serves; last_login stands in for an e-mail's sent_at.
    return UserFactory(last_login=None)


def stamp(row) -> Stamp:
    return Stamp(User.objects.filter(pk=row.pk), field="last_login")


def test_claimed_twice_sends_once(row):
    sent = []
    assert send_once(claim=stamp(row), send=lambda: sent.append(1)) is True
    assert send_once(claim=stamp(row), send=lambda: sent.append(2)) is False
    assert sent == [1]
    row.refresh_from_db()
    assert row.last_login is not None


def test_a_claim_taken_by_another_run_is_not_taken_again(row):
    first, second = stamp(row), stamp(row)
    assert first.take() is True
    assert second.take() is False  # the conditional UPDATE found the field already set


def test_a_failed_send_releases_the_claim_and_raises(row):
    def broken():
        raise OSError("SMTP down")

    with pytest.raises(OSError):
        send_once(claim=stamp(row), send=broken)
    row.refresh_from_db()
    assert row.last_login is None
    sent = []
    assert send_once(claim=stamp(row), send=lambda: sent.append(1)) is True  # the retry sends it
    assert sent == [1]


def test_a_row_outside_the_narrowed_rows_is_not_claimed(row):
    sent = []
    narrowed = Stamp(User.objects.filter(pk=row.pk, is_staff=True), field="last_login")
    assert send_once(claim=narrowed, send=lambda: sent.append(1)) is False
    assert sent == []


def test_an_inserted_claim_is_taken_once_and_deleted_on_failure():
    values = {"scope": "once-test", "key": "1"}
    sent = []
    with transaction.atomic():  # a refused insert leaves the caller's transaction usable
        assert send_once(claim=Insert(Counter, values), send=lambda: sent.append(1)) is True
        assert send_once(claim=Insert(Counter, values), send=lambda: sent.append(2)) is False
        assert Counter.objects.filter(**values).count() == 1
    assert sent == [1]

    other = {"scope": "once-test", "key": "2"}
    with pytest.raises(OSError):
        send_once(claim=Insert(Counter, other), send=lambda: (_ for _ in ()).throw(OSError()))
    assert not Counter.objects.filter(**other).exists()
