"""`manage.py send_follow_up_surveys`: invite the attendees of sessions that ended
SURVEY_FOLLOW_UP_DAYS days ago to their follow-up survey. Run it daily (cron); running
it twice invites nobody twice. The emails go through the task queue (`db_worker`)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.classroom.services.surveys import invite_to_follow_up_surveys


class Command(BaseCommand):
    help = gettext_lazy("Email the follow-up satisfaction survey to the attendees of "
                        "sessions whose follow-up is due (once each).")

    def handle(self, *args, **options):
        invited = invite_to_follow_up_surveys()
        self.stdout.write(_("%(count)s people invited to a follow-up survey.")
                          % {"count": invited})
