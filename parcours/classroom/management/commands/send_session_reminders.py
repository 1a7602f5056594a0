from django.core.management.base import BaseCommand

from parcours.classroom.notifications import send_due_reminders


class Command(BaseCommand):
    help = ("Remind registered learners of their sessions (2 days and 1 hour before). "
            "Run every few minutes.")

    def handle(self, *args, **options):
        queued = send_due_reminders()
        self.stdout.write(f"{queued} reminder(s) queued.")
