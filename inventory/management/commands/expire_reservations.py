"""python manage.py expire_reservations: what the beat task does every minute."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from inventory.services import reservations_expire


class Command(BaseCommand):
    help = "Release every reservation past its expiry (one set-based statement)."

    def handle(self, *args, **options):
        released = reservations_expire()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(count)d expired reservation released.", "%(count)d expired reservations released.", released
                )
                % {"count": released}
            )
        )
