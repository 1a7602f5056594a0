"""Programmes, quizzes and questions for the journeys service tests, as plain rows.

The catalogue and the assessments have their own services and tests; journeys only
needs their rows to exist, so these helpers write them directly and stay independent of
how authoring works.
"""

from datetime import date

from django.utils import timezone

from parcours.assessments.models import Choice, Deck, Question, QuestionBank, QuestionKind, Quiz
from parcours.catalog.models import Module, Programme, ProgrammeStatus, Step, StepKind
from parcours.journeys.models import Enrolment, PathStep

MONDAY = date(2026, 9, 7)


def programme_row(organisation, title="Prendre la parole en public", *, published=True,
                  **fields) -> Programme:
    fields.setdefault("status", ProgrammeStatus.PUBLISHED if published else ProgrammeStatus.DRAFT)
    if published:
        fields.setdefault("published_at", timezone.now())
    return Programme.objects.create(organisation=organisation, title=title, **fields)


def module_row(programme, title, position=0) -> Module:
    return Module.objects.create(programme=programme, title=title, position=position)


def step_row(module, kind, title, **fields) -> Step:
    fields.setdefault("position", module.steps.count())
    fields.setdefault("estimated_minutes", 30)
    if kind == StepKind.EXTERNAL:
        fields.setdefault("external_url", "https://example.org/atelier")
    return Step.objects.create(programme=module.programme, module=module, kind=kind,
                               title=title, **fields)


def speaking_programme(organisation, **fields) -> Programme:
    """Five steps in two modules, 3 h 30 in all:

    Se préparer: lesson "Respirer" (30 min, 5 min engaged), lesson "Structurer" (30 min,
    5 min engaged); S'exercer: assignment "Pitch" (60 min), checkpoint "Bilan" (30 min),
    external "Atelier" (60 min).
    """
    programme = programme_row(organisation, **fields)
    prepare = module_row(programme, "Se préparer", 0)
    practise = module_row(programme, "S'exercer", 1)
    step_row(prepare, StepKind.LESSON, "Respirer", min_engaged_seconds=300)
    step_row(prepare, StepKind.LESSON, "Structurer", min_engaged_seconds=300)
    step_row(practise, StepKind.ASSIGNMENT, "Pitch", estimated_minutes=60)
    step_row(practise, StepKind.CHECKPOINT, "Bilan")
    step_row(practise, StepKind.EXTERNAL, "Atelier", estimated_minutes=60)
    return programme


def template_step(programme, title) -> Step:
    return programme.steps.get(title=title)


def path_step(enrolment: Enrolment, title: str) -> PathStep:
    return enrolment.steps.get(title=title)


def titles(enrolment: Enrolment) -> list[str]:
    return list(enrolment.steps.order_by("position", "id").values_list("title", flat=True))


def quiz_row(organisation, *, pass_mark_percent=70, title="Quiz de prise de parole") -> Quiz:
    bank = QuestionBank.objects.create(organisation=organisation, title="Banque")
    return Quiz.objects.create(organisation=organisation, bank=bank, title=title,
                               pass_mark_percent=pass_mark_percent)


def question_row(organisation, prompt="Que faire avant de parler ?") -> Question:
    """A single-choice question: "Respirer" is right, "Courir" is wrong."""
    bank = QuestionBank.objects.create(organisation=organisation, title="Questions de leçon")
    question = Question.objects.create(bank=bank, kind=QuestionKind.SINGLE_CHOICE,
                                       prompt=prompt)
    Choice.objects.create(question=question, text="Respirer", is_correct=True, position=0)
    Choice.objects.create(question=question, text="Courir", is_correct=False, position=1)
    return question


def choice(question, text) -> int:
    return question.choices.get(text=text).pk


def deck_row(organisation, title="Vocabulaire de l'oral") -> Deck:
    return Deck.objects.create(organisation=organisation, title=title)
