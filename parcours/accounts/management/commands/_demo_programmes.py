"""Two lived-in programmes for the demo, built and followed through the real services.

Every step a demo learner has done is done the way a real learner would: a lesson's
check question answered, a quiz passed, work submitted and accepted by Karim, a
checkpoint validated. Nothing is marked done by hand, so the demo shows real evidence.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from parcours.accounts.models import Organisation, User
from parcours.assessments import services as assessments
from parcours.assessments.models import Choice, Question, QuestionKind
from parcours.catalog import services as catalog
from parcours.catalog.models import Programme, StepKind
from parcours.journeys import services as journeys
from parcours.journeys.models import PathStep, PathStepStatus, Submission

COACHING_TITLE = "Construire son projet professionnel"
LANGUAGE_TITLE = "Anglais professionnel : de A2 à B1"

OFFICE_WORDS = """\
a meeting ; une réunion
a deadline ; une échéance
to schedule ; planifier
a colleague ; un collègue
a spreadsheet ; un tableur
to attend ; assister à
an invoice ; une facture
a manager ; un responsable
to hire ; embaucher
a skill ; une compétence
to reply ; répondre
a shift ; un poste (horaire)
"""


@dataclass(frozen=True)
class Progress:
    """How far a demo learner has gone: steps done, pace, and weeks since they started."""

    steps_done: int
    weeks_ago: int
    minutes_per_week: int = 120
    # Hand in the next assignment and leave it for Karim's review queue.
    awaiting_review: bool = False


def seed_programmes(organisation: Organisation, *, manager: User, coach: User,
                    learners: list[User]) -> int:
    """Create the two demo programmes and enrol learners at various stages.

    Returns the number of enrolments created; 0 when the programmes already exist.
    """
    if Programme.objects.filter(organisation=organisation, title=COACHING_TITLE).exists():
        return 0
    coaching = _coaching_programme(organisation, manager)
    language = _language_programme(organisation, manager)
    created = 0
    # Léa first: the demo guide follows her. Varied stages show every status and page.
    stages = [Progress(3, 2), Progress(0, 0), Progress(8, 6),
              Progress(1, 5, awaiting_review=True), Progress(5, 3), Progress(2, 4, 60),
              Progress(6, 4, awaiting_review=True), Progress(0, 3, 60), Progress(4, 2),
              Progress(7, 5, 180), Progress(2, 1), Progress(3, 6, 45)]
    for learner, progress in zip(learners[:12], stages, strict=False):
        _follow(coaching, learner, progress, coach=coach, by=coach)
        created += 1
    language_stages = [Progress(2, 1), Progress(0, 0), Progress(5, 4, 90), Progress(1, 3),
                       Progress(3, 2), Progress(6, 5), Progress(4, 3, 60), Progress(1, 1)]
    for learner, progress in zip([learners[0], *learners[12:19]], language_stages,
                                 strict=False):
        _follow(language, learner, progress, coach=coach, by=manager)
        created += 1
    return created


def _coaching_programme(organisation: Organisation, manager: User) -> Programme:
    bank = assessments.create_bank(organisation, by=manager, title="Droits à la formation")
    check = assessments.add_question(
        bank, by=manager, kind=QuestionKind.SINGLE_CHOICE,
        prompt="Qui décide des étapes de votre parcours ?",
        choices=[
            {"text": "Vous, avec votre coach", "is_correct": True,
             "feedback": "Oui : le parcours s'adapte à vous."},
            {"text": "Le logiciel, seul", "is_correct": False,
             "feedback": "Non : votre coach peut tout adapter."},
        ],
    )
    assessments.add_question(
        bank, by=manager, kind=QuestionKind.TRUE_FALSE,
        prompt="Le CPF finance des formations certifiantes.", statement_is_true=True,
        feedback_if_true="Exact.", feedback_if_false="Si : c'est son rôle premier.",
    )
    assessments.add_question(
        bank, by=manager, kind=QuestionKind.NUMERIC,
        prompt="Combien d'heures compte une semaine à temps plein en France (durée légale) ?",
        numeric_answer=Decimal("35"), explanation="La durée légale est de 35 heures.",
    )
    quiz = assessments.create_quiz(organisation, by=manager, title="Vos droits à la formation",
                                   bank=bank, pass_mark_percent=60, max_attempts=3)
    programme = catalog.create_programme(
        organisation, by=manager, title=COACHING_TITLE, language="fr",
        description="Un accompagnement de huit semaines pour faire le point, explorer des "
                    "pistes et repartir avec un plan d'action.",
        objectives="- Identifier vos compétences transférables\n- Choisir une piste "
                   "réaliste\n- Écrire votre plan d'action",
        audience="Personnes en reconversion ou en recherche d'emploi.",
        tags=["Reconversion"], skills=["Orientation", "Communication"],
        allows_self_enrolment=True,
    )
    start = catalog.add_module(programme, by=manager, title="Faire le point")
    catalog.add_step(start, by=manager, kind=StepKind.LESSON, title="Bienvenue dans votre parcours",
                     body="Votre parcours avance à votre rythme. **Chaque étape** se valide "
                          "par une preuve : un temps de lecture, une réponse, un travail.",
                     estimated_minutes=10, min_engaged_seconds=120, check_question=check)
    catalog.add_step(start, by=manager, kind=StepKind.ASSIGNMENT,
                     title="Mon parcours en cinq dates",
                     body="Racontez votre parcours en cinq dates clés et ce que chacune vous "
                          "a appris.", estimated_minutes=45)
    catalog.add_step(start, by=manager, kind=StepKind.CHECKPOINT,
                     title="Entretien de lancement", estimated_minutes=60,
                     body="Votre coach valide cette étape après votre premier entretien.")
    explore = catalog.add_module(programme, by=manager, title="Explorer des pistes")
    catalog.add_step(explore, by=manager, kind=StepKind.LESSON,
                     title="Les métiers qui recrutent près de chez vous",
                     body="Consultez les tendances de l'emploi de votre bassin.",
                     estimated_minutes=30, min_engaged_seconds=300, check_question=check)
    catalog.add_step(explore, by=manager, kind=StepKind.QUIZ, title="Vos droits à la formation",
                     quiz=quiz, estimated_minutes=15)
    catalog.add_step(explore, by=manager, kind=StepKind.EXTERNAL,
                     title="Enquête métier : rencontrer un professionnel",
                     external_url="https://www.francetravail.fr/", estimated_minutes=120,
                     needs_coach_confirmation=True, due_offset_days=35)
    act = catalog.add_module(programme, by=manager, title="Passer à l'action")
    catalog.add_step(act, by=manager, kind=StepKind.ASSIGNMENT, title="Mon plan d'action",
                     body="Trois actions datées pour les trois prochains mois.",
                     estimated_minutes=60, due_offset_days=49)
    catalog.add_step(act, by=manager, kind=StepKind.CHECKPOINT, title="Bilan final",
                     estimated_minutes=60, due_offset_days=56)
    return catalog.publish_programme(programme, by=manager)


def _language_programme(organisation: Organisation, manager: User) -> Programme:
    deck = assessments.create_deck(organisation, by=manager, title="Vocabulaire du bureau",
                                   language="en")
    assessments.add_cards_from_text(deck, by=manager, text=OFFICE_WORDS)
    bank = assessments.create_bank(organisation, by=manager, title="Anglais A2-B1")
    check = assessments.add_question(
        bank, by=manager, kind=QuestionKind.SHORT_ANSWER,
        prompt="Traduisez : « une réunion »", accepted_answers=["a meeting", "meeting"],
        feedback_incorrect="On dit « a meeting ».",
    )
    assessments.add_question(
        bank, by=manager, kind=QuestionKind.SINGLE_CHOICE,
        prompt="« I look forward to ___ you. »",
        choices=[{"text": "meeting", "is_correct": True},
                 {"text": "meet", "is_correct": False,
                  "feedback": "Après « look forward to », on met la forme en -ing."}],
    )
    assessments.add_question(
        bank, by=manager, kind=QuestionKind.ORDERING,
        prompt="Remettez l'appel dans l'ordre.",
        choices=[{"text": "Good morning, this is Léa from Cap Avenir.", "position": 0},
                 {"text": "Could I speak to Mr Smith, please?", "position": 1},
                 {"text": "Thank you, goodbye.", "position": 2}],
    )
    quiz = assessments.create_quiz(organisation, by=manager, title="Au téléphone", bank=bank,
                                   pass_mark_percent=70, shuffle_questions=True)
    programme = catalog.create_programme(
        organisation, by=manager, title=LANGUAGE_TITLE, language="fr",
        description="Anglais des situations de travail, vingt minutes par jour, avec des "
                    "révisions espacées pour retenir le vocabulaire.",
        objectives="- Vous présenter\n- Téléphoner\n- Participer à une réunion",
        audience="Salariés et demandeurs d'emploi de niveau A2.",
        tags=["Langues"], skills=["Anglais"], allows_self_enrolment=True,
    )
    hello = catalog.add_module(programme, by=manager, title="Se présenter")
    catalog.add_step(hello, by=manager, kind=StepKind.LESSON, title="Le vocabulaire du bureau",
                     body="Douze mots à connaître, à réviser chaque jour avec les cartes.",
                     estimated_minutes=20, min_engaged_seconds=180, check_question=check,
                     deck=deck, reviews_required=12)
    catalog.add_step(hello, by=manager, kind=StepKind.ASSIGNMENT, title="Votre présentation",
                     body="Écrivez cinq phrases pour vous présenter en anglais.",
                     estimated_minutes=30)
    phone = catalog.add_module(programme, by=manager, title="Au téléphone")
    catalog.add_step(phone, by=manager, kind=StepKind.LESSON, title="Les formules au téléphone",
                     body="*Could I speak to…*, *I'll put you through*, *Hold on, please*.",
                     estimated_minutes=20, min_engaged_seconds=180, check_question=check)
    catalog.add_step(phone, by=manager, kind=StepKind.QUIZ, title="Quiz : au téléphone",
                     quiz=quiz, estimated_minutes=10)
    meeting = catalog.add_module(programme, by=manager, title="En réunion")
    catalog.add_step(meeting, by=manager, kind=StepKind.EXTERNAL,
                     title="Écouter une vraie réunion en anglais",
                     external_url="https://learnenglish.britishcouncil.org/",
                     estimated_minutes=30)
    catalog.add_step(meeting, by=manager, kind=StepKind.CHECKPOINT,
                     title="Jeu de rôle avec votre formateur", estimated_minutes=45)
    return catalog.publish_programme(programme, by=manager)


def _follow(programme: Programme, learner: User, progress: Progress, *, coach: User,
            by: User) -> None:
    start_on = timezone.localdate() - timedelta(weeks=progress.weeks_ago)
    enrolment = journeys.enrol_learner(programme, learner, by=by, start_on=start_on,
                                       minutes_per_week=progress.minutes_per_week)
    steps = PathStep.objects.filter(enrolment=enrolment).order_by("position")
    steps = list(steps)
    for step in steps[: progress.steps_done]:
        step.refresh_from_db()
        if step.status == PathStepStatus.TODO:
            _do(step, learner, coach)
    waiting = [step for step in steps[progress.steps_done:] if step.kind == StepKind.ASSIGNMENT]
    if progress.awaiting_review and waiting:
        journeys.submit_assignment(
            waiting[0], by=learner,
            text="Premier jet : j'attends vos remarques avant d'aller plus loin.")


def _do(step: PathStep, learner: User, coach: User) -> None:
    """Produce the step's evidence the way the learner and their coach would."""
    if step.kind == StepKind.LESSON:
        journeys.answer_check_question(step, by=learner,
                                       response=_right_answer(step.check_question))
    elif step.kind == StepKind.QUIZ:
        attempt = assessments.start_attempt(step.quiz, by=learner, path_step=step)
        questions = Question.objects.filter(pk__in=attempt.questions)
        assessments.submit_attempt(attempt, by=learner, responses={
            question.pk: _right_answer(question) for question in questions})
    elif step.kind == StepKind.ASSIGNMENT:
        journeys.submit_assignment(step, by=learner, text="Voici mon travail, relu deux fois.")
        submission = Submission.objects.filter(path_step=step).latest("created_at")
        journeys.review_submission(submission, by=coach, accept=True,
                                   feedback="Très clair, merci. On en reparle en entretien.")
    elif step.kind == StepKind.CHECKPOINT:
        journeys.validate_checkpoint(step, by=coach, comment="Entretien mené, objectifs fixés.")
    elif step.kind == StepKind.EXTERNAL:
        journeys.declare_external_done(step, by=learner, note="Fait mardi, notes prises.")
        if step.needs_coach_confirmation:
            journeys.confirm_external(step, by=coach, comment="Compte rendu reçu.")


def _right_answer(question: Question):
    choices = list(Choice.objects.filter(question=question).order_by("position", "id"))
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.TRUE_FALSE):
        return next(choice.pk for choice in choices if choice.is_correct)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return [choice.pk for choice in choices if choice.is_correct]
    if question.kind == QuestionKind.ORDERING:
        return [choice.pk for choice in choices]
    if question.kind == QuestionKind.NUMERIC:
        return str(question.numeric_answer)
    return question.accepted_answers[0]
