"""Catalogue and authoring pages: `/o/<slug>/programmes/…`.

Each view turns input into types, calls one selector or service, and turns the result
or the DomainError into a page. Actions are plain POST forms that redirect back to the
editor; htmx enhances the move buttons by swapping only the outline.
"""

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcours.catalog import selectors, services
from parcours.catalog.forms import (
    CatalogueFilterForm,
    ModuleForm,
    ProgrammeForm,
    SelfEnrolForm,
    StepForm,
)
from parcours.catalog.models import StepKind
from parcours.core.errors import DomainError
from parcours.core.roles import Permission, roles_allow
from parcours.web.decorators import organisation_page

# Attachments a browser may show in the page; the others are downloaded.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
                "text/plain"}

# How the step form is laid out: (legend, fields), shown when the kind has them.
STEP_FIELDSETS = [
    (gettext_lazy("What the learner sees"), ["title", "body", "video_url", "attachment"]),
    (gettext_lazy("How the step is completed"), ["quiz", "external_url", "needs_coach_confirmation",
                                      "min_engaged_seconds", "check_question", "deck",
                                      "reviews_required"]),
    (gettext_lazy("Planning"), ["estimated_minutes", "required", "due_offset_days",
                                "prerequisites"]),
]


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# Catalogue


@organisation_page(Permission.BROWSE_CATALOG)
def catalogue(request, organisation):
    tags = selectors.tags_of(organisation)
    filters = CatalogueFilterForm(request.GET or None, tags=tags)
    tag = None
    if filters.is_valid() and filters.cleaned_data["tag"]:
        tag = next(t for t in tags if t.pk == filters.cleaned_data["tag"])
    return render(request, "catalog/catalogue.html", {
        "organisation": organisation,
        "programmes": selectors.catalogue_for(request.user, organisation, tag=tag),
        "filters": filters,
        "tag": tag,
        "can_author": roles_allow(request.roles, Permission.MANAGE_CATALOG),
    })


@organisation_page(Permission.BROWSE_CATALOG)
def programme_detail(request, organisation, programme_id):
    programme = selectors.programme_for(request.user, organisation, programme_id)
    can_enrol = (
        programme.is_published and programme.allows_self_enrolment
        and roles_allow(request.roles, Permission.FOLLOW_OWN_PATH)
    )
    enrolled = can_enrol and selectors.is_enrolled(request.user, programme)
    form = None
    if can_enrol and not enrolled:
        form = SelfEnrolForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            # Imported here: journeys imports catalog, not the other way round at load time.
            from parcours.journeys.services import self_enrol

            try:
                self_enrol(programme, by=request.user, start_on=form.cleaned_data["start_on"],
                           minutes_per_week=form.minutes_per_week())
            except DomainError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("You are enrolled in “%(title)s”.")
                                 % {"title": programme.title})
                return redirect("journeys:dashboard", organisation.slug)
    elif request.method == "POST":
        messages.error(request, _("You cannot enrol yourself in this programme."))
        return redirect("catalog:programme", organisation.slug, programme.pk)
    return render(request, "catalog/programme_detail.html", {
        "organisation": organisation,
        "programme": programme,
        "modules": selectors.programme_outline(programme),
        "form": form,
        "enrolled": enrolled,
        "can_author": roles_allow(request.roles, Permission.MANAGE_CATALOG),
    }, status=400 if form is not None and form.errors else 200)


@organisation_page(Permission.BROWSE_CATALOG)
def step_attachment(request, organisation, programme_id, step_id):
    step = selectors.step_attachment_for(request.user, organisation, programme_id, step_id)
    if not step.attachment:
        raise Http404(_("This step has no attached file."))
    name = step.attachment.name.rsplit("/", 1)[-1]
    content_type, _encoding = mimetypes.guess_type(name)
    try:
        file = step.attachment.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("This file is no longer available.")) from missing
    return FileResponse(file, filename=name, as_attachment=content_type not in INLINE_TYPES)


# Authoring


@organisation_page(Permission.MANAGE_CATALOG)
def programme_new(request, organisation):
    form = ProgrammeForm(request.POST or None,
                         initial={"language": organisation.default_locale})
    if form.is_bound and form.is_valid():
        try:
            programme = services.create_programme(organisation, by=request.user,
                                                  **form.values())
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Programme created. Add its modules and steps."))
            return redirect("catalog:programme_edit", organisation.slug, programme.pk)
    return render(request, "catalog/programme_new.html", {
        "organisation": organisation, "form": form,
    }, status=400 if form.errors else 200)


