"""The public REST API, version 1: `/api/v1/`, described at `/api/v1/openapi.json`.

Endpoints are interfaces: they turn JSON into arguments, call one accounts selector or
service, and turn the result or the domain error into JSON. No rule lives here.
"""

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Router, Status

from parcours.accounts.models import Invitation as InvitationRow
from parcours.accounts.models import Organisation as OrganisationRow
from parcours.accounts.selectors import (
    members_page,
    organisation_for,
    organisations_with_roles,
    pending_invitations_of,
    roles_in,
)
from parcours.accounts.services import invite_member
from parcours.api import schemas
from parcours.api.auth import AccessTokenAuth
from parcours.api.errors import OutsideOrganisation, install_error_handlers
from parcours.assessments.api import router as assessments_router
from parcours.catalog.api import router as catalog_router
from parcours.classroom.api import router as classroom_router
from parcours.coaching.api import router as coaching_router
from parcours.engagement.api import router as engagement_router
from parcours.journeys.api import router as journeys_router

DESCRIPTION = """
The Parcours REST API: the people and organisations a caller can see, and inviting
members.

**Authentication.** Every endpoint needs a personal access token, created on the
*Access tokens* page of your account, sent as `Authorization: Bearer pcs_…`. A call acts
as the token's owner, with their roles; it answers in their language. Session cookies
are not accepted. A missing, mistyped, revoked or expired token gets `401`.

**Organisations.** A caller only sees the organisations they belong to. Any other short
name in a URL gets `403`, whether that organisation exists or not, so that the API does
not reveal which organisations exist.

**Errors** are JSON: `{"detail": "why"}`, in the caller's language. Invalid input gets
`422` with one entry per field in `errors`.
"""

REFUSALS = {401: schemas.Error, 403: schemas.Error}

api = NinjaAPI(
    title="Parcours API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    auth=AccessTokenAuth(),
)
install_error_handlers(api)


def _organisation(request: HttpRequest, slug: str) -> OrganisationRow:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _organisation_out(organisation: OrganisationRow, roles) -> dict:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "default_locale": organisation.default_locale,
        "time_zone": organisation.time_zone,
        "roles": sorted(roles),
    }


def _my_organisations(user) -> list[dict]:
    return [_organisation_out(o, roles) for o, roles in organisations_with_roles(user)]


def _invitation_status(invitation: InvitationRow) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.accepted_at is not None:
        return "accepted"
    return "expired" if invitation.is_expired() else "pending"


def _invitation_out(invitation: InvitationRow) -> dict:
    return {
        "id": invitation.pk,
        "email": invitation.email,
        "roles": invitation.roles,
        "locale": invitation.locale,
        "status": _invitation_status(invitation),
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
    }


me = Router(tags=["me"])


@me.get("/me", response={200: schemas.Me, 401: schemas.Error}, summary="Who am I",
        operation_id="get_me")
def get_me(request: HttpRequest):
    """The token's owner: profile, and each organisation they belong to with their roles."""
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "locale": user.locale,
        "time_zone": user.time_zone,
        "organisations": _my_organisations(user),
    }


organisations = Router(tags=["organisations"])


@organisations.get("/organisations", response={200: list[schemas.Organisation], 401: schemas.Error},
                   summary="List my organisations", operation_id="list_organisations")
def list_organisations(request: HttpRequest):
    """The organisations the caller belongs to, by name, with the caller's roles in each."""
    return _my_organisations(request.auth)


@organisations.get("/organisations/{slug}", response={200: schemas.Organisation, **REFUSALS},
                   summary="Get one organisation", operation_id="get_organisation")
def get_organisation(request: HttpRequest, slug: str):
    """One organisation the caller belongs to. `403` for any other short name."""
    organisation = _organisation(request, slug)
    return _organisation_out(organisation, roles_in(request.auth, organisation))


@organisations.get(
    "/organisations/{slug}/members", response={200: schemas.MemberPage, **REFUSALS},
    summary="List members", operation_id="list_members",
)
def list_members(request: HttpRequest, slug: str, page: Query[schemas.MemberPageQuery]):
    """The organisation's members, by name, with their roles and last activity.

    Needs a role that may see members (coach, trainer, manager, administrator); learners
    get `403`. Paginated with `limit` and `offset`; `count` is the total.
    """
    organisation = _organisation(request, slug)
    total, members = members_page(organisation, viewer=request.auth, offset=page.offset,
                                  limit=page.limit)
    return {
        "count": total,
        "limit": page.limit,
        "offset": page.offset,
        "items": [
            {
                "id": membership.user.pk,
                "email": membership.user.email,
                "display_name": membership.user.display_name,
                "roles": [role.role for role in membership.roles.all()],
                "last_activity": membership.last_activity,
            }
            for membership in members
        ],
    }


@organisations.get(
    "/organisations/{slug}/invitations",
    response={200: list[schemas.Invitation], **REFUSALS},
    summary="List pending invitations", operation_id="list_invitations",
)
def list_invitations(request: HttpRequest, slug: str):
    """Invitations not yet accepted nor revoked, newest first (expired ones included,
    with status `expired`). Managers and administrators only."""
    invitations = pending_invitations_of(_organisation(request, slug), viewer=request.auth)
    return [_invitation_out(invitation) for invitation in invitations]


@organisations.post(
    "/organisations/{slug}/invitations",
    response={201: schemas.Invitation, 400: schemas.Error, **REFUSALS, 409: schemas.Error,
              422: schemas.ValidationFailed},
    summary="Invite someone", operation_id="invite_member",
)
def create_invitation(request: HttpRequest, slug: str, payload: schemas.InvitationRequest):
    """Invite a person by email with one or more roles; they get an email with a link.

    A newer invitation replaces a pending one for the same address. Managers and
    administrators only. `400` for an unknown role or a body that is not JSON, `409` if
    the person already holds these roles, `422` for missing or invalid fields.
    """
    invitation = invite_member(
        _organisation(request, slug), by=request.auth, email=payload.email,
        roles=payload.roles, locale=payload.locale,
    )
    return Status(201, _invitation_out(invitation))


api.add_router("", me)
api.add_router("", organisations)
api.add_router("", catalog_router)
api.add_router("", assessments_router)
api.add_router("", journeys_router)
api.add_router("", classroom_router)
api.add_router("", coaching_router)
api.add_router("", engagement_router)
