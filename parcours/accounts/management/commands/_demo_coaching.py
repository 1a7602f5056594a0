"""Coaching in the demo: two coaches with lived-in caseloads.

Karim Benali follows Léa Martin's bilan de compétences, in its investigation phase
(hours used, shared and private notes, a worksheet returned and commented, messages, an
overdue action, the next appointment booked), and a few others, one of them drifting.
Camille Rousseau follows Thomas Bernard's outplacement near its end (past 80 % of its
hours, the synthesis drafted) and more.

History is written the way it happens: past appointments are rows (nobody books in the
past), then each is closed through the closing service, which is what records hours,
notes and actions. Everything after that goes through the services.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from parcours.accounts.models import Organisation, User
from parcours.coaching.models import (
    ActionItem,
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    Engagement,
    EngagementKind,
    EngagementType,
)
from parcours.coaching.services import (
    activities,
    appointments,
    booking,
    engagements,
    synthesis,
)
from parcours.coaching.services import messages as thread
from parcours.coaching.services.actions import (
    ActionDraft,
    create_action_item,
    edit_action_item,
    tick_action_item,
)
from parcours.coaching.services.availability import WeeklyPeriod, set_weekly_availability

PARIS = ZoneInfo("Europe/Paris")

TYPES = [
    {"name": "Bilan de compétences", "kind": EngagementKind.SKILLS_ASSESSMENT,
     "description": "24 heures sur 8 à 12 semaines : faire le point, explorer, décider.",
     "phases": [("Phase préliminaire", 4 * 60), ("Phase d'investigation", 16 * 60),
                ("Phase de conclusion", 4 * 60)],
     "default_actions": ["Remplir le questionnaire d'intérêts professionnels"],
     "documents": ["Document de synthèse"]},
    {"name": "Outplacement", "kind": EngagementKind.OUTPLACEMENT,
     "description": "Accompagnement au repositionnement financé par l'employeur.",
     "phases": [("Bilan", 6 * 60), ("Projet", 8 * 60), ("Recherche active", 16 * 60)],
     "default_actions": ["Mettre à jour le CV"], "documents": ["Plan d'action"]},
    {"name": "Accompagnement VAE", "kind": EngagementKind.VAE,
     "description": "De la recevabilité au jury.",
     "phases": [("Recevabilité", 4 * 60), ("Livret 2", 12 * 60), ("Préparation du jury", 4 * 60)],
     "default_actions": [], "documents": ["Livret 2"]},
]


def seed_coaching(organisation: Organisation, *, manager: User, karim: User, camille: User,
                  people: dict[str, User]) -> int:
    """Create the coaching demo once; returns how many engagements it opened."""
    if Engagement.objects.filter(organisation=organisation).exists():
        return 0
    types = {spec["name"]: _engagement_type(organisation, manager, spec) for spec in TYPES}
    week = [WeeklyPeriod(weekday=day, start_time=time(9), end_time=time(12),
                         modes=frozenset({"video", "in_person"}), place="Cap Avenir, salle 2")
            for day in range(4)]
    week += [WeeklyPeriod(weekday=day, start_time=time(14), end_time=time(17, 30),
                          modes=frozenset({"video", "phone"})) for day in range(5)]
    for coach in (karim, camille):
        set_weekly_availability(coach, organisation, by=coach, periods=week)

    opened = [
        _lea(organisation, types["Bilan de compétences"], karim, people["Léa Martin"]),
        _simple(organisation, types["Bilan de compétences"], karim, people["Hugo Petit"],
                weeks_ago=5, held=[(0, 120, "Premier entretien : attentes et cadre.")],
                next_in_days=None, overdue="Lister trois métiers à explorer"),
        _simple(organisation, types["Accompagnement VAE"], karim, people["Manon Durand"],
                weeks_ago=10, held=[(0, 90, "Recevabilité obtenue."),
                                    (1, 120, "Livret 2 : plan des chapitres."),
                                    (1, 120, "Livret 2 : relecture du chapitre 1.")],
                next_in_days=6, overdue=None, funder="Transitions Pro"),
        _thomas(organisation, types["Outplacement"], camille, people["Thomas Bernard"]),
        _simple(organisation, types["Outplacement"], camille, people["Inès Bonnet"],
                weeks_ago=6, held=[(0, 120, "Bilan des expériences."),
                                   (0, 120, "Compétences transférables."),
                                   (1, 90, "Deux pistes de projet.")],
                next_in_days=3, overdue=None, funder="Employeur — Groupe Vial"),
        _simple(organisation, types["Bilan de compétences"], camille, people["Lucas Leroy"],
                weeks_ago=3, held=[(0, 120, "Premier entretien.")], next_in_days=9,
                overdue="Remplir le questionnaire d'intérêts professionnels"),
    ]
    return len(opened)


def _engagement_type(organisation, manager, spec) -> EngagementType:
    kind = engagements.create_engagement_type(
        organisation, by=manager, name=spec["name"], kind=spec["kind"],
        description=spec["description"],
        contracted_minutes=sum(minutes for _name, minutes in spec["phases"]),
        default_actions=spec["default_actions"], documents_to_produce=spec["documents"],
        notice_hours=24, min_minutes=30, max_minutes=180, default_minutes=90,
        buffer_minutes=15)
    for name, minutes in spec["phases"]:
        engagements.add_phase_template(kind, by=manager, name=name, planned_minutes=minutes)
    return kind


def _open(organisation, kind, coach, beneficiary, *, weeks_ago, objectives="", funder="CPF",
          weeks_long=12) -> Engagement:
    starts_on = timezone.localdate() - timedelta(weeks=weeks_ago)
    return engagements.open_engagement(
        organisation, by=coach, engagement_type=kind, beneficiary=beneficiary,
        coaches=[coach], objectives=objectives, funder=funder, starts_on=starts_on,
        ends_on=starts_on + timedelta(weeks=weeks_long))


def _held(engagement, coach, *, days_ago, minutes, phase_position, shared="", private="",
          actions=(), mode=AppointmentMode.VIDEO) -> Appointment:
    """A past appointment, closed the way the coach closes it."""
    day = timezone.localdate() - timedelta(days=days_ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    starts_at = datetime.combine(day, time(10), tzinfo=PARIS)
    appointment = Appointment.objects.create(
        engagement=engagement, coach=coach, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes), mode=mode,
        status=AppointmentStatus.BOOKED, booked_by=coach)
    phase = list(engagement.phases.order_by("position"))[phase_position]
    return appointments.close_appointment(
        appointment, by=coach, actual_minutes=minutes, phase=phase, shared_note=shared,
        private_note=private, action_items=list(actions))


def _next(engagement, coach, *, in_days, minutes=90, mode=AppointmentMode.VIDEO) -> None:
    day = timezone.localdate() + timedelta(days=in_days)
    while day.weekday() >= 4:
        day += timedelta(days=1)
    booking.book_appointment(engagement, by=coach, coach=coach,
                             starts_at=datetime.combine(day, time(10), tzinfo=PARIS),
                             minutes=minutes, mode=mode)


def _lea(organisation, kind, karim, lea) -> Engagement:
    """A bilan de compétences in its investigation phase."""
    engagement = _open(organisation, kind, karim, lea, weeks_ago=6,
                       objectives="Faire le point après huit ans en logistique et choisir "
                                  "une reconversion réaliste, idéalement dans le soin.")
    _held(engagement, karim, days_ago=40, minutes=120, phase_position=0,
          shared="Cadre posé : 24 h sur 12 semaines, confidentialité, rythme d'un entretien "
                 "toutes les deux semaines. **Vos attentes** : retrouver du sens, des horaires "
                 "compatibles avec la vie de famille.",
          private="Fatigue visible, parle d'un épuisement l'an dernier : rester attentif.",
          actions=[ActionDraft(title="Écrire son parcours en cinq dates",
                               due_on=timezone.localdate() - timedelta(days=33))])
    _held(engagement, karim, days_ago=26, minutes=120, phase_position=0,
          shared="Vos compétences transférables : organisation, gestion des priorités, "
                 "relation avec les équipes. Trois pistes : aide-soignante, coordinatrice de "
                 "soins à domicile, préparatrice en pharmacie.",
          actions=[ActionDraft(title="Rencontrer une aide-soignante (enquête métier)",
                               due_on=timezone.localdate() - timedelta(days=4))])
    _held(engagement, karim, days_ago=12, minutes=90, phase_position=1,
          shared="Enquête métier préparée : questions à poser, où trouver les contacts.",
          private="Hésite encore entre les deux premières pistes ; ne pas presser.",
          actions=[ActionDraft(title="Lister les formations d'aide-soignante près de Lyon",
                               due_on=timezone.localdate() + timedelta(days=5))])
    first = ActionItem.objects.filter(engagement=engagement,
                                      title="Écrire son parcours en cinq dates").get()
    tick_action_item(first, by=lea)
    values = activities.create_activity(
        organisation, by=karim, kind="worksheet", title="Mes valeurs professionnelles",
        instructions="Prenez le temps : il n'y a pas de bonne réponse.",
        definition={"fields": [
            {"key": "important", "label": "Qu'est-ce qui compte le plus pour vous au travail ?",
             "kind": "text"},
            {"key": "sens", "label": "Le sens de votre travail aujourd'hui", "kind": "scale",
             "min": 1, "max": 5, "min_label": "aucun", "max_label": "très fort"},
            {"key": "cadre", "label": "Le cadre qui vous convient", "kind": "choice",
             "options": ["Hôpital", "Domicile", "Officine"], "multiple": True},
        ]})
    assignment = activities.assign_activity(values, engagement, by=karim)
    activities.return_assignment(assignment, by=lea, answers={
        "important": "Être utile aux autres et voir le résultat de mon travail.",
        "sens": 2, "cadre": ["Hôpital", "Domicile"]})
    activities.comment_assignment(assignment, by=karim,
                                  comment="Très cohérent avec la piste du soin : on en "
                                          "parle au prochain entretien.")
    sort = activities.create_activity(
        organisation, by=karim, kind="card_sort", title="Tri de cartes : mes compétences",
        definition={"cards": ["Organiser", "Écouter", "Négocier", "Former", "Analyser"],
                    "columns": ["Ma force", "À développer", "Pas pour moi"]})
    draft = activities.assign_activity(sort, engagement, by=karim,
                                       due_on=timezone.localdate() + timedelta(days=7))
    activities.save_draft(draft, by=lea, answers={"cards": {"0": 0, "1": 0}})
    thread.send_message(engagement, by=lea, body="Bonjour Karim, j'ai trouvé une aide-soignante "
                                                  "d'accord pour me recevoir jeudi !")
    thread.send_message(engagement, by=karim, body="Excellent Léa. Pensez à noter ce qui "
                                                   "vous surprend dans sa journée type.")
    _next(engagement, karim, in_days=3)
    return engagement


def _thomas(organisation, kind, camille, thomas) -> Engagement:
    """An outplacement near its end: past 80 % of its hours, synthesis drafted."""
    engagement = _open(organisation, kind, camille, thomas, weeks_ago=20, weeks_long=22,
                       funder="Employeur — Groupe Vial",
                       objectives="Retrouver un poste de responsable d'exploitation "
                                  "dans les six mois.")
    plan = [(0, 120, "Bilan des expériences et des réussites."),
            (0, 120, "Compétences et valeurs : synthèse."),
            (0, 120, "Marché : entreprises cibles."),
            (1, 120, "Projet : responsable d'exploitation, secteur agroalimentaire."),
            (1, 120, "CV et pitch réécrits."),
            (1, 120, "Réseau : vingt contacts à solliciter."),
            (1, 120, "Préparation des entretiens."),
            (2, 120, "Suivi des candidatures : trois entretiens obtenus."),
            (2, 120, "Négociation : préparer les questions de rémunération."),
            (2, 120, "Deux propositions en cours.")]
    for number, (position, minutes, shared) in enumerate(plan):
        _held(engagement, camille, days_ago=135 - number * 13, minutes=minutes,
              phase_position=position, shared=shared)
    thread.send_message(engagement, by=thomas, body="L'entreprise de Villefranche m'a "
                                                    "rappelé : second entretien lundi.")
    synthesis.draft_synthesis(engagement, by=camille)
    _next(engagement, camille, in_days=5, minutes=120)
    return engagement


def _simple(organisation, kind, coach, beneficiary, *, weeks_ago, held, next_in_days,
            overdue, funder="CPF") -> Engagement:
    engagement = _open(organisation, kind, coach, beneficiary, weeks_ago=weeks_ago,
                       funder=funder)
    for number, (position, minutes, shared) in enumerate(held):
        _held(engagement, coach, days_ago=weeks_ago * 7 - 2 - number * 12, minutes=minutes,
              phase_position=position, shared=shared)
    if overdue:
        # Agreed a while ago and not done: the caseload shows it as overdue.
        item = ActionItem.objects.filter(engagement=engagement, title=overdue).first()
        due_on = timezone.localdate() - timedelta(days=6)
        if item is None:
            create_action_item(engagement, by=coach, title=overdue, due_on=due_on)
        else:
            edit_action_item(item, by=coach, title=item.title, assignee=item.assignee,
                             due_on=due_on)
    if next_in_days is not None:
        _next(engagement, coach, in_days=next_in_days)
    return engagement


