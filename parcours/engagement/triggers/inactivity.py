"""Inactivity: a learner with a path to finish who has done nothing for a while.

Escalating: after `learner_days` (default 7) the learner is told; after `coach_days`
(default 14) their coaches get ONE digest a week listing every inactive learner they
follow. Activity is any learning event of the learner in the organisation except the
engine's own (being notified, opening or clicking a message is not learning); a learner
who never came counts from their enrolment. One message per spell of inactivity (the key
holds its start); suppressed at send time if the learner came back meanwhile.
Coaches are the coaches of the learner's active coaching engagement (journeys has no
assignment of learners to coaches).
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Max, Min
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.coaching.models import EngagementCoach, EngagementStatus
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    OrganisationSettings,
    Param,
    Planner,
    Trigger,
    TriggerParamsInvalid,
    register_trigger,
)
from parcours.journeys.models import Enrolment

NAME = "inactivity"
DIGEST = "coach_inactivity_digest"
ENGINE_VERBS = (Verb.NOTIFIED, Verb.OPENED, Verb.CLICKED, Verb.OPTED_OUT)


def came_back(learner_id: int, organisation_id: int, since: datetime) -> bool:
    return (LearningEvent.objects.filter(actor_id=learner_id, organisation_id=organisation_id,
                                         occurred_at__gt=since)
            .exclude(verb__in=ENGINE_VERBS).exists())


def learner_still_away(notification) -> bool:
    since = parse_datetime(notification.context.get("last_activity", ""))
    return since is not None and not came_back(notification.recipient_id,
                                               notification.organisation_id, since)


def someone_still_away(notification) -> bool:
    """The digest still has a learner to talk about."""
    away = notification.context.get("away", {})
    return any(not came_back(int(learner_id), notification.organisation_id,
                             parse_datetime(since))
               for learner_id, since in away.items())


def last_activity(now: datetime) -> dict[tuple[int, int], datetime]:
    """(organisation, learner) → when they last did something, for every learner with a
    path not finished; two queries."""
    unfinished = {
        (row["organisation_id"], row["learner_id"]): row["since"]
        for row in Enrolment.objects.filter(completed_at__isnull=True)
        .values("organisation_id", "learner_id").annotate(since=Min("created_at"))
    }
    learners = {learner for _organisation, learner in unfinished}
    events = (LearningEvent.objects.filter(actor_id__in=learners, occurred_at__lte=now)
              .exclude(verb__in=ENGINE_VERBS)
              .values("organisation_id", "actor_id").annotate(last=Max("occurred_at")))
    for row in events:
        pair = (row["organisation_id"], row["actor_id"])
        if pair in unfinished:
            unfinished[pair] = max(unfinished[pair], row["last"])
    return unfinished


def coaches_of(pairs) -> dict[tuple[int, int], set[int]]:
    """(organisation, learner) → the coaches of their active engagements there."""
    links = EngagementCoach.objects.filter(
        engagement__status=EngagementStatus.ACTIVE,
        engagement__beneficiary_id__in={learner for _organisation, learner in pairs},
    ).values_list("engagement__organisation_id", "engagement__beneficiary_id", "coach_id")
    coaches: dict[tuple[int, int], set[int]] = defaultdict(set)
    for organisation_id, learner_id, coach_id in links:
        coaches[(organisation_id, learner_id)].add(coach_id)
    return coaches


def scan(now: datetime) -> int:
    settings = OrganisationSettings(NAME)
    activity = last_activity(now)
    away: dict[tuple[int, int], tuple[datetime, int]] = {}
    for (organisation_id, learner_id), last in activity.items():
        params = settings.params(organisation_id)
        if params is not None and now - last >= timedelta(days=params["learner_days"]):
            away[(organisation_id, learner_id)] = (last, (now - last).days)
    if not away:
        return 0
    people = User.objects.in_bulk({learner for _organisation, learner in away})
    organisations = Organisation.objects.in_bulk({organisation for organisation, _ in away})
    planner = Planner()
    for (organisation_id, learner_id), (last, days) in away.items():
        organisation = organisations[organisation_id]
        planner.plan(people[learner_id], NAME, organisation=organisation,
                     key=f"{NAME}:{organisation_id}:{learner_id}:{last:%Y%m%dT%H%M%S}",
                     variables={"days": days},
                     url=reverse("journeys:dashboard", args=[organisation.slug]),
                     context={"last_activity": last.isoformat(),
                              "conversion_verb": "completed"})
    return planner.flush() + _digests(settings, away, organisations, now)


def _digests(settings, away, organisations, now: datetime) -> int:
    long_away = {pair: value for pair, value in away.items()
                 if value[1] >= settings.params(pair[0])["coach_days"]}
    per_coach: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pair, coaches in coaches_of(long_away).items():
        if pair in long_away:
            for coach_id in coaches:
                per_coach[(pair[0], coach_id)].append(pair[1])
    if not per_coach:
        return 0
    people = User.objects.in_bulk({coach for _organisation, coach in per_coach}
                                  | {learner for _organisation, learner in long_away})
    year, week, _day = now.isocalendar()
    planner = Planner()
    for (organisation_id, coach_id), learner_ids in sorted(per_coach.items()):
        learner_ids.sort(key=lambda pk: people[pk].display_name)
        organisation = organisations[organisation_id]
        names = ", ".join(
            f"{people[pk].display_name} ({long_away[(organisation_id, pk)][1]})"
            for pk in learner_ids)
        planner.plan(people[coach_id], DIGEST, organisation=organisation,
                     key=f"{DIGEST}:{organisation_id}:{coach_id}:{year}-W{week:02d}",
                     variables={"count": len(learner_ids), "learners": names},
                     url=reverse("journeys:caseload", args=[organisation.slug]),
                     context={"away": {str(pk): long_away[(organisation_id, pk)][0].isoformat()
                                       for pk in learner_ids}})
    return planner.flush()


def coach_after_learner(params) -> None:
    if params["coach_days"] < params["learner_days"]:
        raise TriggerParamsInvalid(_("The coach is told after the learner: choose at least "
                                     "as many days for the coach."))


register_kind(Kind(
    name=NAME, category=Category.COMEBACK, nudge=True, priority=50,
    subject=_("We miss you, {{ first_name }}"),
    body=_("You have not been back for {{ days }} days. Your path is waiting where you "
           "left it: ten minutes today keeps it going."),
    still_relevant=learner_still_away,
))
register_kind(Kind(
    name=DIGEST, category=Category.COACH_ALERTS, nudge=False, priority=40,
    subject=_("{{ count }} of your learners have gone quiet"),
    body=_("Hello {{ first_name }}, these learners you follow have done nothing for a "
           "while (days without activity in brackets): {{ learners }}. A word from you "
           "often brings them back."),
    still_relevant=someone_still_away,
))

register_trigger(Trigger(
    name=NAME, label=_("Inactivity"),
    description=_("Learners who stopped are told; later their coach gets a weekly digest."),
    kinds=(NAME, DIGEST),
    params=(Param("learner_days", _("Days without activity before telling the learner"), 7,
                  minimum=1, maximum=90),
            Param("coach_days", _("Days without activity before telling the coach"), 14,
                  minimum=1, maximum=180)),
    samples={NAME: {"first_name": "Léa", "days": 8},
             DIGEST: {"first_name": "Karim", "count": 2,
                      "learners": "Léa Martin (15), Hugo Petit (21)"}},
    scan=scan,
    check=coach_after_learner,
))
