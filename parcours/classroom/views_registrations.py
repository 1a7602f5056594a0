"""Pages of registrations and calendars: a learner's sessions, registering learners,
registering oneself, cancelling, the session's .ics file and the private calendar feed.

Each view turns input into types, calls one selector or service, and turns the result
or the `DomainError` into a page; the rules live in `classroom.services.registrations`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from parcours.accounts.selectors import organisation_for
from parcours.classroom import ical, selectors, services
from parcours.classroom.forms_registrations import RegisterLearnersForm
from parcours.classroom.models import RegistrationStatus, SessionStatus
from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.web.decorators import organisation_page

# --- A learner's own sessions ------------------------------------------------------------


@organisation_page(Permission.FOLLOW_OWN_PATH)
def my_sessions(request, organisation):
    return render(request, "classroom/registrations/my_sessions.html", {
        "organisation": organisation,
        "sessions": selectors.my_sessions(request.user, organisation),
    })


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def register_self(request, organisation, session_id):
    session = selectors.session_for(request.user, organisation, session_id)
    try:
        registration = services.register_self(session, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(request, _("You are registered for “%(title)s”. A confirmation "
                                        "is on its way by email.") % {"title": session.title})
        else:
            messages.success(request, _("“%(title)s” is full: you are on the waiting list. "
                                        "If a place frees up, it is yours and you will get "
                                        "an email.") % {"title": session.title})
    return _back(request, organisation)


@require_http_methods(["GET", "POST"])
@login_required
def cancel_registration(request, org_slug, registration_id):
    """Ask to confirm, then cancel a place: the learner's own, or anyone's for people
    who register learners (a 404 for anyone else)."""
    organisation = organisation_for(request.user, org_slug)
    registration = selectors.registration_for(request.user, organisation, registration_id)
    refusal = services.cancellation_refusal(registration, by=request.user)
    if request.method == "POST":
        try:
            services.cancel_registration(registration, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if registration.learner_id == request.user.pk:
                messages.success(request, _("Your registration for “%(title)s” is cancelled.")
                                 % {"title": registration.session.title})
            else:
                messages.success(request, _("%(name)s's registration is cancelled.")
                                 % {"name": registration.learner})
        return _back(request, organisation)
    return render(request, "classroom/registrations/cancel.html", {
        "organisation": organisation,
        "registration": registration,
        "session": registration.session,
        "refusal": refusal,
        "own": registration.learner_id == request.user.pk,
        "next": _next(request),
    }, status=200 if refusal is None else refusal.status_code)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return ""


def _back(request, organisation):
    return redirect(_next(request) or reverse("classroom:my_sessions", args=[organisation.slug]))


@require_safe
@login_required
def session_ics(request, org_slug, session_id):
    """The session as a calendar file, to add it by hand ("add to my calendar")."""
    organisation = organisation_for(request.user, org_slug)
    session = selectors.session_for(request.user, organisation, session_id)
    if session.starts_at is None:
        raise Http404(_("This session has no dates yet."))
    method = ical.CANCEL if session.status == SessionStatus.CANCELLED else ical.PUBLISH
    response = HttpResponse(ical.session_event(session, method=method, for_user=request.user),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    patch_cache_control(response, private=True, no_cache=True)
    return response


# --- Registering learners ----------------------------------------------------------------


@organisation_page(Permission.REGISTER_LEARNERS)
def registrations(request, organisation, session_id):
    """A session's registrations and waiting list, and the form to register learners:
    ticked in the list, the programme's whole group, or pasted addresses."""
    session = selectors.session_to_register_in(request.user, organisation, session_id)
    search = (request.GET.get("q") or "").strip()[:100]
    form = RegisterLearnersForm(session, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            learners = _chosen_learners(request, session, form)
            if not form.errors:
                try:
                    created = services.register_learners(
                        session, learners, by=request.user, funder=form.cleaned_data["funder"])
                except DomainError as error:
                    form.add_error(None, error.message)
                    status = error.status_code
                else:
                    _report(request, learners, created)
                    return redirect("classroom:registrations", organisation.slug, session.pk)
    chosen = {str(pk) for pk in (form["learners"].value() or [])}
    return render(request, "classroom/registrations/registrations.html", {
        "organisation": organisation,
        "session": session,
        "registrations": selectors.registrations_of(session, viewer=request.user),
        "choices": selectors.learners_to_register(session, viewer=request.user, search=search),
        "form": form,
        "chosen": chosen,
        "search": search,
    }, status=status)


def _chosen_learners(request, session, form) -> list:
    learners = list(form.cleaned_data["learners"])
    if form.cleaned_data.get("whole_programme"):
        learners += selectors.learners_enrolled_in_programme(session, viewer=request.user)
    emails = form.cleaned_data["emails"]
    if emails:
        found, unknown = selectors.learners_with_emails(session.organisation, emails,
                                                        viewer=request.user)
        if unknown:
            form.add_error("emails", _("No learner of this organisation has these addresses: "
                                       "%(emails)s.") % {"emails": ", ".join(unknown)})
        learners += found
    return learners


def _report(request, learners, created) -> None:
    seats = sum(1 for r in created if r.status == RegistrationStatus.REGISTERED)
    waiting = len(created) - seats
    messages.success(request, _("Registered: %(seats)d. On the waiting list: %(waiting)d. "
                                "Each learner gets an email.")
                     % {"seats": seats, "waiting": waiting})
    new = {r.learner_id for r in created}
    skipped = sorted({str(learner) for learner in learners if learner.pk not in new})
    if skipped:
        messages.info(request, _("Already registered or waiting, left as they were: "
                                 "%(names)s.") % {"names": ", ".join(skipped)})


# --- The private calendar feed ------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The person's calendar address, and how to subscribe to it.

    A new address is shown in the answer to the POST itself, never stored nor put in a
    URL: reloading or coming back later cannot show it again.
    """
    raw_token = None
    if request.method == "POST":
        try:
            _feed, raw_token = services.create_calendar_feed(request.user, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
    addresses = None
    if raw_token:
        https = request.build_absolute_uri(reverse("classroom:feed_ics", args=[raw_token]))
        addresses = {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}
    return render(request, "classroom/registrations/calendar_feed.html", {
        "feed": selectors.calendar_feed_of(request.user),
        "addresses": addresses,
    })


@require_POST
@login_required
def revoke_calendar_feed(request: HttpRequest) -> HttpResponse:
    try:
        services.revoke_calendar_feed(request.user, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your calendar address is revoked: calendars subscribed "
                                    "to it no longer update."))
    return redirect("classroom:calendar_feed")


@require_safe
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendars subscribe to. No sign-in: the secret token is the key. An
    unknown and a revoked token get the same 404, so that nothing can be learned by
    trying addresses."""
    owner = selectors.feed_owner(token)
    if owner is None:
        # Plain text that does not repeat the address: calendar applications read it.
        return HttpResponseNotFound(_("No such calendar."),
                                    content_type="text/plain; charset=utf-8")
    response = HttpResponse(ical.feed_calendar(owner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="parcours.ics"'
    response["X-Robots-Tag"] = "noindex"
    # Personal data: never kept by a shared cache.
    patch_cache_control(response, private=True, max_age=300)
    return response
