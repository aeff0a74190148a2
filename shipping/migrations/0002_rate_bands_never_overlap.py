"""On PostgreSQL, two weight bands of the same method and zone can never overlap.

ShippingRate.clean() and the admin's inline formset already refuse overlapping bands with a
message; this exclusion constraint makes the rule hold for every write (two admins saving
at once, a script). Bands are half-open, (from, to], as `ShippingRate.takes()` reads them,
so 0–1 and 1–5 touch without overlapping. SQLite (the embedded default) has no exclusion
constraints and keeps the clean() check alone. The constraint is raw SQL, not in
Meta.constraints, so model validation never runs a PostgreSQL-only query.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

from core.migration_operations import run_on_postgresql

FORWARD = """
ALTER TABLE shipping_shippingrate ADD CONSTRAINT shipping_rate_bands_never_overlap
EXCLUDE USING gist (method_id WITH =, zone_id WITH =, numrange(weight_from, weight_to, '(]') WITH &&)
"""
BACKWARD = "ALTER TABLE shipping_shippingrate DROP CONSTRAINT IF EXISTS shipping_rate_bands_never_overlap"


class Migration(migrations.Migration):
    dependencies = [("shipping", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(run_on_postgresql(FORWARD), run_on_postgresql(BACKWARD)),
    ]
