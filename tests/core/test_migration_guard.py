"""The squashed migrations (docs/operations/deploys.md): `migrate` refuses a database whose old
migrations of an app stop where a squashed part that creates nothing begins, and lets through a new
database whose first `migrate` stopped there (Django recorded the old names for it too)."""

import pytest
from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core.migration_guard import refuse_part_way_through_the_old_chain

pytestmark = pytest.mark.django_db


def _part_replacing(app_label: str, old_name: str):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return next(m for m in loader.disk_migrations.values() if (app_label, old_name) in (m.replaces or ()))


def _migrate(part):
    refuse_part_way_through_the_old_chain(sender=None, using="default", plan=[(part, False)], apps=apps)


def test_an_empty_part_on_tables_the_squashed_migrations_made_goes_ahead():
    part = _part_replacing("orders", "0004_delete_ordernumbercounter")
    assert part.operations == []
    _migrate(part)  # the test database: made by the squashed migrations, every old name recorded


def test_an_empty_part_on_tables_the_old_migrations_left_is_refused():
    part = _part_replacing("orders", "0004_delete_ordernumbercounter")
    with connection.cursor() as cursor:  # as orders stood at its old 0003: the counter's table still there
        cursor.execute("CREATE TABLE orders_ordernumbercounter (day date PRIMARY KEY, last integer NOT NULL)")
        cursor.execute("ALTER TABLE orders_order ADD COLUMN confirmation_sent_at timestamp NULL")
    with pytest.raises(CommandError, match=r"part-way .* orders \(old migrations up to 0014"):
        _migrate(part)


def test_a_plan_without_a_squashed_part_is_not_judged(django_assert_num_queries):
    plan = [(MigrationLoader(None, ignore_no_migrations=True).disk_migrations[("orders", "0008_gift_cards")], False)]
    with django_assert_num_queries(0):
        refuse_part_way_through_the_old_chain(sender=None, using="default", plan=plan, apps=apps)
