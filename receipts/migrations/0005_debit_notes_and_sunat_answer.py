"""Notas de débito (kind 08, their own reason codes: reason_code loses catálogo 09's choices) and
SUNAT's answer, whole: "sent" (handed over, no answer recorded) and "exception" (not received,
sent again); the former "failed" (retries ran out) becomes "exception", which the sweep sends
again. A rejected boleta or factura stands beside its re-issue (reissue_of)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def failed_to_exception(apps, schema_editor):
    apps.get_model("receipts", "Receipt").objects.filter(send_status="failed").update(send_status="exception")


def exception_to_failed(apps, schema_editor):
    apps.get_model("receipts", "Receipt").objects.filter(send_status__in=["exception", "sent"]).update(
        send_status="failed"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0012_line_offer_terms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("receipts", "0004_credit_reason_decrease"),
    ]

    operations = [
        migrations.RunPython(failed_to_exception, exception_to_failed),
        migrations.RemoveConstraint(
            model_name="receipt",
            name="receipts_receipt_one_per_order",
        ),
        migrations.RemoveConstraint(
            model_name="receipt",
            name="receipts_receipt_credit_note_has_original",
        ),
        migrations.AddField(
            model_name="receipt",
            name="cdr_observations",
            field=models.JSONField(blank=True, default=list, verbose_name="observations"),
        ),
        migrations.AddField(
            model_name="receipt",
            name="issued_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="issued by",
            ),
        ),
        migrations.AddField(
            model_name="receipt",
            name="reissue_of",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reissue",
                to="receipts.receipt",
                verbose_name="re-issue of",
            ),
        ),
        migrations.AddField(
            model_name="receipt",
            name="send_claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="handed over at"),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="kind",
            field=models.CharField(
                choices=[
                    ("01", "Invoice (factura)"),
                    ("03", "Receipt (boleta)"),
                    ("07", "Credit note"),
                    ("08", "Debit note"),
                ],
                max_length=2,
                verbose_name="type",
            ),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="original",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notes",
                to="receipts.receipt",
                verbose_name="original receipt",
            ),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="reason_code",
            field=models.CharField(blank=True, max_length=2, verbose_name="reason code"),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="send_status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending to send"),
                    ("sent", "Sent, no answer yet"),
                    ("accepted", "Accepted"),
                    ("observed", "Accepted with observations"),
                    ("rejected", "Rejected"),
                    ("exception", "Not received: to send again"),
                ],
                default="pending",
                max_length=10,
                verbose_name="SUNAT status",
            ),
        ),
        migrations.AddConstraint(
            model_name="receipt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ["01", "03"]), models.Q(("send_status", "rejected"), _negated=True)),
                fields=("order",),
                name="receipts_receipt_one_per_order",
            ),
        ),
        migrations.AddConstraint(
            model_name="receipt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind__in", ["07", "08"]), ("original__isnull", False)),
                    models.Q(models.Q(("kind__in", ["07", "08"]), _negated=True), ("original__isnull", True)),
                    _connector="OR",
                ),
                name="receipts_receipt_note_has_original",
            ),
        ),
    ]
