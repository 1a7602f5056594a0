"""Pages of the coaching record: a coach's caseload, an engagement's timeline and
synthesis, the managers' hours report and retention period, and a beneficiary's data."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.classroom.reports import local_today
from parcours.coaching import privacy, reports, synthesis
from parcours.coaching.forms_records import (
    CaseloadFilterForm,
    CoachingReportForm,
    RetentionForm,
    SynthesisForm,
    TimelineFilterForm,
)
from parcours.coaching.selectors import engagement_for
from parcours.coaching.selectors.caseload import CaseloadFilter, coach_caseload
from parcours.coaching.selectors.timeline import KIND_LABELS, engagement_timeline, kind_choices
from parcours.coaching.services import privacy as privacy_services
from parcours.coaching.services import synthesis as synthesis_services
from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.web.decorators import member_page, organisation_page
from parcours.web.downloads import private_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIMELINE_PAGE = 200



@organisation_page(Permission.COACH_BENEFICIARIES)
def caseload(request, organisation):
    form = CaseloadFilterForm(request.GET or {"status": "active"})
    filters = CaseloadFilter()
    if form.is_valid():
        filters = CaseloadFilter(status=form.cleaned_data["status"],
                                 drifting_only=form.cleaned_data["drifting"])
    rows = coach_caseload(organisation, viewer=request.user,
                          today=local_today(organisation), filters=filters)
    return render(request, "coaching/records/caseload.html", {
        "organisation": organisation, "form": form, "rows": rows,
        "drifting": sum(1 for row in rows if row.drift),
    })


@member_page
def timeline_page(request, organisation, engagement_id):
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    form = TimelineFilterForm(request.GET or None, kinds=kind_choices())
    kinds = set(form.cleaned_data["kinds"]) if form.is_valid() else None
    entries = engagement_timeline(engagement, capacity, kinds=kinds)
    # A long engagement is read a page at a time, newest first.
    page = Paginator(entries, TIMELINE_PAGE).get_page(request.GET.get("page"))
    labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "coaching/records/timeline.html", {
        "organisation": organisation, "engagement": engagement, "capacity": capacity,
        "form": form, "page": page, "total": len(entries), "query": query.urlencode(),
        "entries": [(entry, labels.get(entry.kind, entry.kind)) for entry in page],
    })


@organisation_page(Permission.VIEW_REPORTS)
def report(request, organisation):
    """Hours per coach, funder, engagement type or month, and engagements per status;
    `?format=csv` or `?format=xlsx` downloads the same figures."""
    form = CoachingReportForm(request.GET, today=local_today(organisation))
    valid = form.is_valid()
    result = reports.coaching_report(organisation, viewer=request.user, period=form.period(),
                                     by=form.grouping())
    export = request.GET.get("format", "")
    if valid and export in ("csv", "xlsx"):
        name = "-".join([slugify(_("coaching hours")), result.by,
                         result.period.start.isoformat(), result.period.end.isoformat()])
        if export == "csv":
            return private_download(reports.report_csv(result), "text/csv; charset=utf-8",
                               f"{name}.csv")
        return private_download(reports.report_xlsx(result), XLSX, f"{name}.xlsx")
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "coaching/records/report.html", {
        "organisation": organisation, "form": form, "report": result,
        "query": query.urlencode(),
    }, status=200 if valid else 400)


@organisation_page(Permission.MANAGE_COACHING)
@require_http_methods(["GET", "POST"])
def retention(request, organisation):
    current = privacy.retention_days(organisation)
    form = RetentionForm(request.POST or None, initial={"days": current})
    if request.method == "POST" and form.is_valid():
        try:
            privacy_services.set_retention(organisation, by=request.user,
                                           days=form.cleaned_data["days"])
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Retention period saved."))
            return redirect("coaching:retention", organisation.slug)
    return render(request, "coaching/records/retention.html", {
        "organisation": organisation, "form": form, "current": current,
        "records": privacy.anonymisation_records(organisation, viewer=request.user),
    }, status=400 if form.errors else 200)


@member_page
@require_http_methods(["GET", "POST"])
def synthesis_page(request, organisation, engagement_id):
    """The coach drafts, edits and shares the synthesis; the beneficiary reads it once
    shared; `?format=pdf` downloads it."""
    engagement, capacity = engagement_for(request.user, organisation, engagement_id)
    document = synthesis.synthesis_for(engagement, capacity)
    if request.GET.get("format") == "pdf":
        language = request.GET.get("language") or request.LANGUAGE_CODE
        pdf = synthesis.synthesis_pdf(engagement, document, language=language)
        return private_download(pdf, "application/pdf",
                           f"{slugify(_('synthesis'))}-{engagement.pk}.pdf")
    form = SynthesisForm(request.POST or None,
                         initial={"body": document.body if document else ""})
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "draft":
                synthesis_services.draft_synthesis(engagement, by=request.user)
                messages.success(request, _("A new draft was written from the record."))
                return redirect("coaching:synthesis", organisation.slug, engagement.pk)
            if action == "share":
                synthesis_services.share_synthesis(engagement, by=request.user)
                messages.success(request, _("The synthesis is shared with the beneficiary."))
                return redirect("coaching:synthesis", organisation.slug, engagement.pk)
            if form.is_valid():
                synthesis_services.edit_synthesis(engagement, by=request.user,
                                                  body=form.cleaned_data["body"])
                messages.success(request, _("Synthesis saved."))
                return redirect("coaching:synthesis", organisation.slug, engagement.pk)
        except DomainError as refused:
            form.add_error(None, refused.message)
    return render(request, "coaching/records/synthesis.html", {
        "organisation": organisation, "engagement": engagement, "capacity": capacity,
        "document": document, "form": form,
        "can_edit": capacity == "coach",
    }, status=400 if form.errors else 200)


@member_page
def my_data(request, organisation):
    """Everything coaching holds about the person, as JSON or PDF (their right of access
    and portability). Private notes are the coach's working notes, not part of it."""
    data = privacy.personal_data(request.user, organisation)
    if request.GET.get("format") == "pdf":
        return private_download(privacy.personal_data_pdf(data, language=request.LANGUAGE_CODE),
                           "application/pdf", "parcours-coaching-data.pdf")
    if request.GET.get("format") == "json":
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = content_disposition_header(
            True, "parcours-coaching-data.json")
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "coaching/records/my_data.html", {
        "organisation": organisation, "data": data,
    })
