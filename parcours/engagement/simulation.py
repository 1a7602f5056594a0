"""A simulated population run through the real engine, to compare three policies:
no messages, a naive daily reminder, and Parcours' engine.

What is real: the organisation, programme, enrolments and paths (journeys' services),
the evidence that completes steps (check questions answered, quizzes taken), the
learning events, the triggers (`run_triggers` and the event handlers), the outbox
(`notify`), the dispatcher and its policy (caps, quiet hours, best hour, back-off,
preferences), the channels, opens, clicks and opt-outs (`tracking`, `opt_out`).
The clock is frozen and moved hour by hour (time-machine), so every part reads the
same simulated time.

What is modelled: the people. Their motivation, the time they have, the hour they are
usually free, the number of messages they put up with, how much a message they see
makes them more likely to study that day, and how much too many messages annoy them.
These numbers are assumptions, written down in docs/engagement-simulation.md with the
reasons for them; they are the same for every policy, and `--lift` and `--annoyance`
let anyone see how the verdict moves when they are wrong.
"""

import math
import random
import uuid
import zoneinfo
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core import mail
from django.db import transaction

from parcours.engagement.kinds import Kind

POLICIES = ("none", "naive", "engine")
POLICY_LABELS = {"none": "No messages", "naive": "Naive daily reminder",
                 "engine": "Parcours engine"}

# The people (docs/engagement-simulation.md explains each choice).
ZONES = [("Europe/Paris", 0.75), ("America/Montreal", 0.10), ("Africa/Abidjan", 0.10),
         ("Indian/Reunion", 0.05)]
FREE_HOURS = [(7, 0.10), (8, 0.08), (12, 0.15), (13, 0.10), (18, 0.12), (19, 0.15),
              (20, 0.18), (21, 0.12)]
BASE_STUDY = 0.55          # chance of studying on a free day = motivation × this
DAILY_DECAY = 0.985        # motivation kept from one day without study to the next
STUDY_BOOST = 0.03         # motivation gained by a session (progress feels good)
SEEN_IF_TIMELY = 0.8       # a message arrived in the 3 hours before one's free hour
SEEN_OTHERWISE = 0.3       # …or earlier: buried under the day's other messages
TIMELY_HOURS = 3
LIFT_BY_CATEGORY = {       # relative weight of a seen message's pull, by what it is about
    "deadlines": 1.0, "comeback": 1.0, "suggestions": 0.9, "rewards": 0.8, "recap": 0.8,
    "schedule": 0.6, "new_content": 0.5, "feedback": 0.2, "campaigns": 0.7,
    "coaching": 0.6, "coach_alerts": 0.0,
}
MAX_LIFT = 0.35
OPT_OUT_PER_EXCESS = 0.01  # chance of opting out, per message over one's tolerance
ANNOYANCE_PER_EXCESS = 0.01  # motivation lost per message over one's tolerance
STEP_MINUTES = 30
SESSIONS_PER_WEEK = 2.5
NAIVE_HOUR_UTC = 9
TRIGGER_HOUR_UTC = 3
NAIVE_KIND = "simulated_daily_reminder"


@dataclass
class Persona:
    """One simulated learner: what they are like, and what happens to them."""

    index: int
    motivation: float
    weekly_minutes: int
    free_hour: int  # local hour they usually have for learning
    tolerance: int  # messages a week they take without annoyance
    ability: float  # chance of answering a quiz question right
    zone: str
    locale: str
    user_id: int | None = None
    received: deque = field(default_factory=deque)  # sent_at of messages, last 7 days
    unseen: list = field(default_factory=list)  # (notification id, category, sent_at)
    active_weeks: set = field(default_factory=set)
    opted_out: bool = False


def population(count: int, seed: int) -> list[Persona]:
    """The same people for every policy: a given seed always draws the same population."""
    rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    zones, zone_weights = zip(*ZONES, strict=True)
    hours, hour_weights = zip(*FREE_HOURS, strict=True)
    people = []
    for index in range(count):
        people.append(Persona(
            index=index,
            motivation=rng.betavariate(2, 2.5),
            weekly_minutes=int(min(max(rng.lognormvariate(math.log(90), 0.5), 20), 300)),
            free_hour=rng.choices(hours, hour_weights)[0],
            tolerance=1 + _poisson(rng, 2),
            ability=rng.betavariate(5, 2),
            zone=rng.choices(zones, zone_weights)[0],
            locale="fr" if rng.random() < 0.8 else "en",
        ))
    return people


