"""REST endpoints of the catalog app, mounted under /api/v1/ by parcours.api.api.

The same selectors and services as the pages: everyone with a role reads the published
programmes, managers also drafts, and only managers write (403 for the others).
"""

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api.errors import OutsideOrganisation
from parcours.api.schemas import Error, ValidationFailed
from parcours.catalog import schemas as out
from parcours.catalog import selectors, services
from parcours.catalog.models import Programme, TagKind

router = Router(tags=["programmes"])

REFUSALS = {401: Error, 403: Error}
WRITE_ERRORS = {400: Error, **REFUSALS, 404: Error, 409: Error, 422: ValidationFailed}


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _summary(programme: Programme) -> dict:
    tags = list(programme.tags.all())
    return {
        "id": programme.pk,
        "title": programme.title,
        "status": programme.status,
        "language": programme.language,
        "estimated_minutes": programme.estimated_minutes,
        "allows_self_enrolment": programme.allows_self_enrolment,
        "version": programme.version,
        "has_unpublished_changes": programme.has_unpublished_changes,
        "published_at": programme.published_at,
        "tags": [t.name for t in tags if t.kind == TagKind.THEME],
        "skills": [t.name for t in tags if t.kind == TagKind.SKILL],
    }


def _programme(programme: Programme) -> dict:
    return {
        **_summary(programme),
        "description": programme.description,
        "objectives": programme.objectives,
        "audience": programme.audience,
        "modules": [
            {
                "id": module.pk,
                "title": module.title,
                "position": module.position,
                "steps": [
                    {
                        "id": step.pk, "kind": step.kind, "title": step.title,
                        "position": step.position, "body": step.body,
                        "video_url": step.video_url, "external_url": step.external_url,
                        "attachment": step.attachment.name.rsplit("/", 1)[-1] or None,
                        "estimated_minutes": step.estimated_minutes,
                        "required": step.required, "due_offset_days": step.due_offset_days,
                        "prerequisites": [p.pk for p in step.prerequisites.all()],
                        "min_engaged_seconds": step.min_engaged_seconds,
                        "quiz": step.quiz_id, "deck": step.deck_id,
                        "reviews_required": step.reviews_required,
                        "needs_coach_confirmation": step.needs_coach_confirmation,
                    }
                    for step in module.outline
                ],
            }
            for module in selectors.programme_outline(programme)
        ],
    }


@router.get(
    "/organisations/{slug}/programmes", response={200: list[out.ProgrammeSummary], **REFUSALS},
    summary="List programmes", operation_id="list_programmes",
)
def list_programmes(request: HttpRequest, slug: str, filters: Query[out.ProgrammeListQuery]):
    """The catalogue, by title: the published programmes, and drafts for managers.
    `tag` keeps those with one theme or skill."""
    organisation = _organisation(request, slug)
    tag = None
    if filters.tag is not None:
        tag = selectors.tag_of(organisation, filters.tag)
        if tag is None:
            return []
    return [_summary(p) for p in selectors.catalogue_for(request.auth, organisation, tag=tag)]


@router.get(
    "/organisations/{slug}/programmes/{programme_id}",
    response={200: out.Programme, **REFUSALS, 404: Error},
    summary="Get a programme with its modules and steps", operation_id="get_programme",
)
def get_programme(request: HttpRequest, slug: str, programme_id: int):
    """One programme, its modules in order and their steps. A draft is `404` for anyone
    but managers."""
    programme = selectors.programme_for(request.auth, _organisation(request, slug),
                                        programme_id)
    return _programme(programme)


@router.post(
    "/organisations/{slug}/programmes", response={201: out.Programme, **WRITE_ERRORS},
    summary="Create a programme", operation_id="create_programme",
)
def create_programme(request: HttpRequest, slug: str, payload: out.ProgrammeRequest):
    """A new draft, without modules yet (add them in the web pages). Managers and
    administrators only."""
    organisation = _organisation(request, slug)
    values = payload.model_dump()
    values["language"] = values["language"] or organisation.default_locale
    programme = services.create_programme(organisation, by=request.auth, **values)
    return Status(201, _programme(
        selectors.programme_to_edit(request.auth, organisation, programme.pk)))


@router.patch(
    "/organisations/{slug}/programmes/{programme_id}",
    response={200: out.Programme, **WRITE_ERRORS},
    summary="Change a programme", operation_id="update_programme",
)
def update_programme(request: HttpRequest, slug: str, programme_id: int,
                     payload: out.ProgrammeChanges):
    """Change the fields sent, and only those. Changing a published programme flags it
    `has_unpublished_changes` until it is published again. Managers only."""
    organisation = _organisation(request, slug)
    programme = selectors.programme_to_edit(request.auth, organisation, programme_id)
    services.update_programme(programme, by=request.auth,
                              **payload.model_dump(exclude_unset=True))
    return _programme(selectors.programme_to_edit(request.auth, organisation, programme_id))


@router.post(
    "/organisations/{slug}/programmes/{programme_id}/publish",
    response={200: out.Programme, **WRITE_ERRORS},
    summary="Publish a programme", operation_id="publish_programme",
)
def publish_programme(request: HttpRequest, slug: str, programme_id: int):
    """Open a draft to enrolment, or publish the changes made since (the version goes
    up). `400` without any step, `409` when nothing changed since the last publication.
    Managers only."""
    organisation = _organisation(request, slug)
    programme = selectors.programme_to_edit(request.auth, organisation, programme_id)
    services.publish_programme(programme, by=request.auth)
    return _programme(selectors.programme_to_edit(request.auth, organisation, programme_id))
