"""The caller's notification settings (`GET/PUT /api/v1/me/notification-preferences`)
and an organisation's sending rules for managers
(`GET/PUT /api/v1/organisations/{slug}/sending-rules`).

Thin over `services.preferences`, which the pages use too.
"""

from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.engagement.models import PREFERENCE_CHANNELS, Category, EngagementSettings
from parcours.engagement.services.preferences import (
    MAX_BACKOFF_AFTER,
    MAX_NUDGES_PER_WEEK,
    InvalidPreference,
    Preferences,
    preferences_of,
    save_preferences,
    sending_rules_of,
    update_sending_rules,
)

router = Router(tags=["notifications"])

CHANNELS = [channel.value for channel in PREFERENCE_CHANNELS]


class QuietHours(Schema):
    start: int | None = Field(ge=0, le=23, description="Local hour quiet time starts (0–23); "
                              "null with `end` null for the defaults.")
    end: int | None = Field(ge=0, le=23, description="Local hour quiet time ends (0–23).")


class QuietHoursOut(QuietHours):
    is_default: bool = Field(description="True while the caller follows the defaults.")


class PreferencesIn(Schema):
    channels: dict[str, dict[str, bool]] = Field(
        description="Category → channel (`in_app`, `email`, `push`) → on or off. Cells "
                    "left out keep their current value.")
    quiet_hours: QuietHours
    digest: Literal["none", "daily", "weekly"] = Field(
        description="Low-priority emails one by one (`none`), or grouped daily or weekly.")

    @field_validator("channels")
    @classmethod
    def known_categories_and_channels(cls, value: dict[str, dict[str, bool]]):
        for category, cells in value.items():
            if category not in Category.values:
                raise ValueError(_("Unknown category “%(category)s”.") % {"category": category})
            for channel in cells:
                if channel not in CHANNELS:
                    raise ValueError(_("Unknown channel “%(channel)s”.") % {"channel": channel})
        return value


class PreferencesOut(Schema):
    channels: dict[str, dict[str, bool]] = Field(
        description="Category → channel → the caller's choice (or the default).")
    effective: dict[str, list[str]] = Field(
        description="Category → the channels its messages really go out on (push only "
                    "once a device subscribed).")
    quiet_hours: QuietHoursOut
    digest: str
    has_push_device: bool


def _out(preferences: Preferences) -> dict:
    return {
        "channels": {row.category: {cell.channel: cell.enabled for cell in row.cells}
                     for row in preferences.rows},
        "effective": {row.category: preferences.accepted_channels(row.category)
                      for row in preferences.rows},
        "quiet_hours": {"start": preferences.quiet_hours_start,
                        "end": preferences.quiet_hours_end,
                        "is_default": preferences.quiet_hours_are_default},
        "digest": preferences.digest,
        "has_push_device": preferences.has_push_device,
    }


@router.get("/me/notification-preferences",
            response={200: PreferencesOut, 401: schemas.Error},
            summary="My notification settings", operation_id="get_notification_preferences")
def get_preferences(request: HttpRequest):
    """What reaches the caller, on which channel, their quiet hours and digest."""
    return _out(preferences_of(request.auth))


@router.put("/me/notification-preferences",
            response={200: PreferencesOut, 401: schemas.Error, 422: schemas.Error},
            summary="Change my notification settings",
            operation_id="put_notification_preferences")
def put_preferences(request: HttpRequest, payload: PreferencesIn):
    """Save the caller's settings at once: all of them or, on a bad value, none."""
    user = request.auth
    choices = {(category, channel): enabled
               for category, cells in payload.channels.items()
               for channel, enabled in cells.items()}
    try:
        saved = save_preferences(user, choices=choices,
                                 quiet_hours=(payload.quiet_hours.start, payload.quiet_hours.end),
                                 digest=payload.digest, by=user)
    except InvalidPreference as refusal:
        raise HttpError(422, str(refusal.message)) from refusal
    return _out(saved)


class SendingRules(Schema):
    default_send_hour: int = Field(ge=0, le=23, description="Local hour nudges go out while "
                                   "a person's most active hour is not known.")
    nudges_per_week: int = Field(ge=0, le=MAX_NUDGES_PER_WEEK,
                                 description="Nudges per person over any seven days.")
    backoff_after: int = Field(ge=1, le=MAX_BACKOFF_AFTER, description="Ignored nudges in a "
                               "row after which the engine stops and tells the coach.")


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _rules_out(rules: EngagementSettings) -> dict:
    return {"default_send_hour": rules.default_send_hour,
            "nudges_per_week": rules.nudges_per_week,
            "backoff_after": rules.backoff_after}


@router.get("/organisations/{slug}/sending-rules",
            response={200: SendingRules, 401: schemas.Error, 403: schemas.Error},
            summary="The organisation's sending rules", operation_id="get_sending_rules")
def get_sending_rules(request: HttpRequest, slug: str):
    """Default sending hour, weekly cap on nudges and back-off (`manage_nudges`)."""
    organisation = _organisation(request, slug)
    return _rules_out(sending_rules_of(organisation, viewer=request.auth))


@router.put("/organisations/{slug}/sending-rules",
            response={200: SendingRules, 401: schemas.Error, 403: schemas.Error,
                      422: schemas.Error},
            summary="Change the organisation's sending rules",
            operation_id="put_sending_rules")
def put_sending_rules(request: HttpRequest, slug: str, payload: SendingRules):
    organisation = _organisation(request, slug)
    rules = update_sending_rules(organisation, by=request.auth, **payload.model_dump())
    return _rules_out(rules)
