"""How the learner dashboard and the coach caseload hold up with 10,000 learners.

    .venv/bin/python bench/paths_pages.py                    # SQLite file in a temp folder
    .venv/bin/python bench/paths_pages.py --learners 1000    # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours .venv/bin/python bench/paths_pages.py

It never touches real data: it creates a throwaway database (a temporary SQLite file, or
`bench_<name>` on PostgreSQL), seeds one organisation with N learners, each on a 40-step
path at a different point (steps done, skipped, overdue, started, work waiting for
review, learning events, flashcards), then times whole pages through Django's test
client (session, middleware, selector, template) and prints p50/p95 and the number of
queries of one request. Timings are figures to compare, not limits: nothing here fails
on time.

The caseload is organisation-wide (there is no assignment of learners to one coach
yet), so "a coach following 200 learners" is the caseload filtered to one programme
whose cohort is 200 learners (`--cohort`).
"""

import argparse
import math
import random
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SLUG = "bench-paths"
KINDS = ["lesson", "lesson", "assignment", "external", "checkpoint"]  # one module of five


from harness import run_pages, throwaway_database  # noqa: E402 - bench/ is on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=40, help="steps in each path")
    parser.add_argument("--cohort", type=int, default=200,
                        help="learners per programme: the size of the caseload measured")
    parser.add_argument("--events-per-learner", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200,
                        help="requests measured per page (dashboards: as many learners)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with throwaway_database():
        run_pages(seed, measures, args, width=52)


def measures(seeded, args):
    """(label, list of calls): each call makes one request and checks it answered 200."""
    from django.test import Client

    rng = random.Random(args.seed + 1)
    organisation, coach = seeded["organisation"], seeded["coach"]
    dashboard = f"/o/{organisation.slug}/my-path/"
    caseload = f"/o/{organisation.slug}/caseload/"
    coach_client = Client()
    coach_client.force_login(coach)

    def learner_call(learner):
        client = Client()
        client.force_login(learner)  # not timed: signing in is not the page

        def call():
            return client.get(dashboard)
        return call

    def coach_call(query):
        def call():
            return coach_client.get(caseload, query)
        return call

    learners = rng.sample(seeded["learners"], min(args.requests, len(seeded["learners"])))
    cohort = {"programme": seeded["cohort_programme"]}
    caseload_requests = max(20, args.requests // 4)
    yield (f"GET my-path/ (dashboard, {len(learners)} random learners)",
           [learner_call(learner) for learner in learners])
    for label, query in (
        (f"GET caseload/?programme (cohort of {args.cohort})", cohort),
        ("  … sorted by status", {**cohort, "sort": "status"}),
        ("  … sorted by progress, most first", {**cohort, "sort": "-progress"}),
        ("  … only those at risk", {**cohort, "status": "at_risk"}),
        (f"GET caseload/ (whole organisation, first 200 of "
         f"{seeded['counts']['enrolments']:,})", {}),
        ("GET caseload/?search=Learner 0042 (whole organisation)",
         {"search": "Learner 0042"}),
    ):
        yield label, [coach_call(query)] * caseload_requests


def seed(args) -> dict:
    """One organisation, a coach, `learners` learners in cohorts of `cohort` per programme,
    each on a path of `steps` steps somewhere between its start and its end; every fourth
    learner also follows a short elective. Everything in bulk."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from parcours.accounts.models import Membership, MembershipRole, User
    from parcours.accounts.services import add_member, create_organisation
    from parcours.assessments.models import Card, CardMemory, Deck
    from parcours.catalog.models import Module, Programme, ProgrammeStatus, Step
    from parcours.journeys.models import Enrolment

    rng = random.Random(args.seed)
    now = timezone.now()
    organisation = create_organisation("Bench paths", slug=SLUG)
    coach = User.objects.create_user("coach@bench.example", display_name="Coach Bench")
    add_member(organisation, coach, roles=["coach"])
    password = make_password("bench-password")
    learners = User.objects.bulk_create(
        (User(email=f"learner-{n:05d}@bench.example", display_name=f"Learner {n:05d}",
              password=password, locale="en", time_zone="Europe/Paris")
         for n in range(args.learners)), batch_size=1000)
    memberships = Membership.objects.bulk_create(
        (Membership(organisation=organisation, user=user) for user in learners),
        batch_size=1000)
    MembershipRole.objects.bulk_create(
        (MembershipRole(membership=m, role="learner") for m in memberships), batch_size=1000)

    def programme(title, steps):
        created = Programme.objects.create(
            organisation=organisation, title=title, status=ProgrammeStatus.PUBLISHED,
            published_at=now, estimated_minutes=30 * steps)
        modules = Module.objects.bulk_create(
            Module(programme=created, title=f"Module {m + 1}", position=m)
            for m in range(math.ceil(steps / len(KINDS))))
        template = Step.objects.bulk_create(
            Step(programme=created, module=modules[s // len(KINDS)], position=s,
                 **content(s))
            for s in range(steps))
        return created, template

    cohorts = [programme(f"Cohort {c + 1:03d}", args.steps)
               for c in range(math.ceil(args.learners / args.cohort))]
    electives = [programme(f"Elective {e + 1}", 10) for e in range(5)]
    plans = []  # (learner, programme, template steps)
    for n, learner in enumerate(learners):
        plans.append((learner, *cohorts[n // args.cohort]))
        if n % 4 == 0:
            plans.append((learner, *electives[n % len(electives)]))

    enrolments = Enrolment.objects.bulk_create(
        (enrolment_row(organisation, learner, programme_row, rng, now)
         for learner, programme_row, _template in plans), batch_size=1000)
    steps = path_steps(enrolments, plans, rng, now)
    submissions = pending_work(rng)
    events = learning_events(organisation, learners, steps, rng, now,
                             args.events_per_learner)

    deck = Deck.objects.create(organisation=organisation, title="Bench cards")
    cards = Card.objects.bulk_create(Card(deck=deck, front=f"front {c}", back=f"back {c}",
                                          position=c) for c in range(20))
    memories = CardMemory.objects.bulk_create(
        (CardMemory(card=card, learner=learner, fsrs_state={}, reviews=1,
                    due_at=now + timedelta(hours=rng.randint(-72, 72)))
         for learner in learners[::5] for card in cards), batch_size=2000)
    return {
        "organisation": organisation, "coach": coach, "learners": learners,
        "cohort_programme": cohorts[len(cohorts) // 2][0].pk,
        "counts": {"learners": len(learners), "enrolments": len(enrolments),
                   "path steps": steps, "submissions": submissions, "events": events,
                   "card memories": len(memories)},
    }


def content(position: int) -> dict:
    kind = KINDS[position % len(KINDS)]
    fields = {"kind": kind, "title": f"Step {position + 1}", "estimated_minutes": 30,
              "body": "Some text to read.\n\n" * 5}
    if kind == "lesson":
        fields["min_engaged_seconds"] = 600
    if kind == "external":
        fields["external_url"] = "https://example.org/activity"
    return fields


def enrolment_row(organisation, learner, programme, rng, now):
    from datetime import timedelta

    from parcours.journeys.models import Enrolment

    started_days_ago = rng.randint(0, 150)
    quiet_days = rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 21, 34, None])
    return Enrolment(
        organisation=organisation, programme=programme, learner=learner,
        start_on=(now - timedelta(days=started_days_ago)).date(),
        minutes_per_week=rng.choice([60, 90, 120, 180, 240]),
        created_at=now - timedelta(days=started_days_ago),
        last_activity_at=None if quiet_days is None else now - timedelta(
            days=quiet_days, minutes=rng.randint(0, 1440)),
    )


def path_steps(enrolments, plans, rng, now) -> int:
    """Each learner's copy of the programme, so many steps done as their time allowed
    (give or take), a few skipped, some due dates, the next one sometimes started, and
    each checkpoint waiting on the module's assignment."""
    from datetime import timedelta

    from parcours.journeys import progress
    from parcours.journeys.models import PathStep

    Prerequisite = PathStep.prerequisites.through
    total = 0
    batch: list[PathStep] = []
    links: list[tuple[int, int]] = []  # (index of step, index of prerequisite) in batch

    def flush():
        nonlocal batch, links, total
        created = PathStep.objects.bulk_create(batch, batch_size=2000)
        Prerequisite.objects.bulk_create(
            (Prerequisite(from_pathstep_id=created[a].pk, to_pathstep_id=created[b].pk)
             for a, b in links), batch_size=5000)
        total += len(created)
        batch, links = [], []

    today = now.date()
    for enrolment, (_learner, _programme, template) in zip(enrolments, plans, strict=True):
        weeks = max(0, (today - enrolment.start_on).days) / 7
        expected = int(weeks * enrolment.minutes_per_week / 30)
        done = max(0, min(len(template), expected + rng.randint(-6, 3)))
        rows = []
        for position, step in enumerate(template, start=1):
            finished = position <= done
            row = PathStep(
                enrolment=enrolment, source_step=step, position=position,
                module_title=f"Module {(position - 1) // len(KINDS) + 1}",
                **content(position - 1),
                status="done" if finished else "todo",
                completed_at=now - timedelta(days=done - position) if finished else None,
                started_at=now - timedelta(days=done - position + 1) if finished else None,
                engaged_seconds=600 if finished and step.kind == "lesson" else 0,
            )
            if not finished and rng.random() < 0.02:
                row.status, row.adapted, row.last_change = "skipped", True, "skipped"
                row.change_reason = "Already mastered."
            if rng.random() < 0.12:
                row.due_on = enrolment.start_on + timedelta(days=position * 3)
            rows.append(row)
        todo = [row for row in rows if row.status == "todo"]
        if todo and rng.random() < 0.5:
            todo[0].started_at = todo[0].last_heartbeat_at = now - timedelta(
                hours=rng.randint(1, 200))
            todo[0].engaged_seconds = rng.randint(0, 500)
        for index, row in enumerate(rows):
            row.pk = index + 1  # progress keys its plan by id: borrowed until saved
        plan = progress.planned_dates(rows, start_on=enrolment.start_on,
                                      minutes_per_week=enrolment.minutes_per_week)
        for row in rows:
            row.planned_on = plan.get(row.pk)
            row.pk = None
        offset = len(batch)
        batch.extend(rows)
        links.extend((offset + i, offset + i - 2) for i, row in enumerate(rows)
                     if row.kind == "checkpoint" and i >= 2)
        if len(batch) >= 20_000:
            flush()
    if batch:
        flush()
    return total


def pending_work(rng) -> int:
    """Work waiting for review: the next assignment of about one learner in six."""
    from parcours.journeys.models import PathStep, Submission

    candidates = list(
        PathStep.objects.filter(kind="assignment", status="todo")
        .order_by("enrolment_id", "position").values_list("enrolment_id", "id"))
    first_per_enrolment = {}
    for enrolment_id, step_id in candidates:
        first_per_enrolment.setdefault(enrolment_id, step_id)
    chosen = [step_id for step_id in first_per_enrolment.values() if rng.random() < 0.17]
    Submission.objects.bulk_create(
        (Submission(path_step_id=step_id, text="My work, for review.") for step_id in chosen),
        batch_size=2000)
    return len(chosen)


def learning_events(organisation, learners, steps: int, rng, now, per_learner: int) -> int:
    from datetime import timedelta

    from parcours.core.models import LearningEvent, Verb

    verbs = [Verb.LAUNCHED, Verb.PROGRESSED, Verb.COMPLETED, Verb.SUBMITTED, Verb.ANSWERED]
    events = LearningEvent.objects.bulk_create(
        (LearningEvent(
            occurred_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 90)),
            actor=learner, verb=verbs[k % len(verbs)], object_type="journeys.pathstep",
            object_id=str(rng.randint(1, max(1, steps))), object_name=f"Step {k + 1}",
            organisation=organisation, context={"programme": 1})
         for learner in learners for k in range(per_learner)),
        batch_size=2000)
    return len(events)


if __name__ == "__main__":
    main()
