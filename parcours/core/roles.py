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
    BROWSE_CATALOG = "browse_catalog", _("Browse the published programmes")
    MANAGE_CATALOG = "manage_catalog", _("Author programmes, quizzes and flashcards")
    ENROL_LEARNERS = "enrol_learners", _("Enrol learners in programmes")
    FOLLOW_LEARNERS = "follow_learners", _("See learners' paths, progress and evidence")
    ADAPT_PATHS = "adapt_paths", _("Adapt a learner's path")
    REVIEW_WORK = "review_work", _("Review submissions and validate steps")
    SCHEDULE_SESSIONS = "schedule_sessions", _("Schedule sessions, rooms and trainers")
    REGISTER_LEARNERS = "register_learners", _("Register learners in sessions")
    TEACH_SESSIONS = "teach_sessions", _("Take attendance in the sessions one trains")
    VIEW_REPORTS = "view_reports", _("See attendance, hours and satisfaction reports")
    MANAGE_NUDGES = "manage_nudges", _(
        "Set up nudges, segments, campaigns and experiments, and see their results")
    VIEW_NUDGES = "view_nudges", _("See who was nudged among the learners one follows")
    OPERATE_DELIVERY = "operate_delivery", _("See and retry notifications that failed")
    COACH_BENEFICIARIES = "coach_beneficiaries", _(
        "Follow beneficiaries: availability, appointments, notes, hours, activities")
    RUN_LIVE_ACTIVITIES = "run_live_activities", _("Run live activities in group sessions")
    MANAGE_COACHING = "manage_coaching", _(
        "Set up engagement types and engagements, and assign coaches")


_FOLLOWING = {
    Permission.VIEW_CASELOAD, Permission.VIEW_MEMBERS, Permission.BROWSE_CATALOG,
    Permission.ENROL_LEARNERS, Permission.FOLLOW_LEARNERS, Permission.ADAPT_PATHS,
    Permission.REVIEW_WORK, Permission.REGISTER_LEARNERS, Permission.TEACH_SESSIONS,
    Permission.VIEW_NUDGES, Permission.RUN_LIVE_ACTIVITIES,
}
_MANAGING = {
    Permission.VIEW_MEMBERS, Permission.INVITE_MEMBERS, Permission.VIEW_ACTIVITY,
    Permission.BROWSE_CATALOG, Permission.MANAGE_CATALOG, Permission.ENROL_LEARNERS,
    Permission.FOLLOW_LEARNERS, Permission.SCHEDULE_SESSIONS, Permission.REGISTER_LEARNERS,
    Permission.VIEW_REPORTS, Permission.MANAGE_NUDGES, Permission.VIEW_NUDGES,
    Permission.MANAGE_COACHING,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEARNER: frozenset({Permission.FOLLOW_OWN_PATH, Permission.BROWSE_CATALOG}),
    # Engagements (accompagnements) are a coach's work; trainers run classes.
    Role.COACH: frozenset(_FOLLOWING | {Permission.COACH_BENEFICIARIES}),
    Role.TRAINER: frozenset(_FOLLOWING),
    Role.MANAGER: frozenset(_MANAGING),
    # Failed deliveries hold people's addresses and provider errors: administrators only.
    Role.ADMIN: frozenset(_MANAGING | {Permission.OPERATE_DELIVERY}),
}


def roles_allow(roles, permission: str) -> bool:
    """True when one of the roles grants the permission."""
    return any(permission in ROLE_PERMISSIONS.get(role, frozenset()) for role in roles)
