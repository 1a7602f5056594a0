"""Pages of the learning paths: the learner's dashboard and steps, the coach's caseload,
learner page, adaptations, reviews and enrolments.

Each view turns input into types, calls one selector or service, and turns the result
or the `DomainError` into a page; the rules live in `journeys.services`.
"""

import base64
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcours.catalog.models import StepKind
from parcours.core.errors import DomainError
from parcours.core.roles import Permission, roles_allow
from parcours.journeys import progress, selectors, services
from parcours.journeys.forms import (
    CaseloadFilterForm,
    CheckAnswerForm,
    CommentForm,
    DeclarationForm,
    DueDateForm,
    EnrolForm,
    EnrolmentFileForm,
    HeartbeatForm,
    InsertStepForm,
    ReasonForm,
    ReorderForm,
    ReviewForm,
    SubmissionForm,
)
from parcours.journeys.models import PathStepStatus
from parcours.web.decorators import organisation_page

# --- The learner ------------------------------------------------------------------------


@organisation_page(Permission.FOLLOW_OWN_PATH)
def dashboard(request, organisation):
    board = selectors.learner_dashboard(request.user, organisation,
                                        today=progress.local_today(request.user))
    return render(request, "journeys/dashboard.html", {
        "organisation": organisation, "board": board,
    })


@organisation_page(Permission.FOLLOW_OWN_PATH)
def step(request, organisation, path_step_id):
    return _step_page(request, organisation, path_step_id)


def _step_page(request, organisation, path_step_id, *, status=200, **forms):
    page = selectors.path_step_page(request.user, organisation, path_step_id,
                                    today=progress.local_today(request.user))
    path_step = page.step
    if not page.done and not page.skipped:
        if path_step.kind == StepKind.LESSON and path_step.check_question_id:
            forms.setdefault("check_form", CheckAnswerForm(path_step.check_question))
        if path_step.kind == StepKind.ASSIGNMENT and not page.waiting_for_review:
            forms.setdefault("submission_form", SubmissionForm())
        if path_step.kind == StepKind.EXTERNAL and not page.declared:
            forms.setdefault("declaration_form", DeclarationForm())
    return render(request, "journeys/step.html", {
        "organisation": organisation,
        "page": page,
        "path_step": path_step,
        "heartbeat_seconds": settings.HEARTBEAT_SECONDS,
        **forms,
    }, status=status)


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def heartbeat(request, organisation, path_step_id):
    """heartbeat.js reports the seconds the step was visible; the service credits them.

    It answers JSON; the no-script "I have read it" form gets the step page back.
    """
    path_step = selectors.own_path_step(request.user, organisation, path_step_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = HeartbeatForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"detail": _("Send the number of seconds, from 0 to 600.")},
                            status=400)
    try:
        path_step = services.record_heartbeat(path_step, by=request.user,
                                              seconds=form.cleaned_data["seconds"])
    except DomainError as error:
        if not wants_json:
            messages.error(request, error.message)
            return _back_to_step(organisation, path_step)
        return JsonResponse({"detail": str(error.message)}, status=error.status_code)
    if not wants_json:
        return _back_to_step(organisation, path_step)
    return JsonResponse({
        "engaged_seconds": path_step.engaged_seconds,
        "required_seconds": path_step.min_engaged_seconds,
        "done": path_step.status == PathStepStatus.DONE,
    })


def _back_to_step(organisation, path_step):
    return redirect("journeys:step", organisation.slug, path_step.pk)


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def check_answer(request, organisation, path_step_id):
    path_step = selectors.own_path_step(request.user, organisation, path_step_id)
    if path_step.check_question is None:
        raise Http404(_("This step has no check question."))
    form = CheckAnswerForm(path_step.check_question, request.POST)
    if not form.is_valid():
        return _step_page(request, organisation, path_step_id, check_form=form, status=400)
    try:
        marking = services.answer_check_question(path_step, by=request.user,
                                                 response=form.response())
    except DomainError as error:
        form.add_error(None, error.message)
        return _step_page(request, organisation, path_step_id, check_form=form,
                          status=error.status_code)
    feedback = getattr(marking, "feedback", "")
    if getattr(marking, "is_correct", False):
        messages.success(request, _("Right answer: this lesson is done.") + _spaced(feedback))
    else:
        messages.warning(request, _("Not quite. Read the lesson again and have another go.")
                         + _spaced(feedback))
    return _back_to_step(organisation, path_step)


def _spaced(text: str) -> str:
    return f" {text}" if text else ""


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def submit(request, organisation, path_step_id):
    path_step = selectors.own_path_step(request.user, organisation, path_step_id)
    form = SubmissionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _step_page(request, organisation, path_step_id, submission_form=form,
                          status=400)
    try:
        services.submit_assignment(path_step, by=request.user,
                                   text=form.cleaned_data["text"],
                                   file=form.cleaned_data["file"])
    except DomainError as error:
        form.add_error(None, error.message)
        return _step_page(request, organisation, path_step_id, submission_form=form,
                          status=error.status_code)
    messages.success(request, _("Your work is sent. Your coach will review it."))
    return _back_to_step(organisation, path_step)


