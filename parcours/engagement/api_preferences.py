"""The caller's notification settings: `GET/PUT /api/v1/me/notification-preferences`.

Thin over `services.preferences`, which the settings page uses too.
"""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator

from parcours.api import schemas
from parcours.engagement.models import PREFERENCE_CHANNELS, Category
from parcours.engagement.services.preferences import (
    InvalidPreference,
    Preferences,
    preferences_of,
    save_preferences,
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
