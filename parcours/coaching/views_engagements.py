"""Pages of the engagements part of coaching: engagement types, the managers' list, the
engagement page (coach, manager or beneficiary), closing an appointment, notes, action
items, and a person's own coaching.

Each view turns input into types, calls one selector or service, and turns the result or
the `DomainError` into a page; what a form typed is shown back with the error.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from parcours.coaching import hours
from parcours.coaching.forms_engagements import (
    ActionItemForm,
    ActionRows,
    AssignCoachForm,
    CloseAppointmentForm,
    CommentForm,
    EngagementForm,
    EngagementTypeEditForm,
    EngagementTypeForm,
    NoteForm,
    PathStepForm,
    PhaseTemplateForm,
)
from parcours.coaching.models import EngagementStatus, NoteVisibility
from parcours.coaching.selectors import Capacity, engagement_for
from parcours.coaching.selectors import engagements as selectors
from parcours.coaching.selectors.notes import note_for, note_template_for, notes_page
from parcours.coaching.services import actions as action_services
from parcours.coaching.services import appointments as appointment_services
from parcours.coaching.services import engagements as services
from parcours.coaching.services import notes as note_services
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.roles import Permission, roles_allow
from parcours.journeys.selectors import enrolments_page_for
from parcours.web.decorators import member_page, organisation_page

RULES = ["notice_hours", "min_minutes", "max_minutes", "default_minutes", "buffer_minutes"]


def _engagement_url(organisation, engagement_id: int, anchor: str = "") -> str:
    url = reverse("coaching:engagement", args=[organisation.slug, engagement_id])
    return f"{url}#{anchor}" if anchor else url


def _refused(form, error: DomainError) -> int:
    form.add_error(None, error.message)
    return error.status_code


def _require_coach(capacity: Capacity) -> None:
    if capacity != Capacity.COACH:
        raise NotAllowed(_("Only the engagement's coaches can do this."))


# --- Engagement types ----------------------------------------------------------------------


@require_safe
@organisation_page(Permission.MANAGE_COACHING)
def types(request, organisation):
    return render(request, "coaching/engagements/types.html", {
        "organisation": organisation,
        "types": selectors.engagement_types(organisation, viewer=request.user),
    })


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.MANAGE_COACHING)
def type_new(request, organisation):
    form = EngagementTypeForm(request.POST or None, initial={
        "notice_hours": 24, "min_minutes": 30, "max_minutes": 180, "default_minutes": 60,
        "buffer_minutes": 15, "contracted_minutes": 0})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                kind = services.create_engagement_type(organisation, by=request.user,
                                                       **form.cleaned_data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The engagement type is created: add its phases."))
                return redirect("coaching:type", organisation.slug, kind.pk)
    return render(request, "coaching/engagements/type_new.html", {
        "organisation": organisation, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.MANAGE_COACHING)
def type_detail(request, organisation, type_id):
    """The type's settings, and its phases (edit, reorder, remove, add)."""
    kind = selectors.engagement_type_for(request.user, organisation, type_id)
    fields = ["name", "kind", "description", "contracted_minutes", "default_actions",
              "documents_to_produce", "archived", *RULES]
    form = EngagementTypeEditForm(request.POST or None,
                                  initial={name: getattr(kind, name) for name in fields})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_engagement_type(kind, by=request.user, **form.cleaned_data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The engagement type is saved."))
                return redirect("coaching:type", organisation.slug, kind.pk)
    return _type_page(request, organisation, kind, form=form, status=status)


def _type_page(request, organisation, kind, *, form=None, phase_forms=None, new_phase=None,
               status=200):
    phase_forms = phase_forms or {}
    phases = [(phase, phase_forms.get(phase.pk) or PhaseTemplateForm(
        prefix=f"phase-{phase.pk}", initial={
            "name": phase.name, "planned_minutes": phase.planned_minutes,
            "note_template": getattr(_note_template(phase), "body", "")}))
        for phase in kind.phases.all()]
    return render(request, "coaching/engagements/type_detail.html", {
        "organisation": organisation,
        "type": kind,
        "form": form or EngagementTypeEditForm(initial={
            name: getattr(kind, name) for name in [
                "name", "kind", "description", "contracted_minutes", "default_actions",
                "documents_to_produce", "archived", *RULES]}),
        "phases": phases,
        "planned_total": hours.format_minutes(sum(p.planned_minutes for p, _ in phases)),
        "new_phase": new_phase or PhaseTemplateForm(prefix="new"),
    }, status=status)


def _note_template(phase):
    try:
        return phase.note_template
    except phase.__class__.note_template.RelatedObjectDoesNotExist:
        return None


@require_POST
@organisation_page(Permission.MANAGE_COACHING)
def type_phase_add(request, organisation, type_id):
    kind = selectors.engagement_type_for(request.user, organisation, type_id)
    form = PhaseTemplateForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.add_phase_template(kind, by=request.user, **form.cleaned_data)
        except DomainError as error:
            return _type_page(request, organisation, kind, new_phase=form,
                              status=_refused(form, error))
        messages.success(request, _("The phase is added."))
        return redirect(reverse("coaching:type", args=[organisation.slug, kind.pk]) + "#phases")
    return _type_page(request, organisation, kind, new_phase=form, status=400)


@require_POST
@organisation_page(Permission.MANAGE_COACHING)
def type_phase_edit(request, organisation, type_id, phase_id):
    phase = selectors.phase_template_for(request.user, organisation, type_id, phase_id)
    form = PhaseTemplateForm(request.POST, prefix=f"phase-{phase.pk}")
    if form.is_valid():
        try:
            services.update_phase_template(phase, by=request.user, **form.cleaned_data)
        except DomainError as error:
            status = _refused(form, error)
        else:
            messages.success(request, _("The phase is saved."))
            return redirect(reverse("coaching:type", args=[organisation.slug, type_id])
                            + "#phases")
    else:
        status = 400
    kind = selectors.engagement_type_for(request.user, organisation, type_id)
    return _type_page(request, organisation, kind, phase_forms={phase.pk: form},
                      status=status)


@require_POST
@organisation_page(Permission.MANAGE_COACHING)
def type_phase_move(request, organisation, type_id, phase_id):
    phase = selectors.phase_template_for(request.user, organisation, type_id, phase_id)
    try:
        services.move_phase_template(phase, by=request.user,
                                     up=request.POST.get("direction") == "up")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(reverse("coaching:type", args=[organisation.slug, type_id]) + "#phases")


@require_POST
@organisation_page(Permission.MANAGE_COACHING)
def type_phase_remove(request, organisation, type_id, phase_id):
    phase = selectors.phase_template_for(request.user, organisation, type_id, phase_id)
    try:
        services.remove_phase_template(phase, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The phase “%(name)s” is removed.") % {"name": phase.name})
    return redirect(reverse("coaching:type", args=[organisation.slug, type_id]) + "#phases")


# --- Engagements ---------------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_safe
@organisation_page(Permission.MANAGE_COACHING)
def engagements(request, organisation):
    """The managers' list, filtered by status, coach and type."""
    status = request.GET.get("status", EngagementStatus.ACTIVE)
    coach_id, type_id = _int(request.GET.get("coach")), _int(request.GET.get("type"))
    listing = selectors.engagements_list(organisation, viewer=request.user, status=status,
                                         coach_id=coach_id, type_id=type_id)
    return render(request, "coaching/engagements/engagements.html", {
        "organisation": organisation,
        "listing": listing,
        "statuses": [(value, label) for value, label in EngagementStatus.choices
                     if value != EngagementStatus.ANONYMISED],
        "status": status, "coach_id": coach_id, "type_id": type_id,
    })


def _may_open(request) -> bool:
    return (roles_allow(request.roles, Permission.MANAGE_COACHING)
            or roles_allow(request.roles, Permission.COACH_BENEFICIARIES))


@require_http_methods(["GET", "POST"])
@member_page
def engagement_new(request, organisation):
    """Open an engagement: managers for any coach, a coach for themselves."""
    if not _may_open(request):
        raise NotAllowed()
    form = EngagementForm(
        request.POST or None, types=selectors.types_to_open(organisation),
        members=selectors.members_of_organisation(organisation),
        coaches=selectors.coaches_of_organisation(organisation),
        initial={"starts_on": timezone.localdate(), "coaches": [request.user.pk]})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            # The person opening it leads when they coach it; otherwise the list's order.
            ordered = sorted(data["coaches"], key=lambda coach: (coach.pk != request.user.pk,
                                                                coach.display_name, coach.pk))
            try:
                engagement = services.open_engagement(
                    organisation, by=request.user, engagement_type=data["engagement_type"],
                    beneficiary=data["beneficiary"], coaches=ordered, title=data["title"],
                    objectives=data["objectives"],
                    contracted_minutes=data["contracted_minutes"], funder=data["funder"],
                    starts_on=data["starts_on"], ends_on=data["ends_on"])
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The engagement is open."))
                return redirect(_engagement_url(organisation, engagement.pk))
    return render(request, "coaching/engagements/engagement_new.html", {
        "organisation": organisation, "form": form}, status=status)


@require_safe
@member_page
def engagement(request, organisation, engagement_id):
    """The engagement in the viewer's capacity: the coach's workspace, the manager's
    overview, the beneficiary's living space."""
    page = selectors.engagement_page(request.user, organisation, engagement_id)
    return render(request, "coaching/engagements/engagement.html", {
        "organisation": organisation,
        "page": page,
        "engagement": page.engagement,
        "capacity": page.capacity,
        "comment_form": CommentForm(),
        "assign_form": (AssignCoachForm(coaches=selectors.coaches_of_organisation(organisation))
                        if page.is_manager or roles_allow(request.roles,
                                                          Permission.MANAGE_COACHING)
                        else None),
    })


@require_http_methods(["GET", "POST"])
@member_page
def engagement_edit(request, organisation, engagement_id):
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    if capacity not in (Capacity.COACH, Capacity.MANAGER):
        raise NotAllowed()
    fields = ["title", "objectives", "contracted_minutes", "funder", "starts_on", "ends_on",
              *RULES]
    form = EngagementForm(request.POST or None, editing=True,
                          initial={name: getattr(engagement, name) for name in fields})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_engagement(engagement, by=request.user, **form.cleaned_data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The engagement is saved."))
                return redirect(_engagement_url(organisation, engagement.pk))
    return render(request, "coaching/engagements/engagement_edit.html", {
        "organisation": organisation, "engagement": engagement, "form": form},
        status=status)


@require_POST
@organisation_page(Permission.MANAGE_COACHING)
def engagement_coach_add(request, organisation, engagement_id):
    engagement, _capacity = engagement_for(request.user, organisation, engagement_id)
    form = AssignCoachForm(request.POST,
                           coaches=selectors.coaches_of_organisation(organisation))
    if form.is_valid():
        try:
            services.assign_coach(engagement, form.cleaned_data["coach"], by=request.user,
                                  lead=form.cleaned_data["lead"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s now coaches this engagement.")
                             % {"name": form.cleaned_data["coach"].display_name})
    else:
        messages.error(request, _("Choose a coach of the organisation."))
    return redirect(_engagement_url(organisation, engagement.pk, "coaches"))


@require_POST
@organisation_page(Permission.MANAGE_COACHING)
def engagement_coach_remove(request, organisation, engagement_id, user_id):
    engagement, _capacity = engagement_for(request.user, organisation, engagement_id)
    coach = selectors.coach_of(engagement, user_id)
    try:
        if coach is None:
            raise DomainError(_("This person does not coach this engagement."))
        services.remove_coach(engagement, coach, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s no longer coaches this engagement.")
                         % {"name": coach.display_name})
    return redirect(_engagement_url(organisation, engagement.pk, "coaches"))


@require_POST
@member_page
def engagement_close(request, organisation, engagement_id):
    engagement, _capacity = engagement_for(request.user, organisation, engagement_id)
    try:
        services.close_engagement(engagement, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The engagement is closed."))
    return redirect(_engagement_url(organisation, engagement.pk))


@require_safe
@member_page
def my_coaching(request, organisation):
    """The person's own engagements; straight to it when there is one."""
    rows = selectors.my_engagements(request.user, organisation)
    if len(rows) == 1:
        return redirect(_engagement_url(organisation, rows[0].engagement.pk))
    return render(request, "coaching/engagements/my_coaching.html", {
        "organisation": organisation, "rows": rows})


# --- Closing an appointment ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_page
def close_appointment(request, organisation, appointment_id):
    """The one screen after an appointment: duration, phase, notes, actions."""
    appointment, capacity = selectors.appointment_for(request.user, organisation,
                                                      appointment_id)
    _require_coach(capacity)
    engagement = appointment.engagement
    phases = engagement.phases.order_by("position")
    current = hours.current_phase(engagement)
    form = CloseAppointmentForm(request.POST or None, phases=phases, initial={
        "actual_minutes": appointment_services.suggested_minutes(appointment),
        "phase": current.pk if current else None,
        "shared_note": note_template_for(current)})
    rows = ActionRows(request.POST or None, prefix="actions")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and rows.is_valid():
            data = form.cleaned_data
            drafts = [draft for draft in (row.draft() for row in rows) if draft is not None]
            try:
                appointment_services.close_appointment(
                    appointment, by=request.user, actual_minutes=data["actual_minutes"],
                    phase=data["phase"], shared_note=data["shared_note"],
                    private_note=data["private_note"], action_items=drafts)
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The appointment is closed: %(duration)s recorded.")
                                 % {"duration": hours.format_minutes(data["actual_minutes"])})
                return redirect(_engagement_url(organisation, engagement.pk, "hours"))
    refusal = appointment_services.closing_refusal(appointment) if request.method == "GET" \
        else None
    return render(request, "coaching/engagements/close_appointment.html", {
        "organisation": organisation, "appointment": appointment, "engagement": engagement,
        "form": form, "rows": rows, "refusal": refusal,
    }, status=status)


@require_POST
@member_page
def mark_missed(request, organisation, appointment_id):
    appointment, capacity = selectors.appointment_for(request.user, organisation,
                                                      appointment_id)
    try:
        appointment_services.mark_missed(appointment, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The appointment is marked as missed."))
    return redirect(_engagement_url(organisation, appointment.engagement_id, "appointments"))


# --- Notes ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_page
def note_new(request, organisation, engagement_id):
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    _require_coach(capacity)
    phases = engagement.phases.order_by("position")
    current = hours.current_phase(engagement)
    form = NoteForm(request.POST or None, phases=phases, initial={
        "phase": current.pk if current else None, "body": note_template_for(current),
        "visibility": NoteVisibility.PRIVATE})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                note_services.write_note(engagement, by=request.user, **form.cleaned_data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The note is saved."))
                return redirect(_engagement_url(organisation, engagement.pk, "notes"))
    return render(request, "coaching/engagements/note_form.html", {
        "organisation": organisation, "engagement": engagement, "form": form,
        "note": None}, status=status)


@require_safe
@member_page
def notes(request, organisation, engagement_id):
    """Every note of the engagement the viewer may read, fifty a page."""
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    return render(request, "coaching/engagements/notes.html", {
        "organisation": organisation, "engagement": engagement,
        "page": notes_page(engagement, capacity, offset=_int(request.GET.get("from")) or 0),
    })


@require_http_methods(["GET", "POST"])
@member_page
def note_edit(request, organisation, note_id):
    note, capacity = note_for(request.user, organisation, note_id)
    _require_coach(capacity)
    form = NoteForm(request.POST or None, editing=True, initial={"body": note.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                note_services.edit_note(note, by=request.user, body=form.cleaned_data["body"])
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The note is saved; its previous text is kept "
                                            "in its history."))
                return redirect(_engagement_url(organisation, note.engagement_id,
                                                f"note-{note.pk}"))
    return render(request, "coaching/engagements/note_form.html", {
        "organisation": organisation, "engagement": note.engagement, "form": form,
        "note": note}, status=status)


@require_POST
@member_page
def note_share(request, organisation, note_id):
    note, _capacity = note_for(request.user, organisation, note_id)
    try:
        note_services.share_note(note, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The note is shared with the beneficiary."))
    return redirect(_engagement_url(organisation, note.engagement_id, f"note-{note.pk}"))


@require_POST
@member_page
def note_comment(request, organisation, note_id):
    note, _capacity = note_for(request.user, organisation, note_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            note_services.comment_on_note(note, by=request.user,
                                          body=form.cleaned_data["body"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your comment is added."))
    else:
        messages.error(request, _("Write a comment first (at most 5,000 characters)."))
    return redirect(_engagement_url(organisation, note.engagement_id, f"note-{note.pk}"))


@require_safe
@member_page
def note_history(request, organisation, note_id):
    note, _capacity = note_for(request.user, organisation, note_id)
    return render(request, "coaching/engagements/note_history.html", {
        "organisation": organisation, "engagement": note.engagement, "note": note,
        "versions": list(note.versions.select_related("replaced_by")),
    })


# --- Action items --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_page
def action_new(request, organisation, engagement_id):
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    _require_coach(capacity)
    form = ActionItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                action_services.create_action_item(engagement, by=request.user,
                                                   **form.cleaned_data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The action is added."))
                return redirect(_engagement_url(organisation, engagement.pk, "actions"))
    return render(request, "coaching/engagements/action_form.html", {
        "organisation": organisation, "engagement": engagement, "form": form, "item": None},
        status=status)


@require_http_methods(["GET", "POST"])
@member_page
def action_edit(request, organisation, item_id):
    item, capacity = selectors.action_item_for(request.user, organisation, item_id)
    _require_coach(capacity)
    form = ActionItemForm(request.POST or None, initial={
        "title": item.title, "assignee": item.assignee, "due_on": item.due_on,
        "detail": item.detail})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                action_services.edit_action_item(item, by=request.user, **form.cleaned_data)
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The action is saved."))
                return redirect(_engagement_url(organisation, item.engagement_id, "actions"))
    return render(request, "coaching/engagements/action_form.html", {
        "organisation": organisation, "engagement": item.engagement, "form": form,
        "item": item}, status=status)


def _back_from_action(request, organisation, item) -> HttpResponseRedirect:
    if request.POST.get("next") == "dashboard":
        return redirect("journeys:dashboard", organisation.slug)
    return redirect(_engagement_url(organisation, item.engagement_id, "actions"))


@require_POST
@member_page
def action_tick(request, organisation, item_id):
    item, _capacity = selectors.action_item_for(request.user, organisation, item_id)
    try:
        action_services.tick_action_item(item, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(title)s” is done.") % {"title": item.title})
    return _back_from_action(request, organisation, item)


@require_POST
@member_page
def action_untick(request, organisation, item_id):
    item, _capacity = selectors.action_item_for(request.user, organisation, item_id)
    try:
        action_services.untick_action_item(item, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(title)s” is to do again.") % {"title": item.title})
    return _back_from_action(request, organisation, item)


@require_http_methods(["GET", "POST"])
@member_page
def action_to_step(request, organisation, item_id):
    """Turn an action into a step of the beneficiary's path, with its evidence rule."""
    item, capacity = selectors.action_item_for(request.user, organisation, item_id)
    _require_coach(capacity)
    engagement = item.engagement
    _total, enrolments = enrolments_page_for(request.user, organisation, offset=0, limit=50,
                                             learner_id=engagement.beneficiary_id)
    form = PathStepForm(request.POST or None, enrolments=enrolments)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                action_services.turn_into_path_step(
                    item, by=request.user, enrolment_id=form.cleaned_data["enrolment"],
                    kind=form.cleaned_data["kind"],
                    estimated_minutes=form.cleaned_data["estimated_minutes"])
            except DomainError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The action is now a step of the path."))
                return redirect(_engagement_url(organisation, engagement.pk, "actions"))
    return render(request, "coaching/engagements/action_to_step.html", {
        "organisation": organisation, "engagement": engagement, "item": item, "form": form,
        "enrolments": enrolments}, status=status)