@require_POST
@organisation_page(Permission.FOLLOW_OWN_PATH)
def declare(request, organisation, path_step_id):
    path_step = selectors.own_path_step(request.user, organisation, path_step_id)
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _step_page(request, organisation, path_step_id, declaration_form=form,
                          status=400)
    try:
        services.declare_external_done(path_step, by=request.user,
                                       note=form.cleaned_data["note"])
    except DomainError as error:
        form.add_error(None, error.message)
        return _step_page(request, organisation, path_step_id, declaration_form=form,
                          status=error.status_code)
    path_step.refresh_from_db()
    if path_step.status == PathStepStatus.DONE:
        messages.success(request, _("Well done: this step is done."))
    else:
        messages.success(request, _("Noted. Your coach will confirm it."))
    return _back_to_step(organisation, path_step)


@organisation_page(Permission.BROWSE_CATALOG)
def submission_file(request, organisation, submission_id):
    """A submitted file, for its author and the people who follow learners only."""
    submission = selectors.submission_file(request.user, organisation, submission_id)
    return FileResponse(submission.file.open("rb"), as_attachment=True,
                        filename=submission.file.name.rsplit("/", 1)[-1])


# --- The coach: caseload and learner page -----------------------------------------------

# (sort key or None when the column does not sort, header)
CASELOAD_COLUMNS = [
    ("name", gettext_lazy("Learner")),
    ("programme", gettext_lazy("Programme")),
    ("status", gettext_lazy("Status")),
    ("progress", gettext_lazy("Progress")),
    ("last_activity", gettext_lazy("Last activity")),
    ("days_inactive", gettext_lazy("Days inactive")),
    (None, gettext_lazy("Reviews to do")),
]


@organisation_page(Permission.FOLLOW_LEARNERS)
def caseload(request, organisation):
    form = CaseloadFilterForm(request.GET)
    filters = form.filters()
    page = selectors.caseload(organisation, viewer=request.user,
                              today=progress.local_today(request.user), **filters)
    form.show_programmes(page.programmes)
    kept = {name: filters[key] for name, key in (("search", "search"),
                                                  ("status", "status_filter"),
                                                  ("programme", "programme_filter"))
            if filters[key]}
    return render(request, "journeys/caseload.html", {
        "organisation": organisation,
        "caseload": page,
        "form": form,
        "columns": _sort_columns(page.sort, kept),
        "query": urlencode({**kept, "sort": page.sort}),
        "can_enrol": roles_allow(request.roles, Permission.ENROL_LEARNERS),
    })