def _poisson(rng: "_Draws", mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


@dataclass
class PolicyResult:
    policy: str
    learners: int
    completed: int
    weekly_active_rate: float
    opted_out: int
    sent: int
    suppressed: int
    nudges_per_learner_week: float
    max_nudges_in_a_week: int
    suppressed_by_reason: dict = field(default_factory=dict)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.learners if self.learners else 0.0

    @property
    def opt_out_rate(self) -> float:
        return self.opted_out / self.learners if self.learners else 0.0


def run(people: list[Persona], *, policy: str, weeks: int, seed: int,
        lift: float = 0.25, annoyance: float = 1.0,
        start: datetime = datetime(2026, 1, 5, tzinfo=UTC), progress=None) -> PolicyResult:
    """One policy over `weeks` weeks, in the current (throwaway) database."""
    import time_machine

    if policy not in POLICIES:
        raise ValueError(f"Unknown policy {policy!r}; choose from {', '.join(POLICIES)}.")
    people = [_fresh(person) for person in people]
    rng = _Draws(seed)
    with time_machine.travel(start, tick=False) as clock, _quiet_mail():
        world = _World.build(people, policy=policy, start=start.date())
        last_tick = start
        for hour in range(weeks * 7 * 24):
            now = start + timedelta(hours=hour)
            clock.move_to(now)
            world.tick(now, last_tick, rng, lift=lift, annoyance=annoyance)
            last_tick = now
            if progress and now.hour == 0:
                progress(policy, hour // 24, weeks * 7)
        return world.result(weeks)


class _Draws:
    """Common random numbers: the chance a person studies on a given day is drawn from the
    same number under every policy, so the policies differ only by their messages (and
    what those change), not by luck."""

    def __init__(self, seed: int):
        self.seed = seed

    def __call__(self, person: "Persona", day: int, purpose: str) -> float:
        return random.Random(  # noqa: S311 - a simulation, not a secret
            f"{self.seed}:{person.index}:{day}:{purpose}").random()


def _fresh(person: Persona) -> Persona:
    return Persona(person.index, person.motivation, person.weekly_minutes, person.free_hour,
                   person.tolerance, person.ability, person.zone, person.locale)


class _quiet_mail:
    """Emails go to memory (and are dropped every hour), never to a server."""

    def __enter__(self):
        from django.conf import settings

        self.previous = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        mail.outbox = []

    def __exit__(self, *exc):
        from django.conf import settings

        settings.EMAIL_BACKEND = self.previous


class _World:
    """The organisation, its programme and the learners, and what moves every hour."""

    def __init__(self):
        self.people: list[Persona] = []
        self.by_user: dict[int, Persona] = {}
        self.steps: dict[int, list] = {}
        self.enrolments: dict[int, object] = {}
        self.finished: set[int] = set()
        self.zones: dict[str, zoneinfo.ZoneInfo] = {}
        self.weekly_nudges: dict[tuple[int, int], int] = defaultdict(int)
        self.free_at: dict[tuple[str, int], list[Persona]] = defaultdict(list)

    @classmethod
    def build(cls, people: list[Persona], *, policy: str, start: date) -> "_World":
        from parcours.accounts.models import Membership, MembershipRole, User
        from parcours.accounts.services import add_member, create_organisation
        from parcours.engagement.kinds import kind, register_kind
        from parcours.engagement.models import Category, TriggerSetting
        from parcours.engagement.triggers.base import TRIGGERS
        from parcours.journeys.services import enrol_learners

        world = cls()
        run_tag = f"{policy}-{uuid.uuid4().hex[:6]}"  # several runs may share a database
        organisation = create_organisation(f"Simulation {policy}", slug=f"simulation-{run_tag}")
        manager = User.objects.create_user(f"manager-{run_tag}@simulation.example",
                                           display_name="Manager", locale="en")
        add_member(organisation, manager, roles=["manager"])
        programme = _programme(organisation, manager)
        users = User.objects.bulk_create(
            User(email=f"learner-{person.index:05d}-{run_tag}@simulation.example",
                 display_name=f"Learner {person.index:05d}", locale=person.locale,
                 time_zone=person.zone, password="!") for person in people)
        memberships = Membership.objects.bulk_create(
            Membership(organisation=organisation, user=user) for user in users)
        MembershipRole.objects.bulk_create(
            MembershipRole(membership=m, role="learner") for m in memberships)
        for person, user in zip(people, users, strict=True):
            person.user_id = user.pk
        by_pace = defaultdict(list)
        for person, user in zip(people, users, strict=True):
            by_pace[person.weekly_minutes].append(user)
        enrolments = [enrolment for pace, learners in sorted(by_pace.items())
                      for enrolment in enrol_learners(programme, learners, by=manager,
                                                      start_on=start, minutes_per_week=pace)]
        from parcours.journeys.models import PathStep

        steps = defaultdict(list)
        for step in (PathStep.objects.filter(enrolment__in=enrolments)
                     .select_related("check_question", "quiz", "enrolment__learner",
                                     "enrolment__organisation").order_by("position")):
            steps[step.enrolment_id].append(step)
        for enrolment in enrolments:
            world.enrolments[enrolment.learner_id] = enrolment
            world.steps[enrolment.learner_id] = steps[enrolment.pk]
        if policy != "engine":
            # Without the engine nothing is triggered; the naive policy sends its own.
            TriggerSetting.objects.bulk_create(
                TriggerSetting(organisation=organisation, trigger=name, enabled=False)
                for name in TRIGGERS)
        if policy == "naive":
            try:
                kind(NAIVE_KIND)
            except KeyError:
                # Not a nudge and urgent: no cap, no quiet hours, no timing — what a
                # plain daily reminder in most tools is.
                # The policy would take today's reminder for a duplicate of yesterday's
                # (same kind within 24 hours): a daily reminder is not one.
                register_kind(Kind(
                    name=NAIVE_KIND, category=Category.CAMPAIGNS, nudge=False, urgent=True,
                    priority=10, subject="Keep going, {{ first_name }}",
                    body="Your path is waiting for you.", window=timedelta(hours=1)))
        world.policy, world.organisation, world.manager = policy, organisation, manager
        world.people = people
        world.users = {user.pk: user for user in users}
        world.by_user = {person.user_id: person for person in people}
        world.zones = {name: zoneinfo.ZoneInfo(name) for name, _w in ZONES}
        return world

    # --- every hour ----------------------------------------------------------------------

    def tick(self, now: datetime, last_tick: datetime, rng: "_Draws", *,
             lift: float, annoyance: float) -> None:
        from parcours.engagement.services.dispatch import deliver_pending, dispatch_due
        from parcours.engagement.services.triggers import run_triggers

        if self.policy == "engine" and now.hour == TRIGGER_HOUR_UTC:
            run_triggers(now=now)
        if self.policy == "naive" and now.hour == NAIVE_HOUR_UTC:
            self._naive_reminders(now)
        while dispatch_due(now=now, limit=5000).handled:
            pass
        while deliver_pending(now=now, limit=5000).sent:
            pass
        mail.outbox = []
        self._receive(now, last_tick, rng, annoyance=annoyance)
        for person in self._free_now(now):
            self._free_hour(person, now, rng, lift=lift)

    def _naive_reminders(self, now: datetime) -> None:
        from parcours.engagement.services.outbox import Planned, notify_many

        notify_many(
            Planned(recipient=self.users[person.user_id], kind_name=NAIVE_KIND,
                    organisation=self.organisation,
                    key=f"{NAIVE_KIND}:{person.user_id}:{now.date().isoformat()}")
            for person in self.people if person.user_id not in self.finished)

    def _receive(self, now: datetime, last_tick: datetime, rng: "_Draws", *,
                 annoyance: float) -> None:
        """Messages sent since the last hour reach their people; too many annoy."""
        from parcours.engagement.models import Notification, NotificationStatus
        from parcours.engagement.services.preferences import opt_out

        arrived = (Notification.objects
                   .filter(organisation=self.organisation, status=NotificationStatus.SENT,
                           sent_at__gt=last_tick, sent_at__lte=now)
                   .select_related("recipient").order_by("sent_at", "pk"))
        week = (now - datetime(2026, 1, 5, tzinfo=UTC)).days // 7
        for notification in arrived:
            person = self.by_user.get(notification.recipient_id)
            if person is None:
                continue
            if notification.nudge or notification.kind == NAIVE_KIND:
                self.weekly_nudges[(person.index, week)] += 1
            person.received.append(now)
            while person.received and person.received[0] <= now - timedelta(days=7):
                person.received.popleft()
            person.unseen.append((notification, notification.category, now))
            excess = len(person.received) - person.tolerance
            if excess > 0:
                person.motivation = max(
                    person.motivation - ANNOYANCE_PER_EXCESS * annoyance * excess, 0.0)
                day = (now - datetime(2026, 1, 5, tzinfo=UTC)).days
                if rng(person, day, f"opt-out:{now.hour}:{len(person.received)}") < min(
                        OPT_OUT_PER_EXCESS * annoyance * excess, 1.0):
                    with transaction.atomic():
                        opt_out(notification.recipient, notification.category)
                    person.opted_out = True

    def _free_now(self, now: datetime) -> list[Persona]:
        if not self.free_at:
            for person in self.people:
                self.free_at[(person.zone, person.free_hour)].append(person)
        return [person for name, zone in self.zones.items()
                for person in self.free_at.get((name, now.astimezone(zone).hour), ())
                if person.user_id not in self.finished]

    def _free_hour(self, person: Persona, now: datetime, rng: "_Draws", *,
                   lift: float) -> None:
        from parcours.engagement.tracking import record_click, record_open

        day = (now - datetime(2026, 1, 5, tzinfo=UTC)).days
        seen = []
        for number, (notification, category, arrived) in enumerate(person.unseen):
            if arrived > now - timedelta(days=1):
                timely = arrived >= now - timedelta(hours=TIMELY_HOURS)
                if rng(person, day, f"seen:{number}") < (SEEN_IF_TIMELY if timely
                                                         else SEEN_OTHERWISE):
                    seen.append((notification, category))
        person.unseen = []
        fatigue = max(len(person.received) - person.tolerance, 0) / max(person.tolerance, 1)
        pull = sum(LIFT_BY_CATEGORY.get(category, 0.5) for _n, category in seen)
        boost = min(lift * pull * max(1 - fatigue, 0) * (1 - person.motivation), MAX_LIFT)
        studies = rng(person, day, "study") < min(person.motivation * BASE_STUDY + boost, 1.0)
        with transaction.atomic():
            for notification, _category in seen:
                record_open(notification, now=now)
            if studies:
                if seen:
                    best = max(seen, key=lambda pair: LIFT_BY_CATEGORY.get(pair[1], 0.5))
                    record_click(best[0], now=now)
                self._study(person, now, rng)
        if studies:
            person.motivation = min(person.motivation + STUDY_BOOST, 1.0)
            person.active_weeks.add((now - datetime(2026, 1, 5, tzinfo=UTC)).days // 7)
        else:
            person.motivation *= DAILY_DECAY

    def _study(self, person: Persona, now: datetime, rng: "_Draws") -> None:
        """A session: as many steps as the person's time allows (one at least)."""
        from parcours.journeys.models import PathStepStatus

        budget = person.weekly_minutes / SESSIONS_PER_WEEK
        for step in self.steps[person.user_id]:
            if budget <= 0:
                break
            if step.status != PathStepStatus.TODO:
                continue
            _do_step(step, person, rng)
            budget -= step.estimated_minutes or STEP_MINUTES
        if all(step.status != PathStepStatus.TODO for step in self.steps[person.user_id]):
            self.finished.add(person.user_id)

    # --- the end ---------------------------------------------------------------------------

    def result(self, weeks: int) -> PolicyResult:
        from django.db.models import Count

        from parcours.engagement.models import Notification, NotificationStatus
        from parcours.journeys.models import Enrolment

        completed = Enrolment.objects.filter(organisation=self.organisation,
                                             completed_at__isnull=False).count()
        rows = Notification.objects.filter(organisation=self.organisation)
        sent = rows.filter(status=NotificationStatus.SENT).count()
        suppressed = rows.filter(status=NotificationStatus.SUPPRESSED).count()
        learners = len(self.people)
        active = sum(len(person.active_weeks) for person in self.people)
        nudges = sum(self.weekly_nudges.values())
        return PolicyResult(
            policy=self.policy, learners=learners, completed=completed,
            weekly_active_rate=active / (learners * weeks) if learners else 0.0,
            opted_out=sum(1 for person in self.people if person.opted_out),
            sent=sent, suppressed=suppressed,
            nudges_per_learner_week=nudges / (learners * weeks) if learners else 0.0,
            max_nudges_in_a_week=max(self.weekly_nudges.values(), default=0),
            suppressed_by_reason=dict(
                rows.filter(status=NotificationStatus.SUPPRESSED).values_list(
                    "suppressed_reason").annotate(n=Count("id")).order_by("-n")))


def _programme(organisation, manager):
    """Twenty-four steps of 30 minutes (twelve hours): twenty lessons proven by a check
    question, four quizzes with a pass mark of 60 %."""
    from parcours.assessments import services as assessments
    from parcours.assessments.models import QuestionKind
    from parcours.catalog import services as catalog
    from parcours.catalog.models import StepKind

    bank = assessments.create_bank(organisation, by=manager, title="Simulation")
    questions = [assessments.add_question(
        bank, by=manager, kind=QuestionKind.TRUE_FALSE, prompt=f"Statement {n}",
        statement_is_true=True) for n in range(5)]
    quiz = assessments.create_quiz(organisation, by=manager, title="Check", bank=bank,
                                   pass_mark_percent=60)
    programme = catalog.create_programme(organisation, by=manager, title="Simulated path",
                                         language="en", skills=["Simulation"])
    for number in range(4):
        module = catalog.add_module(programme, by=manager, title=f"Module {number + 1}")
        for lesson in range(5):
            catalog.add_step(module, by=manager, kind=StepKind.LESSON,
                             title=f"Lesson {number + 1}.{lesson + 1}", body="Read this.",
                             estimated_minutes=STEP_MINUTES, check_question=questions[0])
        catalog.add_step(module, by=manager, kind=StepKind.QUIZ,
                         title=f"Quiz {number + 1}", quiz=quiz,
                         estimated_minutes=STEP_MINUTES)
    return catalog.publish_programme(programme, by=manager)


def _do_step(step, person: Persona, rng: "_Draws") -> None:
    """Produce the evidence the way the person would: the check question answered right,
    or the quiz taken (each answer right with the person's ability)."""
    from parcours.assessments import services as assessments
    from parcours.assessments.models import Question
    from parcours.catalog.models import StepKind
    from parcours.journeys import services as journeys

    learner = step.enrolment.learner
    if step.kind == StepKind.LESSON:
        journeys.answer_check_question(step, by=learner,
                                       response=_right_choice(step.check_question_id))
    else:
        attempt = assessments.start_attempt(step.quiz, by=learner, path_step=step)
        responses = {}
        for question in Question.objects.filter(pk__in=attempt.questions).prefetch_related(
                "choices"):
            choices = {choice.is_correct: choice.pk for choice in question.choices.all()}
            right = rng(person, step.pk, f"answer:{question.pk}:{attempt.pk}") < person.ability
            responses[question.pk] = choices[right]
        assessments.submit_attempt(attempt, by=learner, responses=responses)
    step.refresh_from_db(fields=["status"])


_right_choices: dict[int, int] = {}


def _right_choice(question_id: int) -> int:
    from parcours.assessments.models import Choice

    if question_id not in _right_choices:
        _right_choices[question_id] = Choice.objects.get(question_id=question_id,
                                                         is_correct=True).pk
    return _right_choices[question_id]
