"""Pages of the activities part: the library and its builder, an assignment for the
beneficiary (drafts, autosave, return) and for the coach (comment), an engagement's
activities panel; live activities (the coach's screen polling its results, the joining
page on phones, the results kept on a classroom session).

Each view turns input into types, calls one selector or service, and turns the result or
the `DomainError` into a page or a partial.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.classroom import selectors as classroom_selectors
from parcours.coaching import forms_activities as forms
from parcours.coaching.models import ActivityKind, LiveKind, LiveStatus
from parcours.coaching.selectors import Capacity, engagement_for
from parcours.coaching.selectors import activities as selectors
from parcours.coaching.selectors import live as live_selectors
from parcours.coaching.services import activities as services
from parcours.coaching.services import live as live_services
from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.web.decorators import member_page, organisation_page


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Library and builder -------------------------------------------------------------------


@organisation_page(Permission.COACH_BENEFICIARIES)
def library(request, organisation):
    return render(request, "coaching/activities/library.html", {
        "organisation": organisation,
        "activities": selectors.library_of(request.user, organisation),
    })


def _builder(request, organisation, activity=None):
    status, errors = 200, []
    if request.method == "POST":
        form = forms.ActivityForm(request.POST, activity=activity)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if activity is None:
                    activity = services.create_activity(
                        organisation, by=request.user, kind=data["kind"], title=data["title"],
                        instructions=data["instructions"], definition=form.definition())
                else:
                    services.update_activity(
                        activity, by=request.user, title=data["title"],
                        instructions=data["instructions"], definition=form.definition())
            except services.InvalidActivity as invalid:
                errors, status = invalid.errors, 400
            except DomainError as refused:
                errors, status = [refused.message], refused.status_code
            else:
                messages.success(request, _("The activity is saved."))
                return redirect("coaching:activity", organisation.slug, activity.pk)
        else:
            status = 400
    else:
        form = forms.ActivityForm(activity=activity)
    return render(request, "coaching/activities/builder.html", {
        "organisation": organisation, "form": form, "activity": activity, "errors": errors,
    }, status=status)


@organisation_page(Permission.COACH_BENEFICIARIES)
def activity_new(request, organisation):
    return _builder(request, organisation)


@organisation_page(Permission.COACH_BENEFICIARIES)
def activity_edit(request, organisation, activity_id):
    activity = selectors.activity_for(request.user, organisation, activity_id)
    return _builder(request, organisation, activity)


@organisation_page(Permission.COACH_BENEFICIARIES)
def activity(request, organisation, activity_id):
    """An activity as the beneficiary will see it, and giving it to someone one follows."""
    activity = selectors.activity_for(request.user, organisation, activity_id)
    engagements = selectors.engagements_to_assign(request.user, organisation)
    status, refusal = 200, None
    if request.method == "POST":
        form = forms.AssignForm(request.POST, engagements=engagements)
        if form.is_valid():
            engagement, _capacity = engagement_for(request.user, organisation,
                                                   form.cleaned_data["engagement"])
            try:
                assignment = services.assign_activity(activity, engagement, by=request.user,
                                                      due_on=form.cleaned_data["due_on"])
            except DomainError as refused:
                refusal, status = refused.message, refused.status_code
            else:
                messages.success(request, _("The activity is given to %(name)s.") % {
                    "name": engagement.beneficiary.display_name})
                return redirect("coaching:assignment", organisation.slug, assignment.pk)
        else:
            status = 400
    else:
        form = forms.AssignForm(engagements=engagements)
    return render(request, "coaching/activities/activity.html", {
        "organisation": organisation, "activity": activity, "form": form,
        "refusal": refusal, "preview": forms.answer_widgets(activity, {}),
        "assignments": selectors.assignments_of_activity(activity, viewer=request.user),
    }, status=status)


# --- An assignment -----------------------------------------------------------------------------


def _assignment_page(request, organisation, assignment, capacity, *, answers=None,
                     errors=None, refusal=None, comment_form=None, status=200):
    activity = assignment.activity
    shown = assignment.answers if answers is None else answers
    return render(request, "coaching/activities/assignment.html", {
        "organisation": organisation, "assignment": assignment, "activity": activity,
        "capacity": capacity, "is_beneficiary": capacity == Capacity.BENEFICIARY,
        "editable": capacity == Capacity.BENEFICIARY and not assignment.is_returned,
        "widgets": forms.answer_widgets(activity, shown, errors), "errors": errors or {},
        "refusal": refusal, "kinds": ActivityKind,
        "comment_form": comment_form or forms.CommentForm(
            initial={"comment": assignment.comment}),
    }, status=status)


@member_page
def assignment(request, organisation, assignment_id):
    """The beneficiary fills in and returns the activity; the coach reads and comments."""
    assignment, capacity = selectors.assignment_for(request.user, organisation,
                                                    assignment_id)
    here = reverse("coaching:assignment", args=[organisation.slug, assignment.pk])
    if request.method != "POST":
        return _assignment_page(request, organisation, assignment, capacity)
    action = request.POST.get("action", "save")
    if action == "comment":
        form = forms.CommentForm(request.POST)
        if not form.is_valid():
            return _assignment_page(request, organisation, assignment, capacity,
                                    comment_form=form, status=400)
        try:
            services.comment_assignment(assignment, by=request.user,
                                        comment=form.cleaned_data["comment"])
        except DomainError as refused:
            return _assignment_page(request, organisation, assignment, capacity,
                                    comment_form=form, refusal=refused.message,
                                    status=refused.status_code)
        messages.success(request, _("Your comment is saved; %(name)s can read it.") % {
            "name": assignment.engagement.beneficiary.display_name})
        return redirect(here)
    answers = forms.answers_from_post(assignment.activity, request.POST)
    try:
        if action == "return":
            services.return_assignment(assignment, by=request.user, answers=answers)
            messages.success(request, _("Returned to your coach. Thank you!"))
        else:
            services.save_draft(assignment, by=request.user, answers=answers)
            messages.success(request, _("Your draft is saved."))
    except services.InvalidAnswers as invalid:
        # Back to the page with everything typed, and each question's problem beside it.
        return _assignment_page(request, organisation, assignment, capacity, answers=answers,
                                errors=invalid.errors, refusal=invalid.message, status=400)
    except DomainError as refused:
        return _assignment_page(request, organisation, assignment, capacity, answers=answers,
                                refusal=refused.message, status=refused.status_code)
    return redirect(here)


@require_POST
@member_page
def assignment_autosave(request, organisation, assignment_id):
    """htmx: keep the draft as the beneficiary types; answers a small status line."""
    assignment, _capacity = selectors.assignment_for(request.user, organisation,
                                                     assignment_id)
    answers = forms.answers_from_post(assignment.activity, request.POST)
    saved, problem = None, None
    try:
        saved = services.save_draft(assignment, by=request.user, answers=answers)
    except services.InvalidAnswers as invalid:
        problem = _("Not saved yet: %(why)s") % {"why": " ".join(invalid.errors.values())}
    except DomainError as refused:
        problem = refused.message
    return render(request, "coaching/activities/_autosave_status.html",
                  {"saved": saved, "problem": problem}, status=200)


@member_page
def engagement_activities(request, organisation, engagement_id):
    """The activities of an engagement: the engagement page's panel (htmx) or a page."""
    engagement, capacity, assignments = selectors.engagement_assignments(
        request.user, organisation, engagement_id)
    template = ("coaching/activities/_engagement_activities.html" if _is_htmx(request)
                else "coaching/activities/engagement_activities.html")
    return render(request, template, {
        "organisation": organisation, "engagement": engagement, "capacity": capacity,
        "assignments": assignments, "is_coach": capacity == Capacity.COACH,
    })


