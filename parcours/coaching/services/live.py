"""Live activities in a group session: creating, opening and closing them, and the
participants' answers with their limits."""

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.coaching.models import (
    Engagement,
    LiveActivity,
    LiveAnswer,
    LiveKind,
    LiveStatus,
)
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.roles import Permission

# No 0/O or 1/I: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_OPTIONS = 10
MAX_OPTION_LENGTH = 120
MAX_WORD_LENGTH = 30
WORDS_PER_PARTICIPANT = 3
MAX_NOTE_LENGTH = 200
NOTES_PER_PARTICIPANT = 5


class InvalidLiveActivity(DomainError):
    default_message = gettext_lazy("This live activity is not complete.")


class InvalidLiveAnswer(DomainError):
    default_message = gettext_lazy("This answer cannot be taken.")


class LiveActivityNotOpen(Conflict):
    default_message = gettext_lazy("This activity is not open for answers.")


class TooManyAnswers(Conflict):
    default_message = gettext_lazy("You have already given all the answers this activity "
                                   "takes.")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def _clean_options(kind: str, options: Any) -> list[str]:
    if kind != LiveKind.POLL:
        return []
    cleaned = [o.strip() for o in options if isinstance(o, str) and o.strip()] \
        if isinstance(options, list) else []
    if len(cleaned) < 2 or len(cleaned) > MAX_OPTIONS:
        raise InvalidLiveActivity(_("A poll offers from 2 to %(n)s answers.")
                                  % {"n": MAX_OPTIONS})
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise InvalidLiveActivity(_("Each answer of the poll must be different."))
    if any(len(o) > MAX_OPTION_LENGTH for o in cleaned):
        raise InvalidLiveActivity(_("Keep each answer under %(n)s characters.")
                                  % {"n": MAX_OPTION_LENGTH})
    return cleaned


@transaction.atomic
def create_live_activity(organisation: Organisation, *, by: User, kind: str, question: str,
                         options: Any = (), session=None,
                         engagement: Engagement | None = None) -> LiveActivity:
    """Prepare a poll, word cloud or board, optionally on a session or an engagement of
    the organisation. It opens when the coach says so."""
    require_permission(by, organisation, Permission.RUN_LIVE_ACTIVITIES)
    if kind not in LiveKind.values:
        raise InvalidLiveActivity(_("Choose a poll, a word cloud or a sticky-note board."))
    question = question.strip() if isinstance(question, str) else ""
    if not question:
        raise InvalidLiveActivity(_("Write the question put to the room."))
    if len(question) > 200:
        raise InvalidLiveActivity(_("Keep the question under 200 characters."))
    for attached in (session, engagement):
        if attached is not None and attached.organisation_id != organisation.pk:
            raise NotAllowed()
    options = _clean_options(kind, list(options) if not isinstance(options, list) else options)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return LiveActivity.objects.create(
                    organisation=organisation, kind=kind, question=question,
                    options=options, code=_new_code(), session=session,
                    engagement=engagement, created_by=by)
        except IntegrityError:
            continue  # the code was taken: draw another one
    raise Conflict(_("No joining code is free right now; try again."))


def _require_runner(activity: LiveActivity, by: User) -> None:
    require_permission(by, activity.organisation, Permission.RUN_LIVE_ACTIVITIES)


@transaction.atomic
def open_live_activity(activity: LiveActivity, *, by: User) -> LiveActivity:
    """Let participants answer (again, when it was closed)."""
    _require_runner(activity, by)
    activity = LiveActivity.objects.select_for_update().get(pk=activity.pk)
    activity.status, activity.opened_at, activity.closed_at = LiveStatus.OPEN, \
        timezone.now(), None
    activity.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
    return activity


@transaction.atomic
def close_live_activity(activity: LiveActivity, *, by: User) -> LiveActivity:
    """Stop taking answers; the results stay on the record."""
    _require_runner(activity, by)
    activity = LiveActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != LiveStatus.CLOSED:
        activity.status, activity.closed_at = LiveStatus.CLOSED, timezone.now()
        if activity.opened_at is None:
            activity.opened_at = activity.closed_at
        activity.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
    return activity


def _clean_answer(activity: LiveActivity, text: Any) -> str:
    text = " ".join(text.split()) if isinstance(text, str) else ""
    if activity.kind == LiveKind.POLL:
        if text not in activity.options:
            raise InvalidLiveAnswer(_("Choose one of the answers offered."))
        return text
    if not text:
        raise InvalidLiveAnswer(_("Write your answer first."))
    if activity.kind == LiveKind.WORD_CLOUD:
        if len(text) > MAX_WORD_LENGTH or len(text.split()) > 3:
            raise InvalidLiveAnswer(_("A word cloud takes short words: at most 3 words and "
                                      "%(n)s characters.") % {"n": MAX_WORD_LENGTH})
        # "Confiance" and "confiance " are the same word in the cloud.
        return text.casefold()
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidLiveAnswer(_("Keep your note under %(n)s characters.")
                                % {"n": MAX_NOTE_LENGTH})
    return text


@transaction.atomic
def answer_live_activity(activity: LiveActivity, *, by: User, text: Any) -> LiveAnswer:
    """A participant's answer: one vote per person in a poll (answering again changes
    it), a few words in a word cloud, a few notes on a board."""
    if not roles_in(by, activity.organisation):
        raise NotAllowed(_("This activity is for the members of its organisation."))
    activity = LiveActivity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != LiveStatus.OPEN:
        raise LiveActivityNotOpen()
    text = _clean_answer(activity, text)
    now = timezone.now()
    if activity.kind == LiveKind.POLL:
        answer, _created = LiveAnswer.objects.update_or_create(
            activity=activity, participant=by, position=0,
            defaults={"text": text, "answered_at": now})
        return answer
    limit = (WORDS_PER_PARTICIPANT if activity.kind == LiveKind.WORD_CLOUD
             else NOTES_PER_PARTICIPANT)
    given = LiveAnswer.objects.filter(activity=activity, participant=by).count()
    if given >= limit:
        raise TooManyAnswers(_("You can give at most %(n)s answers here.") % {"n": limit})
    return LiveAnswer.objects.create(activity=activity, participant=by, position=given,
                                     text=text, answered_at=now)
