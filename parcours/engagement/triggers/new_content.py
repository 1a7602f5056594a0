"""New content: a programme is published (or published again in a new version).

Told: the learners enrolled in that programme (a new version of what they follow), and
the learners enrolled in another programme of the organisation that shares one of its
themes or skills. Learners who finished everything are told too: new content is what
brings them back. One message per learner and published version.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.catalog.models import Programme, ProgrammeStatus
from parcours.core.events import on_event
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.services.outbox import Planned, notify_many
from parcours.engagement.triggers.base import Trigger, params_for, register_trigger
from parcours.journeys.models import Enrolment

NAME = "new_content"


def interested_learners(event: LearningEvent) -> dict[int, bool]:
    """learner id → whether they are enrolled in the published programme itself."""
    programme_id = event.context.get("programme")
    tag_ids = [*event.context.get("tags", []), *event.context.get("skills", [])]
    related = Q(programme_id=programme_id)
    if tag_ids:
        related |= Q(programme__tags__in=tag_ids)
    rows = (Enrolment.objects.filter(related, organisation_id=event.organisation_id)
            .values_list("learner_id", "programme_id").distinct())
    learners: dict[int, bool] = {}
    for learner_id, enrolled_in in rows:
        learners[learner_id] = learners.get(learner_id, False) or enrolled_in == programme_id
    return learners


def still_published(notification) -> bool:
    return Programme.objects.filter(pk=notification.context.get("programme"),
                                    status=ProgrammeStatus.PUBLISHED).exists()


@on_event(Verb.PUBLISHED)
def programme_published(event: LearningEvent) -> None:
    if params_for(event.organisation_id, NAME) is None:
        return
    programme = (Programme.objects.select_related("organisation")
                 .filter(pk=event.context.get("programme")).first())
    if programme is None:
        return
    learners = interested_learners(event)
    url = reverse("catalog:programme", args=[programme.organisation.slug, programme.pk])
    version = event.context.get("version", programme.version)
    # A programme may concern thousands of learners: one INSERT per batch, not per person.
    notify_many(
        Planned(learner, NAME, programme.organisation,
                key=f"{NAME}:{programme.pk}:v{version}:{learner.pk}",
                variables={"programme_title": programme.title,
                           "enrolled": learners[learner.pk]},
                url=url,
                context={"programme": programme.pk, "conversion_verb": "enrolled",
                         "conversion_object": f"catalog.programme:{programme.pk}"})
        for learner in User.objects.filter(pk__in=learners, is_active=True).order_by("pk"))


register_kind(Kind(
    name=NAME, category=Category.NEW_CONTENT, nudge=True, priority=30,
    subject=_("New: {{ programme_title }}"),
    body=_("Hello {{ first_name }}, {% if enrolled %}“{{ programme_title }}” has new "
           "content.{% else %}“{{ programme_title }}” was just published, on a subject you "
           "are working on.{% endif %}"),
    still_relevant=still_published,
))

register_trigger(Trigger(
    name=NAME, label=_("New content"),
    description=_("Learners hear about programmes published on the themes and skills "
                  "they work on."),
    kinds=(NAME,),
    samples={NAME: {"first_name": "Léa", "programme_title": "Animer une réunion",
                    "enrolled": False}},
))
