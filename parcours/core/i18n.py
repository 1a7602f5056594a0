"""Language and time zone of the person behind a request."""

import zoneinfo

from django.utils import timezone, translation


def activate_preferences(request, user) -> None:
    """Speak the person's language and show times in their zone for this request."""
    translation.activate(user.locale)
    request.LANGUAGE_CODE = user.locale
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
