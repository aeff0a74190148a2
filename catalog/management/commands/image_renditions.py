from django.core.management.base import BaseCommand

from catalog.renditions import renditions_make, stored_picture_names


class Command(BaseCommand):
    help = "Makes the missing WebP renditions (srcset) of every catalog picture; pictures saved from now on get theirs at once."

    def handle(self, *args, **options):
        names = sorted(stored_picture_names())
        written = sum(renditions_make(name) for name in names)
        self.stdout.write(f"{len(names)} imágenes, {written} versiones WebP nuevas.")
