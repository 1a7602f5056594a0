"""Reads of the catalogue, each with its access check built in.

Everyone with a role browses the published programmes; managers (MANAGE_CATALOG) also
see drafts. A draft is a 404 for the others: they must not learn it exists.
"""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.assessments.models import Deck, Question, Quiz
from parcours.catalog.models import Module, Programme, ProgrammeStatus, Step, Tag
from parcours.core.roles import Permission, roles_allow


def _visible_programmes(user: User, organisation: Organisation) -> QuerySet[Programme]:
    roles = require_permission(user, organisation, Permission.BROWSE_CATALOG)
    programmes = Programme.objects.filter(organisation=organisation)
    if not roles_allow(roles, Permission.MANAGE_CATALOG):
        programmes = programmes.filter(status=ProgrammeStatus.PUBLISHED)
    return programmes


def catalogue_for(user: User, organisation: Organisation, *, tag: Tag | None = None
                  ) -> list[Programme]:
    """The programmes the person may see, by title, with their tags: two queries."""
    programmes = _visible_programmes(user, organisation)
    if tag is not None:
        programmes = programmes.filter(tags=tag)
    return list(programmes.prefetch_related("tags").order_by("title", "pk"))


def programme_for(user: User, organisation: Organisation, programme_id: int) -> Programme:
    """One programme the person may see (drafts only for authors), with its tags."""
    try:
        return (_visible_programmes(user, organisation).prefetch_related("tags")
                .get(pk=programme_id))
    except Programme.DoesNotExist as missing:
        raise Http404(_("No such programme.")) from missing


def programme_to_edit(user: User, organisation: Organisation, programme_id: int) -> Programme:
    """A programme of the organisation, for its authors only (403 for the others)."""
    require_permission(user, organisation, Permission.MANAGE_CATALOG)
    try:
        return (Programme.objects.prefetch_related("tags")
                .get(pk=programme_id, organisation=organisation))
    except Programme.DoesNotExist as missing:
        raise Http404(_("No such programme.")) from missing


def module_to_edit(user: User, programme: Programme, module_id: int) -> Module:
    require_permission(user, programme.organisation, Permission.MANAGE_CATALOG)
    try:
        module = Module.objects.get(pk=module_id, programme=programme)
    except Module.DoesNotExist as missing:
        raise Http404(_("No such module.")) from missing
    module.programme = programme
    return module


def step_to_edit(user: User, programme: Programme, step_id: int) -> Step:
    require_permission(user, programme.organisation, Permission.MANAGE_CATALOG)
    try:
        step = (Step.objects.select_related("module", "quiz", "deck", "check_question")
                .prefetch_related("prerequisites").get(pk=step_id, programme=programme))
    except Step.DoesNotExist as missing:
        raise Http404(_("No such step.")) from missing
    step.programme = step.module.programme = programme
    return step


def step_attachment_for(user: User, organisation: Organisation, programme_id: int,
                        step_id: int) -> Step:
    """A step whose attachment the person may download: one of a programme they see."""
    programme = programme_for(user, organisation, programme_id)
    try:
        return Step.objects.get(pk=step_id, programme=programme)
    except Step.DoesNotExist as missing:
        raise Http404(_("No such step.")) from missing


def programme_outline(programme: Programme) -> list[Module]:
    """The programme's modules in order, each with `.outline` (its steps in order, with
    their prerequisites, quiz and deck): three queries, however many steps."""
    steps = (
        Step.objects.select_related("quiz", "deck")
        .prefetch_related(Prefetch("prerequisites", queryset=Step.objects.only("pk", "title")))
        .order_by("position", "pk")
    )
    modules = list(
        programme.modules.order_by("position", "pk")
        .prefetch_related(Prefetch("steps", queryset=steps, to_attr="outline"))
    )
    for module in modules:
        module.programme = programme
        for step in module.outline:
            step.programme = programme
            step.module = module
    return modules


def tags_of(organisation: Organisation) -> list[Tag]:
    """The organisation's themes and skills, for the catalogue's filter."""
    return list(Tag.objects.filter(organisation=organisation).order_by("kind", "name"))


def tag_of(organisation: Organisation, tag_id: int) -> Tag | None:
    return Tag.objects.filter(organisation=organisation, pk=tag_id).first()


def quiz_choices(organisation: Organisation) -> QuerySet[Quiz]:
    """Quizzes a step of this organisation may ask for."""
    return Quiz.objects.filter(organisation=organisation).order_by("title")


def deck_choices(organisation: Organisation) -> QuerySet[Deck]:
    return Deck.objects.filter(organisation=organisation).order_by("title")


def check_question_choices(organisation: Organisation) -> QuerySet[Question]:
    return (Question.objects.filter(bank__organisation=organisation)
            .select_related("bank").order_by("bank__title", "position", "pk"))


def is_enrolled(user: User, programme: Programme) -> bool:
    """True when the person already follows this programme (they may not enrol again)."""
    return programme.enrolments.filter(learner=user).exists()