@organisation_page(Permission.MANAGE_CATALOG)
def programme_edit(request, organisation, programme_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    form = ProgrammeForm.for_programme(programme, request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            services.update_programme(programme, by=request.user, **form.values())
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("catalog:programme_edit", organisation.slug, programme.pk)
    return _editor(request, organisation, programme, programme_form=form)


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def programme_publish(request, organisation, programme_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    try:
        services.publish_programme(programme, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("“%(title)s” is published (version %(version)s).")
                         % {"title": programme.title, "version": programme.version})
    return redirect("catalog:programme_edit", organisation.slug, programme.pk)


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def programme_apply(request, organisation, programme_id):
    """Apply the published template to the paths already running (journeys decides how,
    leaving alone what a coach adapted)."""
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    # Imported here: journeys imports catalog, not the other way round at load time.
    from parcours.journeys.services import apply_programme_update

    try:
        summary = apply_programme_update(programme, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Changes applied to running paths: %(summary)s")
                         % {"summary": summary})
    return redirect("catalog:programme_edit", organisation.slug, programme.pk)


@organisation_page(Permission.MANAGE_CATALOG)
def programme_preview(request, organisation, programme_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    return render(request, "catalog/programme_preview.html", {
        "organisation": organisation,
        "programme": programme,
        "modules": selectors.programme_outline(programme),
    })


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def module_add(request, organisation, programme_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    form = ModuleForm(request.POST, prefix="new-module")
    if form.is_valid():
        try:
            services.add_module(programme, by=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("catalog:programme_edit", organisation.slug, programme.pk)
    return _editor(request, organisation, programme, module_form=form)


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def module_rename(request, organisation, programme_id, module_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    module = selectors.module_to_edit(request.user, programme, module_id)
    form = ModuleForm(request.POST, prefix=f"module-{module.pk}")
    if form.is_valid():
        try:
            services.update_module(module, by=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Module renamed."))
            return redirect("catalog:programme_edit", organisation.slug, programme.pk)
    return _editor(request, organisation, programme, rename_form=form, renamed=module)


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def module_move(request, organisation, programme_id, module_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    module = selectors.module_to_edit(request.user, programme, module_id)
    direction = _direction(request)
    if direction:
        services.move_module(module, by=request.user, direction=direction)
    return _after_move(request, organisation, programme,
                       _("Module “%(title)s” moved.") % {"title": module.title})


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def module_delete(request, organisation, programme_id, module_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    module = selectors.module_to_edit(request.user, programme, module_id)
    try:
        services.delete_module(module, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Module “%(title)s” deleted.") % {"title": module.title})
    return redirect("catalog:programme_edit", organisation.slug, programme.pk)


@organisation_page(Permission.MANAGE_CATALOG)
def step_new(request, organisation, programme_id, module_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    module = selectors.module_to_edit(request.user, programme, module_id)
    kind = request.GET.get("kind", "")
    if kind not in StepKind.values:
        messages.error(request, _("Choose a kind of step to add."))
        return redirect("catalog:programme_edit", organisation.slug, programme.pk)
    form = StepForm(request.POST or None, request.FILES or None, kind=kind, programme=programme)
    if form.is_bound and form.is_valid():
        try:
            step = services.add_step(module, by=request.user, kind=kind, **form.values())
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Step “%(title)s” added.") % {"title": step.title})
            return redirect("catalog:programme_edit", organisation.slug, programme.pk)
    return _step_page(request, organisation, programme, form, module=module)


@organisation_page(Permission.MANAGE_CATALOG)
def step_edit(request, organisation, programme_id, step_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    step = selectors.step_to_edit(request.user, programme, step_id)
    form = StepForm.for_step(step, request.POST or None, request.FILES or None)
    if form.is_bound and form.is_valid():
        try:
            services.update_step(step, by=request.user, **form.values())
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Step “%(title)s” saved.") % {"title": step.title})
            return redirect("catalog:programme_edit", organisation.slug, programme.pk)
    return _step_page(request, organisation, programme, form, module=step.module, step=step)


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def step_move(request, organisation, programme_id, step_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    step = selectors.step_to_edit(request.user, programme, step_id)
    direction = _direction(request)
    if direction:
        services.move_step(step, by=request.user, direction=direction)
    return _after_move(request, organisation, programme,
                       _("Step “%(title)s” moved.") % {"title": step.title})


@require_POST
@organisation_page(Permission.MANAGE_CATALOG)
def step_delete(request, organisation, programme_id, step_id):
    programme = selectors.programme_to_edit(request.user, organisation, programme_id)
    step = selectors.step_to_edit(request.user, programme, step_id)
    try:
        services.delete_step(step, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Step “%(title)s” deleted.") % {"title": step.title})
    return redirect("catalog:programme_edit", organisation.slug, programme.pk)


# Helpers


def _direction(request) -> str | None:
    direction = request.POST.get("direction")
    return direction if direction in {"up", "down"} else None


def _after_move(request, organisation, programme, announcement: str):
    if _is_htmx(request):
        programme.refresh_from_db()
        return render(request, "catalog/_outline_editor.html", {
            "organisation": organisation,
            "programme": programme,
            "modules": _outline_with_forms(programme),
            "announcement": announcement,
            "step_kinds": StepKind.choices,
        })
    return redirect("catalog:programme_edit", organisation.slug, programme.pk)


def _editor(request, organisation, programme, *, programme_form=None, module_form=None,
            rename_form=None, renamed=None):
    """The programme's editing page; a form given here shows its errors (status 400)."""
    forms = [f for f in (programme_form, module_form, rename_form) if f is not None]
    return render(request, "catalog/programme_edit.html", {
        "organisation": organisation,
        "programme": programme,
        "form": programme_form or ProgrammeForm.for_programme(programme),
        "module_form": module_form or ModuleForm(prefix="new-module"),
        "modules": _outline_with_forms(programme, rename_form=rename_form, renamed=renamed),
        "step_kinds": StepKind.choices,
    }, status=400 if any(f.errors for f in forms) else 200)


def _outline_with_forms(programme, *, rename_form=None, renamed=None):
    """The outline, each module with its renaming form (the one that failed keeps the
    text the person typed and its error)."""
    modules = selectors.programme_outline(programme)
    for module in modules:
        if renamed is not None and module.pk == renamed.pk:
            module.rename_form = rename_form
        else:
            module.rename_form = ModuleForm(prefix=f"module-{module.pk}",
                                            initial={"title": module.title})
    return modules


def _step_page(request, organisation, programme, form, *, module, step=None):
    fieldsets = [
        (legend, [form[name] for name in names if name in form.fields])
        for legend, names in STEP_FIELDSETS
    ]
    return render(request, "catalog/step_form.html", {
        "organisation": organisation,
        "programme": programme,
        "module": module,
        "step": step,
        "form": form,
        "kind_label": StepKind(form.kind).label,
        "fieldsets": [(legend, fields) for legend, fields in fieldsets if fields],
    }, status=400 if form.errors else 200)