def _posted(request):
    """The form data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sort_columns(current: str, kept: dict) -> list[dict]:
    """Each column's header: its sort link (ascending first, then the other way) and
    the aria-sort state screen readers announce."""
    columns = []
    for key, label in CASELOAD_COLUMNS:
        if key is None:
            columns.append({"label": label})
            continue
        if current == key:
            state, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, target = "descending", key
        else:
            state, target = None, key
        columns.append({"label": label, "aria_sort": state,
                        "url": "?" + urlencode({**kept, "sort": target})})
    return columns


@organisation_page(Permission.FOLLOW_LEARNERS)
def learner(request, organisation, user_id):
    record = selectors.learner_record(organisation, viewer=request.user, learner_id=user_id,
                                      today=progress.local_today(request.user),
                                      timeline_page=_int(request.GET.get("page")) or 1)
    can_adapt = roles_allow(request.roles, Permission.ADAPT_PATHS)
    paths = []
    for path in record.paths:
        pk = path.enrolment.pk
        todo = [item.step for item in path.steps if item.step.status == PathStepStatus.TODO]
        paths.append({
            "path": path,
            "insert_form": InsertStepForm(auto_id=f"insert-{pk}-%s",
                                          initial={"position": len(path.steps) + 1}),
            "reorder_form": ReorderForm(todo, auto_id=f"reorder-{pk}-%s") if todo else None,
        } if can_adapt else {"path": path})
    return render(request, "journeys/learner.html", {
        "organisation": organisation,
        "record": record,
        "paths": paths,
        "can_adapt": can_adapt,
        "can_review": roles_allow(request.roles, Permission.REVIEW_WORK),
        "adaptations": [(action, title) for action, (_f, _s, title, _d) in ADAPTATIONS.items()],
    })


def _learner_page(organisation, enrolment, *, anchor: str = ""):
    url = reverse("journeys:learner", args=[organisation.slug, enrolment.learner_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


# The four adaptations of one step: the form, the service, the page title, the message.
ADAPTATIONS = {
    "pull-forward": (ReasonForm, "pull_step_forward", gettext_lazy("Move this step earlier"),
                     gettext_lazy("The step is moved earlier.")),
    "push-back": (ReasonForm, "push_step_back", gettext_lazy("Move this step later"),
                  gettext_lazy("The step is moved later.")),
    "skip": (ReasonForm, "skip_step", gettext_lazy("Skip this step"),
             gettext_lazy("The step is skipped.")),
    "due-date": (DueDateForm, "change_due_date", gettext_lazy("Change the due date"),
                 gettext_lazy("The due date is changed.")),
}


@organisation_page(Permission.ADAPT_PATHS)
def adapt_step(request, organisation, path_step_id, action):
    """One change to one learner's step, with the reason the learner will read.

    The learner page holds these forms inline; this page is where they land when the
    input needs correcting, with what was typed kept.
    """
    if action not in ADAPTATIONS:
        raise Http404(_("No such change."))
    form_class, service_name, title, done = ADAPTATIONS[action]
    path_step = selectors.followed_path_step(request.user, organisation, path_step_id)
    initial = {"due_on": path_step.due_on} if action == "due-date" else None
    form = form_class(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                getattr(services, service_name)(path_step, by=request.user,
                                                **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, done)
                return _learner_page(organisation, path_step.enrolment,
                                     anchor=f"step-{path_step.pk}")
    return render(request, "journeys/adapt_step.html", {
        "organisation": organisation, "path_step": path_step,
        "enrolment": path_step.enrolment, "form": form, "title": title,
    }, status=status)


@organisation_page(Permission.ADAPT_PATHS)
def insert_step(request, organisation, enrolment_id):
    enrolment = selectors.followed_enrolment(request.user, organisation, enrolment_id)
    steps = list(enrolment.steps.all())
    form = InsertStepForm(_posted(request), initial={"position": len(steps) + 1})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.insert_step(enrolment, by=request.user,
                                     reason=form.cleaned_data["reason"],
                                     position=form.cleaned_data["position"],
                                     **form.content())
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("The step is added to the path."))
                return _learner_page(organisation, enrolment,
                                     anchor=f"enrolment-{enrolment.pk}")
    return render(request, "journeys/insert_step.html", {
        "organisation": organisation, "enrolment": enrolment, "steps": steps, "form": form,
    }, status=status)


@organisation_page(Permission.ADAPT_PATHS)
def reorder(request, organisation, enrolment_id):
    enrolment = selectors.followed_enrolment(request.user, organisation, enrolment_id)
    steps = list(enrolment.steps.all())
    form = ReorderForm([step for step in steps if step.status == PathStepStatus.TODO],
                       _posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reorder_path(enrolment, by=request.user,
                                      reason=form.cleaned_data["reason"], order=form.order())
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("The path is in its new order."))
                return _learner_page(organisation, enrolment,
                                     anchor=f"enrolment-{enrolment.pk}")
    return render(request, "journeys/reorder.html", {
        "organisation": organisation, "enrolment": enrolment, "steps": steps, "form": form,
    }, status=status)


@organisation_page(Permission.REVIEW_WORK)
def validate_step(request, organisation, path_step_id):
    """A coach validates a checkpoint, or confirms an external activity the learner did."""
    path_step = selectors.followed_path_step(request.user, organisation, path_step_id)
    if path_step.kind == StepKind.CHECKPOINT:
        service, title = services.validate_checkpoint, _("Validate this checkpoint")
    elif path_step.kind == StepKind.EXTERNAL:
        service, title = services.confirm_external, _("Confirm this external activity")
    else:
        raise Http404(_("This step is not validated by a coach."))
    form = CommentForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                service(path_step, by=request.user, comment=form.cleaned_data["comment"])
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("Done: the step counts for the learner."))
                return _learner_page(organisation, path_step.enrolment,
                                     anchor=f"step-{path_step.pk}")
    return render(request, "journeys/validate_step.html", {
        "organisation": organisation, "path_step": path_step,
        "enrolment": path_step.enrolment, "form": form, "title": title,
    }, status=status)


# --- Reviews ----------------------------------------------------------------------------


@organisation_page(Permission.REVIEW_WORK)
def reviews(request, organisation):
    return _reviews_page(request, organisation)


def _reviews_page(request, organisation, *, bound=None, status=200):
    submissions = selectors.submissions_to_review(organisation, viewer=request.user)
    items = [
        (submission, bound if bound is not None and bound.prefix == f"s{submission.pk}"
         else ReviewForm(prefix=f"s{submission.pk}"))
        for submission in submissions
    ]
    return render(request, "journeys/reviews.html", {
        "organisation": organisation, "items": items,
    }, status=status)


@require_POST
@organisation_page(Permission.REVIEW_WORK)
def review_submission(request, organisation, submission_id):
    submission = selectors.submission_to_review(request.user, organisation, submission_id)
    form = ReviewForm(request.POST, prefix=f"s{submission.pk}")
    if not form.is_valid():
        return _reviews_page(request, organisation, bound=form, status=400)
    try:
        services.review_submission(submission, by=request.user, accept=form.accept,
                                   feedback=form.cleaned_data["feedback"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("journeys:reviews", organisation.slug)
    learner_name = submission.path_step.enrolment.learner.display_name
    if form.accept:
        messages.success(request, _("Accepted: %(name)s's step is done.")
                         % {"name": learner_name})
    else:
        messages.success(request, _("Sent back to %(name)s with your feedback.")
                         % {"name": learner_name})
    return redirect("journeys:reviews", organisation.slug)


# --- Enrolling --------------------------------------------------------------------------


def _session_key(programme) -> str:
    return f"journeys.enrolment_file.{programme.pk}"


@organisation_page(Permission.ENROL_LEARNERS)
def enrol(request, organisation, programme_id):
    programme = selectors.programme_to_enrol_in(request.user, organisation, programme_id)
    search = (request.GET.get("q") or "").strip()[:100]
    form = EnrolForm(selectors.learners_in(organisation), _posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                enrolments = services.enrol_learners(
                    programme, list(form.cleaned_data["learners"]), by=request.user,
                    start_on=form.cleaned_data["start_on"],
                    minutes_per_week=form.minutes_per_week)
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("%(count)d learner(s) enrolled in %(programme)s.")
                                 % {"count": len(enrolments), "programme": programme.title})
                return redirect(reverse("journeys:caseload", args=[organisation.slug])
                                + "?" + urlencode({"programme": programme.pk}))
    return _enrol_page(request, organisation, programme, form=form, search=search,
                       status=status)


def _enrol_page(request, organisation, programme, *, form=None, file_form=None, search="",
                status=200):
    chosen = {str(pk) for pk in (form["learners"].value() or [])} if form is not None else set()
    return render(request, "journeys/enrol.html", {
        "organisation": organisation,
        "programme": programme,
        "form": form or EnrolForm(selectors.learners_in(organisation)),
        "file_form": file_form or EnrolmentFileForm(),
        "choices": selectors.learners_to_enrol(organisation, programme, viewer=request.user,
                                               search=search),
        "chosen": chosen,
        "search": search,
    }, status=status)


@require_POST
@organisation_page(Permission.ENROL_LEARNERS)
def enrol_file(request, organisation, programme_id):
    """Check an uploaded CSV and show its report; the file waits in the session for the
    confirmation, so nobody has to upload it twice (nor loses it silently)."""
    programme = selectors.programme_to_enrol_in(request.user, organisation, programme_id)
    file_form = EnrolmentFileForm(request.POST, request.FILES)
    if not file_form.is_valid():
        return _enrol_page(request, organisation, programme, file_form=file_form, status=400)
    upload = file_form.cleaned_data["file"]
    content = upload.read()
    try:
        report = services.check_enrolment_file(programme, ContentFile(content, upload.name),
                                               by=request.user)
    except DomainError as error:
        file_form.add_error("file", error.message)
        return _enrol_page(request, organisation, programme, file_form=file_form,
                           status=error.status_code)
    request.session[_session_key(programme)] = {
        "name": upload.name, "content": base64.b64encode(content).decode("ascii")}
    return render(request, "journeys/enrol_report.html", {
        "organisation": organisation, "programme": programme, "report": report,
        "file_name": upload.name, "file_form": EnrolmentFileForm(),
    })


@require_POST
@organisation_page(Permission.ENROL_LEARNERS)
def enrol_file_confirm(request, organisation, programme_id):
    programme = selectors.programme_to_enrol_in(request.user, organisation, programme_id)
    kept = request.session.get(_session_key(programme))
    if not kept:
        messages.error(request, _("The checked file is no longer here (the session ended). "
                                  "Upload it again."))
        return redirect("journeys:enrol", organisation.slug, programme.pk)
    upload = ContentFile(base64.b64decode(kept["content"]), kept["name"])
    try:
        report = services.check_enrolment_file(programme, upload, by=request.user)
        enrolments = services.import_enrolments(programme, report, by=request.user,
                                                only_valid_rows=True)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("journeys:enrol", organisation.slug, programme.pk)
    del request.session[_session_key(programme)]
    messages.success(request, _("%(count)d learner(s) enrolled in %(programme)s.")
                     % {"count": len(enrolments), "programme": programme.title})
    return redirect(reverse("journeys:caseload", args=[organisation.slug])
                    + "?" + urlencode({"programme": programme.pk}))
