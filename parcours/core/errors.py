"""Domain errors: one subclass per rule, carrying a message a person can read.

Interfaces map them to responses: a form error or a message on a page, a 4xx JSON
body in the API. A DomainError never becomes a 500.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the request."""

    status_code = 400
    default_message = _("This request cannot be carried out.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class NotAllowed(DomainError, PermissionDenied):
    """The acting person lacks the role this action needs.

    Also a PermissionDenied, so a page that meets it shows the friendly 403.
    """

    status_code = 403
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    """The action clashes with the current state (already done, already exists)."""

    status_code = 409
