"""Roles a person can hold in an organisation, and what each role may do.

Deny by default: a permission that is not listed for a role is refused.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    COACH = "coach", _("Coach")
    TRAINER = "trainer", _("Trainer")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class Permission(models.TextChoices):
    FOLLOW_OWN_PATH = "follow_own_path", _("Follow one's own learning path")
    VIEW_CASELOAD = "view_caseload", _("See the learners one follows")
    VIEW_MEMBERS = "view_members", _("See the organisation's members")
    INVITE_MEMBERS = "invite_members", _("Invite people into the organisation")
    VIEW_ACTIVITY = "view_activity", _("See the organisation's learning events")


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEARNER: frozenset({Permission.FOLLOW_OWN_PATH}),
    Role.COACH: frozenset({Permission.VIEW_CASELOAD, Permission.VIEW_MEMBERS}),
    Role.TRAINER: frozenset({Permission.VIEW_CASELOAD, Permission.VIEW_MEMBERS}),
    Role.MANAGER: frozenset(
        {Permission.VIEW_MEMBERS, Permission.INVITE_MEMBERS, Permission.VIEW_ACTIVITY}
    ),
    Role.ADMIN: frozenset(
        {Permission.VIEW_MEMBERS, Permission.INVITE_MEMBERS, Permission.VIEW_ACTIVITY}
    ),
}


def roles_allow(roles, permission: str) -> bool:
    """True when one of the roles grants the permission."""
    return any(permission in ROLE_PERMISSIONS.get(role, frozenset()) for role in roles)
