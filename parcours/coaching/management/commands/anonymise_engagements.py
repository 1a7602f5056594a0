from django.core.management.base import BaseCommand

from parcours.coaching.services.privacy import anonymise_due


class Command(BaseCommand):
    help = ("Anonymise closed engagements whose organisation's retention period has run out "
            "(run daily).")

    def handle(self, *args, **options):
        records = anonymise_due()
        self.stdout.write(f"{len(records)} engagement(s) anonymised.")
