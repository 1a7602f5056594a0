"""REST endpoints of the triggers part of engagement: an organisation's trigger settings.

Managers (`manage_nudges`) list every trigger with its parameters as the organisation
runs it, and switch one on or off or change its parameters, through the same service
as the settings page."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.engagement.services import triggers as services

router = Router(tags=["triggers"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}


class ParamOut(Schema):
    name: str
    label: str
    value: int | list[int]
    default: int | list[int]
    minimum: int
    maximum: int


class TriggerOut(Schema):
    name: str
    label: str
    description: str
    enabled: bool
    time_based: bool = Field(description="Scanned by run_engagement_triggers; otherwise it "
                                         "reacts to learning events.")
    kinds: list[str]
    params: list[ParamOut]


class TriggerIn(Schema):
    enabled: bool | None = None
    params: dict[str, Any] | None = Field(
        default=None, description="Only the parameters to change, e.g. {\"days_before\": 3}.")


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _out(row: services.TriggerRow) -> dict:
    spec = row.trigger
    return {
        "name": spec.name, "label": str(spec.label), "description": str(spec.description),
        "enabled": row.enabled, "time_based": spec.scan is not None, "kinds": list(spec.kinds),
        "params": [{"name": param.name, "label": str(param.label),
                    "value": row.params[param.name], "default": spec.defaults()[param.name],
                    "minimum": param.minimum, "maximum": param.maximum}
                   for param in spec.params],
    }


@router.get("/organisations/{slug}/nudges/triggers",
            response={200: list[TriggerOut], **REFUSALS}, summary="List the triggers")
def list_triggers(request: HttpRequest, slug: str):
    organisation = _organisation(request, slug)
    return [_out(row) for row in services.trigger_overview(organisation, viewer=request.auth)]


@router.patch("/organisations/{slug}/nudges/triggers/{name}",
              response={200: TriggerOut, 400: schemas.Error, **REFUSALS,
                        422: schemas.ValidationFailed},
              summary="Switch a trigger on or off, or change its parameters")
def update_trigger(request: HttpRequest, slug: str, name: str, payload: TriggerIn):
    organisation = _organisation(request, slug)
    services.trigger_row(organisation, name, viewer=request.auth)
    services.configure_trigger(organisation, name, by=request.auth, enabled=payload.enabled,
                               params=payload.params)
    return _out(services.trigger_row(organisation, name, viewer=request.auth))
