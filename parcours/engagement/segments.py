"""Segments: who a campaign is for, as rules evaluated in ONE SQL query.

A segment's `rules` is a JSON object. Every key is optional; keys combine with AND, the
values of one key with OR. An empty object matches every active member.

- `level`: `["beginner", "intermediate", "advanced"]`: their level (below) is one of these;
- `tags`: theme ids (catalog `Tag`, kind theme): they are enrolled in a programme with one
  of these themes;
- `skills`: skill ids (catalog `Tag`, kind skill): the same with skills;
- `programmes`: programme ids: they are enrolled in one of these programmes;
- `status`: `["on_track", "behind", "at_risk", "completed"]`: one of their enrolments (in
  `programmes`, when given) has one of these statuses, as the journeys' own
  `journeys.selectors.with_progress` computes them;
- `roles`: `["learner", "coach", …]`: they hold one of these roles in the organisation;
- `languages`: `["fr", "en"]`: their language (`User.locale`) is one of these;
- `active_within_days`: 1–365: they have a learning event in the organisation in the last
  N days (today included, in the organisation's calendar);
- `inactive_for_days`: 1–365: they have none in the last N days (never active included).

**Level**, from the organisation's quiz attempts (`assessments.Attempt`, submitted ones)
and path progress (the share of their path steps done or skipped, over all their
enrolments in the organisation):

- *advanced*: an average quiz score of at least 80 % **and** at least half of their
  steps finished;
- *beginner*: no quiz score of 50 % or more on average (no attempt counts as none)
  **and** less than a quarter of their steps finished;
- *intermediate*: everyone else.

Evaluation is a single query returning user ids, made of `IN (subquery)` and `EXISTS`
clauses the database plans as semi-joins: no Python loop over people, so it holds at a
million learners (bench/engagement_campaign.py). `matching_ids` is that query; the
campaign planner embeds it in its `INSERT … SELECT`.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Membership, MembershipRole, Organisation, User
from parcours.assessments.models import Attempt
from parcours.catalog.models import Programme, Tag, TagKind
from parcours.core.errors import DomainError
from parcours.core.models import LearningEvent
from parcours.core.roles import Role
from parcours.journeys.models import Enrolment, EnrolmentStatus, PathStep
from parcours.journeys.progress import FINISHED
from parcours.journeys.selectors import with_progress

SAMPLE_SIZE = 5
MAX_DAYS = 365


class Level:
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    CHOICES = (
        (BEGINNER, _("Beginner")),
        (INTERMEDIATE, _("Intermediate")),
        (ADVANCED, _("Advanced")),
    )
    VALUES = (BEGINNER, INTERMEDIATE, ADVANCED)


# The thresholds of the levels (documented above): average quiz score in percent, share of
# path steps finished in percent.
ADVANCED_SCORE = 80
ADVANCED_PROGRESS = 50
BEGINNER_SCORE = 50
BEGINNER_PROGRESS = 25

RULE_KEYS = ("level", "tags", "skills", "programmes", "status", "roles", "languages",
             "active_within_days", "inactive_for_days")


class InvalidRules(DomainError):
    default_message = _("These segment rules are not valid.")


def _ids(rules: Mapping[str, Any], key: str) -> list[int]:
    value = rules.get(key, [])
    if not isinstance(value, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise InvalidRules(_("“%(key)s” must be a list of ids.") % {"key": key})
    return value


def _choices(rules: Mapping[str, Any], key: str, allowed) -> list[str]:
    value = rules.get(key, [])
    if not isinstance(value, list) or not all(item in allowed for item in value):
        raise InvalidRules(_("“%(key)s” must be a list among: %(allowed)s.")
                           % {"key": key, "allowed": ", ".join(allowed)})
    return value


def _days(rules: Mapping[str, Any], key: str) -> int | None:
    value = rules.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DAYS:
        raise InvalidRules(_("“%(key)s” must be a number of days from 1 to %(max)d.")
                           % {"key": key, "max": MAX_DAYS})
    return value


def clean_rules(organisation: Organisation, rules: Any) -> dict[str, Any]:
    """The rules, checked and normalised (empty keys dropped, ids of this organisation only).

    Raises `InvalidRules` with a message naming the key at fault.
    """
    if not isinstance(rules, Mapping):
        raise InvalidRules(_("Segment rules must be a JSON object."))
    unknown = sorted(set(rules) - set(RULE_KEYS))
    if unknown:
        raise InvalidRules(_("Unknown segment rule: %(keys)s. Known rules: %(known)s.")
                           % {"keys": ", ".join(unknown), "known": ", ".join(RULE_KEYS)})
    clean: dict[str, Any] = {}
    for key, allowed in (("level", Level.VALUES), ("status", EnrolmentStatus.values),
                         ("roles", Role.values), ("languages", [c for c, _n in _languages()])):
        if values := _choices(rules, key, allowed):
            clean[key] = sorted(set(values))
    for key, kind in (("tags", TagKind.THEME), ("skills", TagKind.SKILL)):
        if ids := _ids(rules, key):
            known = set(Tag.objects.filter(organisation=organisation, kind=kind, pk__in=ids)
                        .values_list("pk", flat=True))
            if missing := sorted(set(ids) - known):
                raise InvalidRules(_("No such %(key)s in this organisation: %(ids)s.")
                                   % {"key": key, "ids": ", ".join(map(str, missing))})
            clean[key] = sorted(set(ids))
    if ids := _ids(rules, "programmes"):
        known = set(Programme.objects.filter(organisation=organisation, pk__in=ids)
                    .values_list("pk", flat=True))
        if missing := sorted(set(ids) - known):
            raise InvalidRules(_("No such programme in this organisation: %(ids)s.")
                               % {"ids": ", ".join(map(str, missing))})
        clean["programmes"] = sorted(set(ids))
    for key in ("active_within_days", "inactive_for_days"):
        if (days := _days(rules, key)) is not None:
            clean[key] = days
    return clean


def _languages():
    from django.conf import settings

    return settings.LANGUAGES


def _start_of_day(today: date, days_back: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_back),
                                                datetime.min.time()))


def with_level(people: QuerySet[User], organisation: Organisation) -> QuerySet[User]:
    """People annotated with their `level` in the organisation (see the module's docstring)."""
    score = (Attempt.objects.filter(quiz__organisation=organisation, learner=OuterRef("pk"),
                                    submitted_at__isnull=False)
             .values("learner").annotate(average=Avg("score_percent")).values("average"))
    steps = (PathStep.objects.filter(enrolment__organisation=organisation,
                                     enrolment__learner=OuterRef("pk"))
             .values("enrolment__learner")
             .annotate(share=Count("pk", filter=Q(status__in=FINISHED)) * 100 / Count("pk"))
             .values("share"))
    return people.annotate(
        quiz_average=Coalesce(Subquery(score, output_field=DecimalField()), Value(0),
                              output_field=DecimalField()),
        progress_share=Coalesce(Subquery(steps, output_field=IntegerField()), Value(0)),
    ).annotate(level=Case(
        When(Q(quiz_average__gte=ADVANCED_SCORE, progress_share__gte=ADVANCED_PROGRESS),
             then=Value(Level.ADVANCED)),
        When(Q(quiz_average__lt=BEGINNER_SCORE, progress_share__lt=BEGINNER_PROGRESS),
             then=Value(Level.BEGINNER)),
        default=Value(Level.INTERMEDIATE)))


def matching_people(organisation: Organisation, rules: Mapping[str, Any], *,
                    today: date | None = None) -> QuerySet[User]:
    """The active members matching the rules, as one lazy query (no row loaded).

    `rules` must come from `clean_rules`. `today` (default: the organisation's date)
    decides statuses and the last-activity windows.
    """
    today = today or timezone.localdate()
    members = Membership.objects.filter(organisation=organisation)
    people = User.objects.filter(is_active=True, pk__in=members.values("user_id"))
    if roles := rules.get("roles"):
        people = people.filter(pk__in=MembershipRole.objects.filter(
            membership__organisation=organisation, role__in=roles).values("membership__user_id"))
    if languages := rules.get("languages"):
        people = people.filter(locale__in=languages)
    enrolments = Enrolment.objects.filter(organisation=organisation)
    if programmes := rules.get("programmes"):
        enrolments = enrolments.filter(programme_id__in=programmes)
        people = people.filter(pk__in=enrolments.values("learner_id"))
    for key in ("tags", "skills"):
        if tags := rules.get(key):
            people = people.filter(pk__in=Enrolment.objects.filter(
                organisation=organisation, programme__tags__in=tags).values("learner_id"))
    if statuses := rules.get("status"):
        # The journeys' own definition of each status, grouped per enrolment: an IN
        # (subquery) the database computes once, not once per person.
        people = people.filter(pk__in=with_progress(enrolments, today=today)
                               .filter(status__in=statuses).values("learner_id"))
    events = LearningEvent.objects.filter(organisation=organisation, actor=OuterRef("pk"))
    if days := rules.get("active_within_days"):
        people = people.filter(Exists(events.filter(
            occurred_at__gte=_start_of_day(today, days - 1))))
    if days := rules.get("inactive_for_days"):
        people = people.filter(~Exists(events.filter(
            occurred_at__gte=_start_of_day(today, days - 1))))
    if levels := rules.get("level"):
        people = with_level(people, organisation).filter(level__in=levels)
    return people


def matching_ids(organisation: Organisation, rules: Mapping[str, Any], *,
                 today: date | None = None) -> QuerySet:
    """The ids of the people matching the rules: one query, to count or embed."""
    return matching_people(organisation, rules, today=today).order_by().values("pk")


def segment_count(segment, *, today: date | None = None) -> int:
    """How many people the segment holds now (one query)."""
    return matching_people(segment.organisation, segment.rules, today=today).count()


def segment_sample(segment, *, size: int = SAMPLE_SIZE, today: date | None = None) -> list[str]:
    """A few names of people in the segment, for the live preview (one query)."""
    return list(matching_people(segment.organisation, segment.rules, today=today)
                .order_by("display_name", "pk").values_list("display_name", flat=True)[:size])


# The bucket of a person in a campaign: a number from 0 to 9 999, stable for a (campaign,
# person) pair, computed the same way by Python, SQLite and PostgreSQL with * % / on
# 64-bit integers (they share no hash function). It is multiplicative hashing: the top
# bits of `user_id × M mod 2³²`, whose multiplier M is odd and drawn from the campaign and
# the salt. Consecutive ids then spread evenly (a Weyl sequence), a person's variant in
# one campaign says nothing of their variant in the next (another multiplier, not a
# shifted one), and the pilot draw (another salt) is independent of the variant draw.
# Tests check all three on 20 000 ids. Ids below 2³¹ keep the product within 64 bits.
BUCKETS = 10_000
_MODULUS = 2 ** 32
_BASE = 2_654_435_761
_CAMPAIGN = 2_246_822_519
_SALT = 3_266_489_917
SALT_VARIANT = 0
SALT_PILOT = 1


def multiplier(campaign_id: int, salt: int = SALT_VARIANT) -> int:
    mixed = (int(campaign_id) * _CAMPAIGN + int(salt) * _SALT) % 2 ** 31
    return ((_BASE + 2 * mixed) % _MODULUS) | 1


def bucket(campaign_id: int, user_id: int, *, salt: int = SALT_VARIANT) -> int:
    """The person's bucket in Python (the SQL below computes the same number)."""
    return (user_id * multiplier(campaign_id, salt)) % _MODULUS * BUCKETS // _MODULUS


def bucket_sql(campaign_id: int, user_column: str, *, salt: int = SALT_VARIANT) -> str:
    """The same bucket as SQL over an integer column, for a statement run with parameters
    (its modulo is written `%%`). The constants are inlined: they are ours, not input."""
    return (f"((({user_column} * {multiplier(campaign_id, salt)}) %% {_MODULUS}) "
            f"* {BUCKETS} / {_MODULUS})")
