"""Satisfaction surveys of sessions: one at the end, one some weeks later.

Qualiopi (indicator 30) asks training organisations to collect the learners' opinion at
the end of a training and to look at what they made of it afterwards. Here each
learner who attended at least one half-day answers each survey once: a rating from 1 to
5 per question and a comment. The end-of-session survey opens when the last half-day
ends; the follow-up opens `SURVEY_FOLLOW_UP_DAYS` days later, when the attendees also
get its link by email (`invite_to_follow_up_surveys`, run daily by
`manage.py send_follow_up_surveys` or the task of the same name).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.accounts.selectors import require_permission
from parcours.classroom.models import (
    Attendance,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
    SurveyKind,
    SurveyResponse,
)
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import LearningEvent, Verb
from parcours.core.roles import Permission

SCORES = (1, 2, 3, 4, 5)
SCALE = {1: _("Very poor"), 2: _("Poor"), 3: _("Fair"), 4: _("Good"), 5: _("Excellent")}
MAX_COMMENT_LENGTH = 4000
# Sessions whose follow-up opened longer ago than this are not emailed any more: a
# worker stopped for a while does not send surveys about trainings long past.
FOLLOW_UP_SENDING_DAYS = 14


@dataclass(frozen=True)
class Question:
    key: str
    label: Promise
    short: Promise  # a column header in the results


QUESTIONS: dict[str, tuple[Question, ...]] = {
    SurveyKind.END_OF_SESSION: (
        Question("content", _("The content of the session"), _("Content")),
        Question("trainer", _("The trainer"), _("Trainer")),
        Question("organisation", _("The organisation (schedule, place or virtual class, "
                                   "materials)"), _("Organisation")),
        Question("usefulness", _("How useful it is for your work or your project"),
                 _("Usefulness")),
    ),
    SurveyKind.FOLLOW_UP: (
        Question("applied", _("How much you have put into practice what you learned"),
                 _("Put into practice")),
        Question("usefulness", _("Looking back, how useful the session has been for your "
                                 "work or your project"), _("Usefulness")),
    ),
}


class SurveyKindUnknown(DomainError):
    default_message = _("Choose the end-of-session survey or the follow-up survey.")


class NotAnAttendee(NotAllowed):
    default_message = _("Only learners who attended this session can answer its survey.")


class SurveyNotOpen(Conflict):
    default_message = _("This survey is not open yet.")


class SurveyAlreadyAnswered(Conflict):
    default_message = _("You have already answered this survey. Thank you!")


class AnswersInvalid(DomainError):
    default_message = _("Rate each question from 1 to 5.")


class CommentTooLong(DomainError):
    default_message = _("Keep the comment under 4000 characters.")


def questions_of(kind: str) -> tuple[Question, ...]:
    if kind not in QUESTIONS:
        raise SurveyKindUnknown()
    return QUESTIONS[kind]


def survey_opens_at(session: Session, kind: str) -> datetime | None:
    """When the survey opens: the end of the last half-day, or SURVEY_FOLLOW_UP_DAYS
    after it for the follow-up. None for a session without half-days."""
    questions_of(kind)
    if session.ends_at is None:
        return None
    if kind == SurveyKind.FOLLOW_UP:
        # Days on the organisation's calendar: 17:00 stays 17:00 across a change of time.
        local_end = timezone.localtime(session.ends_at, ZoneInfo(session.organisation.time_zone))
        return local_end + timedelta(days=settings.SURVEY_FOLLOW_UP_DAYS)
    return session.ends_at


def has_attended(session: Session, learner: User) -> bool:
    """Registered and noted present or late for at least one half-day."""
    return (Registration.objects.filter(session=session, learner=learner,
                                        status=RegistrationStatus.REGISTERED).exists()
            and Attendance.objects.filter(
                slot__session=session, learner=learner,
                status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE]).exists())


def clean_answers(kind: str, answers: Mapping) -> dict[str, int]:
    """One rating from 1 to 5 for each question of the survey, and nothing else."""
    questions = questions_of(kind)
    if not isinstance(answers, Mapping):
        raise AnswersInvalid()
    expected = {question.key for question in questions}
    unknown = set(answers) - expected
    if unknown:
        raise AnswersInvalid(_("This survey has no question %(keys)s.") % {
            "keys": ", ".join(sorted(str(key) for key in unknown))})
    cleaned = {}
    for question in questions:
        value = answers.get(question.key)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or value not in SCORES:
            raise AnswersInvalid(_("Rate “%(question)s” from 1 to 5.") % {
                "question": question.label})
        cleaned[question.key] = value
    return cleaned


@transaction.atomic
def answer_survey(session: Session, *, by: User, kind: str, answers: Mapping,
                  comment: str = "") -> SurveyResponse:
    """A learner who attended the session answers one of its surveys, once."""
    require_permission(by, session.organisation, Permission.FOLLOW_OWN_PATH)
    questions_of(kind)
    if not has_attended(session, by):
        raise NotAnAttendee()
    if session.status == SessionStatus.CANCELLED:
        raise SurveyNotOpen(_("This session was cancelled: it has no survey."))
    opens_at = survey_opens_at(session, kind)
    if opens_at is None:
        raise SurveyNotOpen()
    if timezone.now() < opens_at:
        raise SurveyNotOpen(_("This survey opens on %(day)s.") % {
            "day": formats.date_format(timezone.localtime(opens_at), "j F Y")})
    cleaned = clean_answers(kind, answers)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise CommentTooLong()
    if SurveyResponse.objects.filter(session=session, learner=by, kind=kind).exists():
        raise SurveyAlreadyAnswered()
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(session=session, learner=by, kind=kind,
                                                     answers=cleaned, comment=comment)
    except IntegrityError as twice:  # sent from two tabs at the same moment
        raise SurveyAlreadyAnswered() from twice
    record_event(by, Verb.SUBMITTED, session, organisation=session.organisation,
                 context={"survey": kind})
    return response


# --- Follow-up invitations -----------------------------------------------------------------


def sessions_due_for_follow_up(now: datetime | None = None):
    """Scheduled sessions whose follow-up survey opened in the last
    FOLLOW_UP_SENDING_DAYS days."""
    now = now or timezone.now()
    # Two hours of margin for a change of time in between: each session's own opening
    # time is checked when inviting.
    opened_before = now - timedelta(days=settings.SURVEY_FOLLOW_UP_DAYS) + timedelta(hours=2)
    return (Session.objects.filter(
        status=SessionStatus.SCHEDULED, ends_at__lte=opened_before,
        ends_at__gt=opened_before - timedelta(days=FOLLOW_UP_SENDING_DAYS))
        .select_related("organisation").order_by("ends_at", "pk"))


@transaction.atomic
def invite_to_follow_up_survey(session: Session, *,
                               now: datetime | None = None) -> list[Registration]:
    """Invite, once, each attendee who has not answered the follow-up survey yet.

    The platform does this, not a person (no `by`). Each invitation is recorded as
    `notified` (the learner, the session, context `{"survey": "follow_up"}`), which is
    also how a second run knows whom it already invited; the email goes after commit.
    The session's row is locked so that two runs at once queue up instead of both
    sending.
    """
    from parcours.classroom.tasks_surveys import send_follow_up_survey_email

    session = Session.objects.select_for_update().select_related("organisation").get(
        pk=session.pk)
    opens_at = survey_opens_at(session, SurveyKind.FOLLOW_UP)
    if (session.status != SessionStatus.SCHEDULED or opens_at is None
            or opens_at > (now or timezone.now())):
        return []
    invited = set(LearningEvent.objects.filter(
        verb=Verb.NOTIFIED, object_type=Session._meta.label_lower, object_id=str(session.pk),
        context__survey=SurveyKind.FOLLOW_UP).values_list("actor_id", flat=True))
    answered = set(SurveyResponse.objects.filter(
        session=session, kind=SurveyKind.FOLLOW_UP).values_list("learner_id", flat=True))
    attendees = set(Attendance.objects.filter(
        slot__session=session, status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])
        .values_list("learner_id", flat=True))
    registrations = list(
        Registration.objects.filter(session=session, status=RegistrationStatus.REGISTERED,
                                    learner__in=attendees - invited - answered,
                                    learner__is_active=True)
        .select_related("learner").order_by("pk"))
    for registration in registrations:
        record_event(registration.learner, Verb.NOTIFIED, session,
                     organisation=session.organisation,
                     context={"survey": SurveyKind.FOLLOW_UP, "channel": "email"})
        transaction.on_commit(
            lambda pk=registration.pk: send_follow_up_survey_email.enqueue(pk))
    return registrations


def invite_to_follow_up_surveys(now: datetime | None = None) -> int:
    """Invite the attendees of every session whose follow-up survey is due, each session
    in its own transaction. Returns how many people were invited."""
    now = now or timezone.now()
    return sum(len(invite_to_follow_up_survey(session, now=now))
               for session in sessions_due_for_follow_up(now))
