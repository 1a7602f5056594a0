from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.selectors import organisations_of, roles_in
from parcours.core.roles import Permission, roles_allow

# (permission needed, label, url name) in the order they appear in the menu.
MENU = [
    (Permission.FOLLOW_OWN_PATH, _("My path"), "journeys:dashboard"),
    (Permission.FOLLOW_OWN_PATH, _("Flashcards"), "assessments:reviews"),
    (Permission.FOLLOW_OWN_PATH, _("My sessions"), "classroom:my_sessions"),
    (Permission.FOLLOW_OWN_PATH, _("My coaching"), "coaching:my_coaching"),
    (Permission.VIEW_CASELOAD, _("My learners"), "journeys:caseload"),
    (Permission.COACH_BENEFICIARIES, _("My beneficiaries"), "coaching:caseload"),
    (Permission.COACH_BENEFICIARIES, _("My appointments"), "coaching:my_appointments"),
    (Permission.COACH_BENEFICIARIES, _("Availability"), "coaching:availability"),
    (Permission.COACH_BENEFICIARIES, _("Activities"), "coaching:activities"),
    (Permission.RUN_LIVE_ACTIVITIES, _("Live activities"), "coaching:live_activities"),
    (Permission.REVIEW_WORK, _("Work to review"), "journeys:reviews"),
    (Permission.SCHEDULE_SESSIONS, _("Sessions"), "classroom:calendar"),
    (Permission.TEACH_SESSIONS, _("Sessions"), "classroom:calendar"),
    (Permission.BROWSE_CATALOG, _("Programmes"), "catalog:catalogue"),
    (Permission.MANAGE_CATALOG, _("Quizzes"), "assessments:quiz_list"),
    (Permission.MANAGE_CATALOG, _("Flashcard decks"), "assessments:deck_list"),
    (Permission.MANAGE_COACHING, _("Engagements"), "coaching:engagements"),
    (Permission.MANAGE_NUDGES, _("Nudges"), "engagement:dashboard"),
    (Permission.VIEW_NUDGES, _("Nudges sent"), "engagement:coach_nudges"),
    (Permission.VIEW_MEMBERS, _("Members"), "web:members"),
    (Permission.VIEW_REPORTS, _("Hours"), "classroom:hours_report"),
    (Permission.VIEW_REPORTS, _("Satisfaction"), "classroom:survey_results"),
    (Permission.VIEW_REPORTS, _("Coaching hours"), "coaching:reports"),
    (Permission.OPERATE_DELIVERY, _("Failed deliveries"), "engagement:dead_letters"),
    (Permission.VIEW_ACTIVITY, _("Activity"), "web:activity"),
]


def navigation(request):
    """The menu a person sees: only the entries their roles in this organisation allow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    organisation = getattr(request, "organisation", None)
    organisations = list(organisations_of(user))
    if organisation is None and len(organisations) == 1:
        organisation = organisations[0]
    items = []
    if organisation is not None:
        roles = getattr(request, "roles", None)
        if roles is None or getattr(request, "organisation", None) is None:
            roles = roles_in(user, organisation)
        items, seen = [], set()
        for permission, label, name in MENU:
            # Two roles may open the same page (trainers and managers: sessions): once.
            if name not in seen and roles_allow(roles, permission):
                seen.add(name)
                items.append({"label": label, "url": reverse(name, args=[organisation.slug])})
    return {
        "nav_organisation": organisation,
        "nav_organisations": organisations,
        "nav_items": items,
    }
