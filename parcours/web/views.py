from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.accounts import selectors, services
from parcours.core.errors import DomainError
from parcours.core.roles import Permission, roles_allow
from parcours.web.decorators import organisation_page
from parcours.web.forms import InviteForm

# Where a person lands in an organisation: the first page their roles open.
LANDING_PAGES = [
    (Permission.FOLLOW_OWN_PATH, "journeys:dashboard"),
    (Permission.VIEW_CASELOAD, "journeys:caseload"),
    (Permission.MANAGE_CATALOG, "catalog:catalogue"),
    (Permission.VIEW_MEMBERS, "web:members"),
]


@login_required
def home(request):
    organisations = list(selectors.organisations_of(request.user))
    if len(organisations) == 1:
        return redirect("web:organisation_home", organisations[0].slug)
    return render(request, "web/organisations.html", {"organisations": organisations})


@login_required
def organisations(request):
    return render(request, "web/organisations.html",
                  {"organisations": list(selectors.organisations_of(request.user))})


@login_required
def organisation_home(request, org_slug):
    organisation = selectors.organisation_for(request.user, org_slug)
    roles = selectors.roles_in(request.user, organisation)
    for permission, page in LANDING_PAGES:
        if roles_allow(roles, permission):
            return redirect(page, organisation.slug)
    return render(request, "web/no_role.html", {"organisation": organisation})


MEMBERS_PER_PAGE = 50


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@organisation_page(Permission.VIEW_MEMBERS)
def members(request, organisation):
    can_invite = roles_allow(request.roles, Permission.INVITE_MEMBERS)
    form = None
    if can_invite:
        if request.method == "POST":
            form = InviteForm(request.POST)
            if form.is_valid():
                try:
                    invitation = services.invite_member(
                        organisation, by=request.user, **form.cleaned_data
                    )
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("Invitation sent to %(email)s.")
                                     % {"email": invitation.email})
                    return redirect("web:members", organisation.slug)
        else:
            form = InviteForm(initial={"locale": organisation.default_locale})
    page = _page_number(request)
    total, members_shown = selectors.members_page(
        organisation, viewer=request.user, offset=(page - 1) * MEMBERS_PER_PAGE,
        limit=MEMBERS_PER_PAGE,
    )
    page_count = max(1, -(-total // MEMBERS_PER_PAGE))
    return render(request, "web/members.html", {
        "organisation": organisation,
        "members": members_shown,
        "member_total": total,
        "page": page,
        "page_count": page_count,
        "invitations": (
            selectors.pending_invitations_of(organisation, viewer=request.user)
            if can_invite else []
        ),
        "form": form,
        "can_invite": can_invite,
    }, status=400 if form is not None and form.errors else 200)


@require_POST
@organisation_page(Permission.INVITE_MEMBERS)
def revoke_invitation(request, organisation, invitation_id):
    invitation = selectors.invitation_for_manager(request.user, organisation, invitation_id)
    services.revoke_invitation(invitation, by=request.user)
    if request.headers.get("HX-Request"):
        return render(request, "web/_invitation_revoked.html", {"invitation": invitation})
    messages.success(request, _("The invitation to %(email)s is withdrawn.")
                     % {"email": invitation.email})
    return redirect("web:members", organisation.slug)


@organisation_page(Permission.VIEW_ACTIVITY)
def activity(request, organisation):
    since = timezone.now() - timedelta(days=7)
    return render(request, "web/activity.html", {
        "organisation": organisation,
        "since": since,
        "events": selectors.activity_of(organisation, viewer=request.user, since=since),
    })


@require_POST
def set_language(request):
    """Switch the interface language; a signed-in person keeps it for next time."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("This language is not available."))
        return response
    if request.user.is_authenticated:
        services.change_language(request.user, locale=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax", secure=settings.HTTPS,
    )
    return response
