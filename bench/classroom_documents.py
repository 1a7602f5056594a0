"""How long the attendance sheet PDF takes for a five-day session with 30 learners.

    .venv/bin/python bench/classroom_documents.py                 # SQLite file in a temp folder
    .venv/bin/python bench/classroom_documents.py --runs 5        # a quicker run
    .venv/bin/python bench/classroom_documents.py --learners 60 --days 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours \
        .venv/bin/python bench/classroom_documents.py

It never touches real data: it creates a throwaway database (a temporary SQLite file, or
`bench_<name>` on PostgreSQL) and seeds one organisation with a session of `--days` days
(a morning and an afternoon each), `--learners` learners and `--trainers` trainers, every
cell signed with a drawn signature (a different 600×200 PNG each, as the signing pad
sends them). Then it times `documents.attendance_sheet_pdf` (reading the rows, decoding
the signatures, drawing and compressing the PDF), the whole download through Django's
test client, and one certificate of completion, and prints the median, p95 and best of
`--runs` runs, the PDF's size and pages, and the queries of one call.
Timings are figures to compare, not limits: nothing here fails on time.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SLUG = "bench-documents"


from harness import percentile, throwaway_database  # noqa: E402 - bench/ is on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--trainers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with throwaway_database():
        run(args)


def run(args) -> None:
    import re

    from django.test import Client

    from parcours.classroom.documents import attendance_sheet_pdf, completion_certificate_pdf

    started = time.perf_counter()
    seeded = seed(args)
    print(f"Seeded a {args.days}-day session, {args.learners} learners, {args.trainers} "
          f"trainers, {seeded['signatures']} signatures ({seeded['image_kb']:.0f} kB of PNG "
          f"in all) in {time.perf_counter() - started:.1f} s")
    session, registration = seeded["session"], seeded["registration"]
    client = Client()
    client.force_login(seeded["manager"])
    download = f"/o/{SLUG}/sessions/{session.pk}/attendance-sheet.pdf?lang=fr"

    def sheet():
        return attendance_sheet_pdf(session, language="fr")

    def page():
        response = client.get(download)
        assert response.status_code == 200, response.status_code
        return response.content

    def certificate():
        return completion_certificate_pdf(registration, language="fr")

    print()
    print(f"{'what':<46} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'best ms':>8} "
          f"{'queries':>8} {'kB':>7} {'pages':>6}")
    for label, call, runs in (
            ("attendance_sheet_pdf (fr)", sheet, args.runs),
            ("GET …/attendance-sheet.pdf (manager)", page, max(args.runs // 2, 3)),
            ("completion_certificate_pdf (fr)", certificate, args.runs)):
        timings, queries, pdf = measure(call, runs)
        pages = len(re.findall(rb"/Type /Page\b", pdf))
        print(f"{label:<46} {runs:>5} {statistics.median(timings):>10.1f} "
              f"{percentile(timings, 95):>8.1f} {min(timings):>8.1f} {queries:>8} "
              f"{len(pdf) / 1024:>7.0f} {pages:>6}")
    print(f"Load average over the last minute: {os.getloadavg()[0]:.2f}")


def measure(call, runs: int) -> tuple[list[float], int, bytes]:
    """Time each run (after a warm-up that also counts the queries)."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        pdf = call()
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, queries, pdf


def seed(args) -> dict:
    """Written in bulk: the services' rules are what the tests are for; this is about
    reading and drawing. Each signature is chained as the service would chain it."""
    import hashlib
    import zoneinfo
    from datetime import date, datetime, time, timedelta

    from parcours.accounts.management.commands._demo_sessions import drawn_signature
    from parcours.accounts.models import Membership, MembershipRole, User
    from parcours.accounts.services import create_organisation
    from parcours.classroom.models import (
        Attendance,
        Registration,
        Session,
        SessionTrainer,
        Signature,
        Slot,
    )

    paris = zoneinfo.ZoneInfo("Europe/Paris")
    organisation = create_organisation("Bench documents", slug=SLUG)

    def people(prefix: str, count: int, role: str) -> list[User]:
        users = User.objects.bulk_create(
            User(email=f"{prefix}{n}@bench.example", display_name=f"{prefix.title()} "
                 f"Personne-{n:02d} de la Fontaine", locale="fr") for n in range(count))
        memberships = Membership.objects.bulk_create(
            Membership(organisation=organisation, user=user) for user in users)
        MembershipRole.objects.bulk_create(
            MembershipRole(membership=membership, role=role) for membership in memberships)
        return users

    [manager] = people("manager", 1, "manager")
    learners = people("apprenant", args.learners, "learner")
    trainers = people("formateur", args.trainers, "trainer")
    first_day = date(2026, 3, 2)
    session = Session.objects.create(organisation=organisation, capacity=args.learners,
                                     title="Habilitation électrique B0-H0V, sessions de mars",
                                     address="12 rue des Lilas, 69003 Lyon")
    slots = []
    for offset in range(args.days):
        day = first_day + timedelta(days=offset)
        for part, start, end in (("morning", time(9), time(12, 30)),
                                 ("afternoon", time(13, 30), time(17))):
            slots.append(Slot.objects.create(
                session=session, part=part,
                starts_at=datetime.combine(day, start, tzinfo=paris),
                ends_at=datetime.combine(day, end, tzinfo=paris)))
    Session.objects.filter(pk=session.pk).update(starts_at=slots[0].starts_at,
                                                 ends_at=slots[-1].ends_at)
    session.refresh_from_db()
    SessionTrainer.objects.bulk_create(SessionTrainer(session=session, trainer=trainer)
                                       for trainer in trainers)
    registrations = Registration.objects.bulk_create(
        Registration(session=session, learner=learner, status="registered",
                     funder="OPCO Atlas") for learner in learners)
    Attendance.objects.bulk_create(
        Attendance(slot=slot, learner=learner, status="present")
        for slot in slots for learner in learners)
    signatures, image_bytes, seed_number = [], 0, 0
    for slot in slots:
        previous = ""
        for minute, (person, role) in enumerate(
                [(trainer, "trainer") for trainer in trainers]
                + [(learner, "learner") for learner in learners]):
            seed_number += 1
            image = drawn_signature(seed_number)
            image_bytes += len(image) * 3 // 4
            signature = Signature(slot=slot, signer=person, role=role, method="drawn",
                                  image=image, device={"interface": "bench"},
                                  signed_at=slot.starts_at + timedelta(seconds=20 * minute),
                                  previous_hash=previous)
            signature.record_hash = hashlib.sha256(
                f"{slot.pk}-{person.pk}-{previous}".encode()).hexdigest()
            previous = signature.record_hash
            signatures.append(signature)
    Signature.objects.bulk_create(signatures)
    return {"session": session, "registration": registrations[0], "manager": manager,
            "signatures": len(signatures), "image_kb": image_bytes / 1024}


if __name__ == "__main__":
    main()
