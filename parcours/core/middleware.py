from django.utils import timezone

from parcours.core.i18n import activate_preferences


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
            activate_preferences(request, user)
        else:
            timezone.deactivate()
        return self.get_response(request)
