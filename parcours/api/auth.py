"""Who is calling: a personal access token in the Authorization header, nothing else.

Session cookies are deliberately not accepted. A browser signed in to Parcours cannot
be made to call the API by another site, so the API needs no CSRF protection.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

from parcours.accounts.models import User
from parcours.api.selectors import user_for_token
from parcours.core.i18n import activate_preferences


class AccessTokenAuth(HttpBearer):
    """`Authorization: Bearer pcs_…` with a personal access token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is None:
            return None
        # UserPreferencesMiddleware only knows session users; a token user gets the
        # same treatment here: messages in their language, times in their zone.
        activate_preferences(request, user)
        return user