# --- Live activities -----------------------------------------------------------------------


@organisation_page(Permission.RUN_LIVE_ACTIVITIES)
def live_activities(request, organisation):
    """The coach's live activities, and preparing a new one (`?session=<id>` attaches it
    to a classroom session)."""
    engagements = selectors.engagements_to_assign(request.user, organisation)
    status, refusal = 200, None
    if request.method == "POST":
        form = forms.LiveActivityForm(request.POST, engagements=engagements)
        if form.is_valid():
            data = form.cleaned_data
            session = engagement = None
            if data.get("session"):
                session = classroom_selectors.session_for(request.user, organisation,
                                                          data["session"])
            if data.get("engagement"):
                engagement, _capacity = engagement_for(request.user, organisation,
                                                       data["engagement"])
            try:
                live = live_services.create_live_activity(
                    organisation, by=request.user, kind=data["kind"],
                    question=data["question"], options=form.option_list(),
                    session=session, engagement=engagement)
            except DomainError as refused:
                refusal, status = refused.message, refused.status_code
            else:
                return redirect("coaching:live_activity", organisation.slug, live.pk)
        else:
            status = 400
    else:
        form = forms.LiveActivityForm(engagements=engagements,
                                      initial={"session": request.GET.get("session", "")})
    session_id = form["session"].value()
    session = None
    if session_id and str(session_id).isdigit():
        try:
            session = classroom_selectors.session_for(request.user, organisation,
                                                      int(session_id))
        except Http404:
            session = None
    return render(request, "coaching/live/list.html", {
        "organisation": organisation, "form": form, "refusal": refusal, "session": session,
        "activities": live_selectors.live_activities_of(request.user, organisation),
    }, status=status)


