"""What the live activity pages read: the coach's list, one activity with its results
(the screen polls them every second, so that read is two small queries), the joining
page, and the results kept on a classroom session."""

import hashlib
from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.coaching.models import LiveActivity, LiveAnswer, LiveKind
from parcours.coaching.services.live import normalise_code
from parcours.core.errors import NotAllowed
from parcours.core.roles import Permission, roles_allow

BOARD_NOTES_SHOWN = 200
CLOUD_SIZES = 5


@dataclass(frozen=True)
class AnswerCount:
    text: str
    count: int
    percent: int = 0
    size: int = 1  # 1 to CLOUD_SIZES, for the word cloud


@dataclass(frozen=True)
class LiveResults:
    activity: LiveActivity
    participants: int
    counts: list[AnswerCount]
    notes: list[str]

    @property
    def version(self) -> str:
        """Changes whenever what the screen shows changes: the screen sends it back when
        it polls, and an unchanged result is not sent again (nor read out again by a
        screen reader)."""
        shown = (self.activity.status, self.participants,
                 [(c.text, c.count) for c in self.counts], self.notes)
        return hashlib.sha256(repr(shown).encode()).hexdigest()[:16]


def live_activities_of(user: User, organisation: Organisation) -> list[LiveActivity]:
    require_permission(user, organisation, Permission.RUN_LIVE_ACTIVITIES)
    return list(LiveActivity.objects.filter(organisation=organisation)
                .select_related("session", "engagement")
                .annotate(answer_count=Count("answers")).order_by("-created_at", "-id")[:100])


def live_activity_for(user: User, organisation: Organisation, activity_id: int, *,
                      roles: frozenset[str] | None = None) -> LiveActivity:
    """One live activity, for someone who runs live activities in the organisation.
    `roles`, when the page already read them, saves the screen's polling a query."""
    if roles is None:
        roles = require_permission(user, organisation, Permission.RUN_LIVE_ACTIVITIES)
    if not roles_allow(roles, Permission.RUN_LIVE_ACTIVITIES):
        raise NotAllowed()
    activity = (LiveActivity.objects.filter(organisation=organisation, pk=activity_id)
                .select_related("session").first())
    if activity is None:
        raise Http404(_("No such live activity."))
    return activity


def live_activity_to_join(user: User, code: str) -> LiveActivity:
    """The activity behind a code, for a member of its organisation; else a 404 (a code
    must not tell outsiders that something exists)."""
    activity = (LiveActivity.objects.select_related("organisation")
                .filter(code=normalise_code(code)).first())
    if activity is None or not roles_in(user, activity.organisation):
        raise Http404(_("No activity has this code."))
    return activity


def my_live_answers(activity: LiveActivity, user: User) -> list[LiveAnswer]:
    return list(LiveAnswer.objects.filter(activity=activity, participant=user)
                .order_by("position"))


def _sized(counts: list[tuple[str, int]]) -> list[AnswerCount]:
    total = sum(n for _text, n in counts) or 1
    top = max((n for _text, n in counts), default=1)
    return [AnswerCount(text=text, count=n, percent=round(100 * n / total),
                   size=1 + round((CLOUD_SIZES - 1) * n / top) if top > 1 else 1)
            for text, n in counts]


def live_results(activity: LiveActivity) -> LiveResults:
    """Counts per answer (poll: every option, in order, even at 0) or the board's notes,
    in one query whatever the number of answers."""
    if activity.kind == LiveKind.BOARD:
        notes = list(LiveAnswer.objects.filter(activity=activity)
                     .order_by("-answered_at", "-id")
                     .values_list("text", "participant_id")[:BOARD_NOTES_SHOWN])
        return LiveResults(activity=activity, counts=[], notes=[text for text, _p in notes],
                           participants=len({p for _t, p in notes}))
    rows = list(LiveAnswer.objects.filter(activity=activity).values("text")
                .annotate(n=Count("id")).order_by("-n", "text"))
    by_text = {row["text"]: row["n"] for row in rows}
    if activity.kind == LiveKind.POLL:
        counts = [(option, by_text.get(option, 0)) for option in activity.options]
        participants = sum(by_text.values())  # one vote each
        return LiveResults(activity=activity, counts=_sized(counts), notes=[],
                           participants=participants)
    participants = (LiveAnswer.objects.filter(activity=activity)
                    .aggregate(n=Count("participant", distinct=True))["n"])
    return LiveResults(activity=activity, counts=_sized([(r["text"], r["n"]) for r in rows]),
                       notes=[], participants=participants)


def session_live_results(user: User, organisation: Organisation,
                         session_id: int) -> list[LiveResults]:
    """The live activities run in a classroom session, with their results, for the
    people who run live activities (the session page's panel)."""
    require_permission(user, organisation, Permission.RUN_LIVE_ACTIVITIES)
    activities = list(LiveActivity.objects.filter(organisation=organisation,
                                                  session_id=session_id)
                      .order_by("created_at", "id"))
    return [live_results(activity) for activity in activities]
