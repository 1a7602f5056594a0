"""How the live results partial (polled every second by the coach's screen) and the
message thread hold up as answers and messages grow.

    .venv/bin/python bench/coaching_live.py                    # SQLite file in a temp folder
    .venv/bin/python bench/coaching_live.py --requests 50      # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours \
        .venv/bin/python bench/coaching_live.py

It never touches real data (see harness.py). It seeds one organisation with a coach,
`--participants` learners who each vote in a poll, give three words to a word cloud and
two notes to a board, and one engagement whose thread holds `--messages` messages (one in
five with an attachment row). Then it times, through Django's test client, the results
partial of each live activity and the thread page, and prints p50/p95 and the queries
of one request. Timings are figures to compare, not limits.
"""

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import run_pages, throwaway_database  # noqa: E402 - bench/ is on sys.path

SLUG = "bench-live"
WORDS = ["confiance", "énergie", "doute", "curiosité", "fatigue", "envie", "clarté",
         "stress", "motivation", "calme", "équipe", "avenir"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200, help="requests measured per page")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with throwaway_database():
        run_pages(seed, measures, args, width=56)


def seed(args) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from parcours.accounts.models import Membership, MembershipRole, Organisation, User
    from parcours.coaching.models import (
        Document,
        LiveAnswer,
        LiveKind,
        Message,
        MessageReceipt,
    )
    from parcours.coaching.services.live import create_live_activity, open_live_activity
    from parcours.coaching.tests import factories

    rng = random.Random(args.seed)
    now = timezone.now()
    organisation = Organisation.objects.create(name="Bench Live", slug=SLUG)

    def people_with(role, count):
        # Bulk, without hashing a password each: signing in is forced, not timed.
        users = User.objects.bulk_create(
            User(email=f"{role}{n}@bench.example", display_name=f"{role.title()} {n}",
                 password="!") for n in range(count))
        memberships = Membership.objects.bulk_create(
            Membership(organisation=organisation, user=user) for user in users)
        MembershipRole.objects.bulk_create(
            MembershipRole(membership=membership, role=role) for membership in memberships)
        return users

    [coach] = people_with("coach", 1)
    people = people_with("learner", args.participants)
    live = {}
    for kind, question, options in [(LiveKind.POLL, "How was the morning?",
                                     ["Great", "Fine", "Hard", "Lost"]),
                                    (LiveKind.WORD_CLOUD, "One word for today", []),
                                    (LiveKind.BOARD, "Ideas for next week", [])]:
        live[kind] = open_live_activity(create_live_activity(
            organisation, by=coach, kind=kind, question=question, options=options), by=coach)
    answers = []
    for participant in people:
        answers.append(LiveAnswer(activity=live[LiveKind.POLL], participant=participant,
                                  text=rng.choice(live[LiveKind.POLL].options),
                                  answered_at=now))
        answers.extend(LiveAnswer(activity=live[LiveKind.WORD_CLOUD],
                                  participant=participant, position=n,
                                  text=rng.choice(WORDS), answered_at=now) for n in range(3))
        answers.extend(LiveAnswer(activity=live[LiveKind.BOARD], participant=participant,
                                  position=n, text=f"Idea {n} of {participant.display_name}",
                                  answered_at=now) for n in range(2))
    LiveAnswer.objects.bulk_create(answers, batch_size=2000)

    engagement = factories.engagement(organisation, people[0], coach)
    messages = Message.objects.bulk_create(
        Message(engagement=engagement, author=rng.choice([coach, people[0]]),
                body=f"Message {n}: where we are.",
                created_at=now - timedelta(minutes=args.messages - n))
        for n in range(args.messages))
    Document.objects.bulk_create(
        Document(engagement=engagement, message=message, uploaded_by=message.author,
                 storage_key=f"k{message.pk}", file=f"coaching/{engagement.pk}/k{message.pk}.pdf",
                 original_name=f"doc-{message.pk}.pdf", content_type="application/pdf",
                 size=1000)
        for message in messages[::5])
    MessageReceipt.objects.bulk_create(
        MessageReceipt(message=message, reader=reader, read_at=now)
        for message in messages for reader in (coach, people[0]))
    return {"coach": coach, "live": live, "engagement": engagement,
            "counts": f"{len(people)} participants, {len(answers)} live answers, "
                      f"{len(messages)} messages"}


def measures(seeded, args):
    from django.test import Client

    coach = Client()
    coach.force_login(seeded["coach"])  # not timed: signing in is not the page

    def get(path):
        return lambda: coach.get(path)

    for kind, live in seeded["live"].items():
        yield (f"GET live/<id>/results/ ({kind})",
               [get(f"/o/{SLUG}/coaching/live/{live.pk}/results/")] * args.requests)
    engagement = seeded["engagement"]
    yield (f"GET engagements/<id>/messages/ ({args.messages} messages)",
           [get(f"/o/{SLUG}/coaching/engagements/{engagement.pk}/messages/")]
           * max(1, args.requests // 4))


if __name__ == "__main__":
    main()