@organisation_page(Permission.RUN_LIVE_ACTIVITIES)
def live_activity(request, organisation, activity_id):
    """The coach's screen: the code to join, open/close, and results that refresh."""
    live = live_selectors.live_activity_for(request.user, organisation, activity_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "open":
            live_services.open_live_activity(live, by=request.user)
        elif action == "close":
            live_services.close_live_activity(live, by=request.user)
        return redirect("coaching:live_activity", organisation.slug, live.pk)
    join_url = request.build_absolute_uri(reverse("coaching:live_join", args=[live.code]))
    return render(request, "coaching/live/run.html", {
        "organisation": organisation, "live": live, "join_url": join_url,
        "results": live_selectors.live_results(live), "kinds": LiveKind,
        "statuses": LiveStatus,
    })


@organisation_page(Permission.RUN_LIVE_ACTIVITIES)
def live_results(request, organisation, activity_id):
    """htmx, every second: the results alone. Rendered without the layout's context
    processors (menu, organisations): only the activity and its counts are read."""
    live = live_selectors.live_activity_for(request.user, organisation, activity_id,
                                            roles=request.roles)
    results = live_selectors.live_results(live)
    if request.GET.get("v") == results.version:
        return HttpResponse(status=204)  # nothing new: htmx leaves the screen as it is
    return HttpResponse(render_to_string("coaching/live/_results.html", {
        "results": results, "kinds": LiveKind,
    }))


@organisation_page(Permission.RUN_LIVE_ACTIVITIES)
def live_session_results(request, organisation, session_id):
    """The live activities run in a classroom session, kept on its record (the session
    page loads this panel)."""
    return render(request, "coaching/live/_session_results_list.html", {
        "organisation": organisation, "session_id": session_id, "kinds": LiveKind,
        "results_list": live_selectors.session_live_results(request.user, organisation,
                                                            session_id),
    })


@login_required
def live_enter(request):
    """Where a participant types the code they were given."""
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("coaching:live_join", live_services.normalise_code(code))
    return render(request, "coaching/live/enter.html", {})


@login_required
def live_join(request, code):
    """A participant answers from their phone."""
    live = live_selectors.live_activity_to_join(request.user, code)
    status, refusal = 200, None
    form = forms.LiveAnswerForm()
    if request.method == "POST":
        form = forms.LiveAnswerForm(request.POST)
        if form.is_valid():
            try:
                live_services.answer_live_activity(live, by=request.user,
                                                   text=form.cleaned_data["text"])
            except DomainError as refused:
                refusal, status = refused.message, refused.status_code
            else:
                messages.success(request, _("Your answer is in. Thank you!"))
                return redirect("coaching:live_join", live.code)
        else:
            status = 400
    mine = live_selectors.my_live_answers(live, request.user)
    return render(request, "coaching/live/join.html", {
        "live": live, "form": form, "refusal": refusal, "mine": mine, "kinds": LiveKind,
        "is_open": live.status == LiveStatus.OPEN,
        "my_vote": mine[0].text if mine and live.kind == LiveKind.POLL else None,
        "limit": (live_services.WORDS_PER_PARTICIPANT if live.kind == LiveKind.WORD_CLOUD
                  else live_services.NOTES_PER_PARTICIPANT),
    }, status=status)
