import django.utils.timezone
from django.db import migrations, models


def from_received(apps, schema_editor):
    WebhookEvent = apps.get_model("payments", "WebhookEvent")
    WebhookEvent.objects.update(next_attempt_at=models.F("received_at"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0009_audit_history")]

    operations = [
        migrations.AddField(
            model_name="webhookevent",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt"),
        ),
        migrations.RunPython(from_received, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="webhookevent",
            index=models.Index(fields=["status", "next_attempt_at"], name="payments_webhook_due_idx"),
        ),
    ]
