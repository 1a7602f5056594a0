import zoneinfo

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Show each signed-in person the site in their own language and time zone.

    Runs after LocaleMiddleware: a signed-in person's saved language wins over the
    browser's, which still decides for visitors (the login page).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.locale)
            request.LANGUAGE_CODE = user.locale
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
