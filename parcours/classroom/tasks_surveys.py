"""Background work of the satisfaction surveys: inviting attendees to the follow-up
survey once it opens.

`send_follow_up_surveys` is the daily job (also `manage.py send_follow_up_surveys`, for
cron); it records each invitation and enqueues one `send_follow_up_survey_email` per
person after commit.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from parcours.classroom.models import Registration, SurveyKind, SurveyResponse
from parcours.core.tasks import task_with_retries


@task_with_retries()
def send_follow_up_surveys() -> str:
    """Invite the attendees of every session whose follow-up survey is due."""
    from parcours.classroom.services.surveys import invite_to_follow_up_surveys

    return f"invited {invite_to_follow_up_surveys()}"


def survey_link(registration: Registration, kind: str) -> str:
    session = registration.session
    return (settings.SITE_URL
            + reverse("classroom:survey", args=[session.organisation.slug, session.pk])
            + f"?kind={kind}")


@task_with_retries()
def send_follow_up_survey_email(registration_id: int) -> str:
    """Email the follow-up survey link, in the learner's language and time zone."""
    registration = Registration.objects.select_related(
        "learner", "session__organisation").get(pk=registration_id)
    learner, session = registration.learner, registration.session
    if SurveyResponse.objects.filter(session=session, learner=learner,
                                     kind=SurveyKind.FOLLOW_UP).exists():
        return "skipped: already answered"
    context = {"learner": learner, "session": session, "organisation": session.organisation,
               "link": survey_link(registration, SurveyKind.FOLLOW_UP)}
    with translation.override(learner.locale), timezone.override(learner.time_zone):
        subject = render_to_string("classroom/surveys/email/follow_up_subject.txt",
                                   context).strip()
        text = render_to_string("classroom/surveys/email/follow_up.txt", context)
        html = render_to_string("classroom/surveys/email/follow_up.html", context)
    message = EmailMultiAlternatives(subject, text, to=[learner.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return "sent"
