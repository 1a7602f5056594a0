"""Blended sessions for the demo: a short in-person programme with past sessions whose
attendance sheets are signed, today's session, and future ones, one full with a
waiting list.

Everything goes through the classroom services except what they rightly refuse after
the fact: registering in a session that has started and signing a half-day that is
over. For the past sessions those two are written here, in the one demo-only helper
`_history`, the way the services would have written them at the time: signatures
chained with `parcours.classroom.signing.hash_of` (so `manage.py verify_attendance`
finds nothing wrong), and the same `registered` and `signed` learning events.
"""

import base64
import io
import math
import random


def drawn_signature(seed: int, *, width: int = 600, height: int = 200) -> str:
    """A handwritten-looking signature as the signing pad sends it: a PNG data URL of
    dark blue loops on a transparent background, different for each seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 (a drawing, not a secret)
    scale = 2  # drawn twice as big, then reduced: smooth edges, as a canvas draws them
    mask = Image.new("L", (width * scale, height * scale), 0)
    pen = ImageDraw.Draw(mask)
    x = width * rng.uniform(0.06, 0.12)
    for _stroke in range(rng.randint(2, 3)):
        length = width * rng.uniform(0.22, 0.36)
        big, small = rng.uniform(0.09, 0.2) * height, rng.uniform(0.03, 0.08) * height
        slow, fast = rng.uniform(0.025, 0.05), rng.uniform(0.12, 0.2)
        phase, loop = rng.uniform(0, math.tau), rng.uniform(0.03, 0.07) * height
        points = []
        for step in range(int(length)):
            turn = step * fast + phase
            points.append(((x + step + loop * math.cos(turn)) * scale,
                           (height / 2 + big * math.sin(step * slow + phase)
                            + (small + loop) * math.sin(turn)) * scale))
        pen.line(points, fill=255, width=3 * scale, joint="curve")
        x += length + rng.uniform(8, 24)
    underline = height * rng.uniform(0.72, 0.82)
    pen.line([(width * 0.1 * scale, underline * scale),
              (min(x, width * 0.92) * scale, (underline - rng.uniform(4, 12)) * scale)],
             fill=255, width=2 * scale)
    picture = Image.new("RGBA", (width, height), (23, 37, 84, 0))
    picture.putalpha(mask.resize((width, height), Image.LANCZOS))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


SAFETY_TITLE = "Accueil et sécurité au travail"
ROOM = {"name": "Salle Lumière", "venue": "Cap Avenir — Lyon",
        "address": "12 rue des Lilas\n69003 Lyon", "capacity": 12}
DEVICE = {"interface": "demo", "input": "touch"}

END_SURVEYS = [  # (content, trainer, organisation, usefulness, comment)
    (5, 5, 4, 5, "Très concret, on repart avec les bons réflexes."),
    (4, 5, 4, 4, ""),
    (4, 4, 3, 4, "La salle était un peu petite pour l'exercice d'évacuation."),
    (5, 5, 5, 5, "Julien explique très bien, merci !"),
    (3, 4, 3, 3, "J'aurais aimé plus de mises en situation."),
    (5, 4, 4, 5, ""),
]
FOLLOW_UPS = [(4, 5, "J'ai refait le point sur les issues de secours avec mon équipe."),
              (3, 4, ""), (5, 5, "Utile dès la première semaine.")]


def seed_sessions(organisation, *, manager, trainer, learners, now=None) -> int:
    """The "Accueil et sécurité au travail" programme and its five sessions. Returns the
    number of sessions created: 0 when the programme already exists.

    `learners` is the demo's cast in order (Léa first), Emily Carter last.
    """
    from datetime import timedelta

    from django.utils import timezone

    from parcours.catalog.models import Programme
    from parcours.classroom import services as classroom
    from parcours.journeys import services as journeys

    if Programme.objects.filter(organisation=organisation, title=SAFETY_TITLE).exists():
        return 0
    now = now or timezone.now()
    zone = _zone(organisation)
    today = timezone.localtime(now, zone).date()
    programme, step = _programme(organisation, manager)
    room = classroom.create_room(organisation, by=manager, **ROOM)
    lea, emily = learners[0], learners[-1]
    cast = {
        "first": learners[20:26],                      # five weeks ago, two days
        "second": [emily, *learners[1:8]],             # last week, one day
        "today": [lea, *learners[8:14]],               # now
        "next": learners[14:17],                       # in two weeks, seats left
        "full": [*learners[17:20], *learners[26:30]],  # in a month: 5 seats, 2 waiting
    }
    journeys.enrol_learners(programme, [p for group in cast.values() for p in group],
                            by=manager, start_on=today - timedelta(weeks=6),
                            minutes_per_week=60)

    def schedule(title_suffix, days, **options):
        return classroom.schedule_session(
            organisation, by=manager, title=f"{SAFETY_TITLE} — {title_suffix}",
            kind="in_person", trainers=[trainer], room=room, programme=programme, step=step,
            slots=[slot for day in days for slot in _day(day, zone)], **options)

    monday = today - timedelta(days=today.weekday())
    first_days = [monday - timedelta(weeks=5), monday - timedelta(weeks=5, days=-1)]
    second_day = monday - timedelta(weeks=1, days=-3)  # last week's Thursday
    upcoming_days = [monday + timedelta(weeks=2), monday + timedelta(weeks=2, days=1)]
    full_day = monday + timedelta(weeks=4, days=3)
    first = schedule(_dates(first_days), first_days, capacity=10)
    second = schedule(_dates([second_day]), [second_day], capacity=10)
    started = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    current = classroom.schedule_session(
        organisation, by=manager, title=f"{SAFETY_TITLE} — session du jour", kind="in_person",
        capacity=10, trainers=[trainer], room=room, programme=programme, step=step,
        slots=[(started, started + timedelta(hours=3, minutes=30))])
    upcoming = schedule(_dates(upcoming_days), upcoming_days, capacity=12,
                        allows_self_registration=True)
    full = schedule(_dates([full_day]), [full_day], capacity=5,
                    allows_self_registration=True)

    _held(first, cast["first"], trainer=trainer, by=manager,
          funders=["OPCO Atlas", "France Travail"],
          absent={(2, 3)}, excused={(3, 2)}, late={(0, 4): 25})
    _held(second, cast["second"], trainer=trainer, by=manager, funders=["CPF", "Employeur"],
          absent={(1, 7)})
    _answer_surveys(first, cast["first"], END_SURVEYS, FOLLOW_UPS, now=now)
    # Emily (first of the second group) is left to answer in the demo, in English.
    _answer_surveys(second, cast["second"][1:5], END_SURVEYS[2:], [], now=now)

    _history_registrations(current, cast["today"], by=manager, funder="OPCO Atlas")
    [slot] = current.slots.all()
    for number, learner in enumerate(cast["today"][1:4]):
        classroom.sign_slot(slot, by=learner, method="drawn", device=DEVICE,
                            image=drawn_signature(9000 + number, width=400, height=130))
    classroom.register_learners(upcoming, cast["next"], by=manager, funder="OPCO Atlas")
    classroom.register_learners(full, cast["full"], by=manager, funder="France Travail")
    return 5


def _programme(organisation, manager):
    from parcours.catalog import services as catalog
    from parcours.catalog.models import StepKind

    programme = catalog.create_programme(
        organisation, by=manager, title=SAFETY_TITLE, language="fr",
        description="Une journée en salle pour accueillir les nouveaux arrivants : "
                    "consignes, évacuation, premiers gestes. À préparer en ligne avant.",
        objectives="- Connaître les consignes de sécurité du site\n- Savoir réagir à "
                   "une alarme et évacuer\n- Alerter et protéger en cas d'accident",
        audience="Nouveaux salariés, intérimaires et stagiaires.",
        tags=["Sécurité"], skills=["Prévention des risques"])
    before = catalog.add_module(programme, by=manager, title="Avant la session")
    catalog.add_step(before, by=manager, kind=StepKind.LESSON,
                     title="Les consignes à connaître avant de venir",
                     body="Lisez les **consignes de sécurité** du site : issues de secours, "
                          "point de rassemblement, numéros d'urgence.",
                     estimated_minutes=15, min_engaged_seconds=60)
    in_room = catalog.add_module(programme, by=manager, title="En salle")
    step = catalog.add_step(in_room, by=manager, kind=StepKind.LIVE_SESSION,
                            title="Journée accueil et sécurité",
                            body="Une journée en salle avec votre formateur, exercice "
                                 "d'évacuation compris. Votre présence est émargée par "
                                 "demi-journée.",
                            estimated_minutes=420)
    return catalog.publish_programme(programme, by=manager), step


def _held(session, learners, *, trainer, by, funders, absent=(), excused=(), late=None):
    """A session that took place: its learners registered beforehand, attendance noted by
    the trainer (through the service) and the sheet signed, slot by slot, by the trainer
    first and then each learner present or late. `absent`, `excused` and `late` name
    (slot index, learner index) pairs; `late` gives the minutes late."""
    from datetime import timedelta

    from parcours.classroom import services as classroom

    late = late or {}
    for index, funder in enumerate(funders):
        _history_registrations(session, learners[index::len(funders)], by=by, funder=funder)
    for slot_number, slot in enumerate(session.slots.order_by("starts_at")):
        signers = [(slot.starts_at - timedelta(minutes=5), trainer, "trainer")]
        for number, learner in enumerate(learners):
            key = (slot_number, number)
            if key in absent or key in excused:
                classroom.record_attendance(slot, by=trainer, learner=learner,
                                            status="absent" if key in absent else "excused")
                continue
            arrived_at = slot.starts_at + timedelta(minutes=late[key]) if key in late else None
            classroom.record_attendance(slot, by=trainer, learner=learner,
                                        status="late" if arrived_at else "present",
                                        arrived_at=arrived_at)
            signers.append(((arrived_at or slot.starts_at)
                            + timedelta(minutes=1 + number % 7, seconds=number * 7),
                            learner, "learner"))
        # In the order they signed: each signature chains onto the one before it.
        for signed_at, person, role in sorted(signers, key=lambda signer: signer[0]):
            _history_signature(slot, person, role=role, signed_at=signed_at)


def _history_registrations(session, learners, *, by, funder):
    """Demo only: registrations made before the session started, written now that it
    has (the service rightly closes registration at the start), with the `registered`
    event the service records."""
    from datetime import timedelta

    from parcours.classroom.models import Registration, RegistrationStatus
    from parcours.classroom.services.registrations import event_context
    from parcours.core.events import record_event
    from parcours.core.models import Verb

    for learner in learners:
        registration = Registration.objects.create(
            session=session, learner=learner, registered_by=by, funder=funder,
            status=RegistrationStatus.REGISTERED,
            created_at=session.starts_at - timedelta(days=10))
        record_event(by, Verb.REGISTERED, session, organisation=session.organisation,
                     context=event_context(registration, waitlisted=False))


def _history_signature(slot, person, *, role, signed_at):
    """Demo only: a signature given during a half-day that is over (the service only
    accepts signatures while the slot is open). Chained exactly as the service chains
    it, with `signing.hash_of` after the slot's last signature, and recorded as the
    service records it, so that `manage.py verify_attendance` finds nothing wrong."""
    from parcours.classroom import signing
    from parcours.classroom.models import Signature
    from parcours.core.events import record_event
    from parcours.core.models import Verb

    last = Signature.objects.filter(slot=slot).order_by("-signed_at", "-id").first()
    signature = Signature(slot=slot, signer=person, role=role, method="drawn",
                          image=drawn_signature(slot.pk * 1000 + person.pk, width=400,
                                                height=130),
                          signed_at=signed_at, device=dict(DEVICE),
                          previous_hash=last.record_hash if last else "")
    signature.record_hash = signing.hash_of(signature)
    signature.save()
    session = slot.session
    record_event(person, Verb.SIGNED, signature, organisation=session.organisation,
                 context={"session": session.pk, "slot": slot.pk, "role": role,
                          "method": "drawn", "record_hash": signature.record_hash,
                          "learner" if role == "learner" else "trainer": person.pk})
    return signature


def _answer_surveys(session, learners, ends, follow_ups, *, now):
    from parcours.classroom.models import SurveyKind
    from parcours.classroom.services import answer_survey, survey_opens_at

    for learner, (content, trainer, place, usefulness, comment) in zip(learners, ends,
                                                                        strict=False):
        answer_survey(session, by=learner, kind=SurveyKind.END_OF_SESSION, comment=comment,
                      answers={"content": content, "trainer": trainer,
                               "organisation": place, "usefulness": usefulness})
    opens_at = survey_opens_at(session, SurveyKind.FOLLOW_UP)
    if opens_at is None or opens_at > now:
        return
    for learner, (applied, usefulness, comment) in zip(learners, follow_ups, strict=False):
        answer_survey(session, by=learner, kind=SurveyKind.FOLLOW_UP, comment=comment,
                      answers={"applied": applied, "usefulness": usefulness})


def _zone(organisation):
    from zoneinfo import ZoneInfo

    return ZoneInfo(organisation.time_zone)


def _day(day, zone):
    from datetime import datetime, time

    return [(datetime.combine(day, time(9), tzinfo=zone),
             datetime.combine(day, time(12, 30), tzinfo=zone)),
            (datetime.combine(day, time(13, 30), tzinfo=zone),
             datetime.combine(day, time(17), tzinfo=zone))]


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


def _dates(days) -> str:
    """ "session du 3 mars 2026", "session des 2 et 3 mars 2026" (the demo speaks French)."""
    last = days[-1]
    month = f"{MONTHS[last.month - 1]} {last.year}"
    if len(days) == 1:
        return f"session du {last.day} {month}"
    first = days[0]
    start = (f"{first.day}" if first.month == last.month
             else f"{first.day} {MONTHS[first.month - 1]}")
    return f"session des {start} et {last.day} {month}"
