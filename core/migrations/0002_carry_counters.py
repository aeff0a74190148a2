"""Carry the last numbers of the five per-app counter tables into core.Counter, so numbering
continues where it stopped (the per-app tables are dropped by the next migration of each app)."""

from django.db import migrations

# (app, model, key field, last-number field, scope)
SOURCES = [
    ("orders", "OrderNumberCounter", "day", "last", "order"),
    ("returns", "ReturnNumberCounter", "year", "last", "return"),
    ("credit", "StoreCreditCounter", "year", "last", "store_credit"),
    ("receipts", "ReceiptSeriesCounter", "series", "last", "receipt"),
    ("inventory", "PurchaseOrderCounter", "year", "last_number", "purchase_order"),
]


def carry_counters(apps, schema_editor):
    Counter = apps.get_model("core", "Counter")
    for app_label, model_name, key_field, last_field, scope in SOURCES:
        for key, last in apps.get_model(app_label, model_name).objects.values_list(key_field, last_field):
            key = key.isoformat() if hasattr(key, "isoformat") else str(key)
            Counter.objects.update_or_create(scope=scope, key=key, defaults={"last": last})


def split_counters(apps, schema_editor):
    Counter = apps.get_model("core", "Counter")
    for app_label, model_name, key_field, last_field, scope in SOURCES:
        model = apps.get_model(app_label, model_name)
        for key, last in Counter.objects.filter(scope=scope).values_list("key", "last"):
            model.objects.update_or_create(**{key_field: key}, defaults={last_field: last})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_counter"),
        ("orders", "0003_order_coupon_and_line_discount_parts"),
        ("returns", "0003_resolution_amount"),
        ("credit", "0001_store_credit"),
        ("receipts", "0001_receipts_series_and_lines"),
        ("inventory", "0002_reserve_function"),
    ]

    operations = [migrations.RunPython(carry_counters, split_counters)]
