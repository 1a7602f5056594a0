"""After a quiz, content related by its skills.

The quiz's skills are the skill tags of the programmes that use it. After a low score
(under `revise_below`, default 80 %): up to three steps of the learner's own paths on
those skills to revise (lessons and flashcards, not the quiz itself). After a high score:
a published programme on the same skills the learner is not enrolled in yet."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.catalog.models import Programme, ProgrammeStatus, StepKind, Tag, TagKind
from parcours.core.events import on_event
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    Param,
    Trigger,
    emit,
    params_for,
    register_trigger,
)
from parcours.engagement.triggers.reward_quiz import score_of
from parcours.journeys.models import PathStep

NAME = "suggestion_related"
MAX_STEPS = 3


def quiz_skills(quiz_id, path_step_id) -> list[int]:
    """Skill tags of the programmes using the quiz, and of the path it was taken in."""
    uses = Q(programmes__steps__quiz_id=quiz_id)
    if path_step_id:
        uses |= Q(programmes__enrolments__steps__pk=path_step_id)
    return list(Tag.objects.filter(uses, kind=TagKind.SKILL).values_list("pk", flat=True)
                .distinct())


def steps_to_revise(learner_id, organisation_id, skills, quiz_id) -> list[PathStep]:
    return list(
        PathStep.objects
        .filter(Q(kind=StepKind.LESSON) | Q(deck__isnull=False),
                enrolment__learner_id=learner_id, enrolment__organisation_id=organisation_id,
                enrolment__programme__tags__in=skills)
        .exclude(quiz_id=quiz_id)
        .select_related("enrolment__organisation")
        .order_by("enrolment_id", "position", "pk").distinct()[:MAX_STEPS])


def programme_to_go_further(learner_id, organisation_id, skills) -> Programme | None:
    return (Programme.objects
            .filter(organisation_id=organisation_id, status=ProgrammeStatus.PUBLISHED,
                    tags__in=skills)
            .exclude(enrolments__learner_id=learner_id)
            .select_related("organisation").order_by("title", "pk").distinct().first())


@on_event(Verb.PASSED, Verb.FAILED)
def quiz_submitted(event: LearningEvent) -> None:
    score = score_of(event)
    if score is None or event.actor is None:
        return
    params = params_for(event.organisation_id, NAME)
    if params is None:
        return
    quiz_id = event.context.get("quiz") or event.object_id
    skills = quiz_skills(quiz_id, event.context.get("path_step"))
    if not skills:
        return
    key = f"{NAME}:{event.context.get('attempt') or f'event-{event.pk}'}"
    slug = event.organisation.slug
    if score < params["revise_below"]:
        steps = steps_to_revise(event.actor_id, event.organisation_id, skills, quiz_id)
        if not steps:
            return
        emit(event.actor, NAME, organisation=event.organisation, key=key,
             variables={"revise": True, "quiz_title": event.object_name,
                        "titles": ", ".join(f"“{step.title}”" for step in steps)},
             url=reverse("journeys:step", args=[slug, steps[0].pk]),
             context={"path_steps": [step.pk for step in steps], "skills": skills})
        return
    programme = programme_to_go_further(event.actor_id, event.organisation_id, skills)
    if programme is None:
        return
    emit(event.actor, NAME, organisation=event.organisation, key=key,
         variables={"revise": False, "quiz_title": event.object_name,
                    "titles": f"“{programme.title}”"},
         url=reverse("catalog:programme", args=[slug, programme.pk]),
         context={"programme": programme.pk, "skills": skills,
                  "conversion_verb": "enrolled",
                  "conversion_object": f"catalog.programme:{programme.pk}"})


register_kind(Kind(
    name=NAME, category=Category.SUGGESTIONS, nudge=True, priority=40,
    subject=_("{% if revise %}To revise after “{{ quiz_title }}”{% else %}To go further "
              "after “{{ quiz_title }}”{% endif %}"),
    body=_("{% if revise %}{{ first_name }}, these steps work on the same skills as "
           "“{{ quiz_title }}”: {{ titles }}. A second look helps it stick.{% else %}"
           "Great result, {{ first_name }}! To go further on the same skills: "
           "{{ titles }}.{% endif %}"),
))

register_trigger(Trigger(
    name=NAME, label=_("Related content after a quiz"),
    description=_("After a quiz, learners get steps to revise or a programme to go "
                  "further, on the same skills."),
    kinds=(NAME,),
    params=(Param("revise_below", _("Suggest revising under this score (%)"), 80,
                  minimum=1, maximum=100),),
    samples={NAME: {"first_name": "Léa", "revise": True,
                    "quiz_title": "Quiz de prise de parole",
                    "titles": "“Respirer”, “Structurer”"}},
))
