"""Pages of the documents part: the attendance sheet and certificates as PDF, the
learner's satisfaction survey, the satisfaction results and the attended-hours report
with its CSV and XLSX exports.

Each view turns input into types, calls one selector, read model or service, and turns
the result or the `DomainError` into a page or a file; the rules live in
`classroom.services.surveys`, `classroom.reports` and `classroom.selectors`.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parcours.classroom import documents, reports, selectors
from parcours.classroom.forms_documents import HoursReportForm, PeriodForm, SurveyForm
from parcours.classroom.models import SurveyKind
from parcours.classroom.services import surveys
from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.web.decorators import member_page, organisation_page
from parcours.web.downloads import private_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language(request, organisation) -> str:
    """The document's language: `?lang=fr|en`, else the organisation's."""
    asked = request.GET.get("lang", "")
    return asked if asked in dict(settings.LANGUAGES) else organisation.default_locale



def _local_day(moment, organisation) -> str:
    return timezone.localtime(moment, ZoneInfo(organisation.time_zone)).date().isoformat()


@member_page
def attendance_sheet_pdf(request, organisation, session_id):
    session = selectors.session_for_attendance_sheet(request.user, organisation, session_id)
    language = _language(request, organisation)
    with translation.override(language):
        name = [_("attendance sheet"), session.title]
    if session.starts_at:
        name.append(_local_day(session.starts_at, organisation))
    return private_download(documents.attendance_sheet_pdf(session, language=language),
                       "application/pdf", "-".join(slugify(part) for part in name) + ".pdf")


@member_page
def certificate_pdf(request, organisation, registration_id):
    registration = selectors.registration_for_certificate(request.user, organisation,
                                                          registration_id)
    language = _language(request, organisation)
    learner = registration.learner
    with translation.override(language):
        name = [_("certificate of completion"), learner.display_name or learner.email,
                registration.session.title]
    return private_download(documents.completion_certificate_pdf(registration, language=language),
                       "application/pdf", "-".join(slugify(part) for part in name) + ".pdf")


# --- Surveys -------------------------------------------------------------------------------


@organisation_page(Permission.FOLLOW_OWN_PATH)
def survey(request, organisation, session_id):
    """The learner's form (`?kind=end|follow_up`), or where they stand with it: not open
    yet, answered, or not for them."""
    session = selectors.session_to_answer(request.user, organisation, session_id)
    kind = request.GET.get("kind", SurveyKind.END_OF_SESSION)
    if kind not in surveys.QUESTIONS:
        kind = SurveyKind.END_OF_SESSION
    here = reverse("classroom:survey", args=[organisation.slug, session.pk]) + f"?kind={kind}"
    status, form, refusal = 200, None, None
    if request.method == "POST":
        form = SurveyForm(kind, request.POST)
        if form.is_valid():
            try:
                surveys.answer_survey(session, by=request.user, kind=kind,
                                      answers=form.answers(),
                                      comment=form.cleaned_data["comment"])
            except DomainError as refused:
                refusal, status = refused.message, refused.status_code
            else:
                messages.success(request, _("Thank you for your answers!"))
                return redirect(here)
        else:
            status = 400
    state = next(s for s in selectors.survey_states(session, request.user) if s.kind == kind)
    if not state.to_answer:
        form = None
    elif form is None:
        form = SurveyForm(kind)
    questions = surveys.QUESTIONS[kind]
    answered = [(question.label, state.response.answers.get(question.key))
                for question in questions] if state.response else []
    return render(request, "classroom/surveys/survey.html", {
        "organisation": organisation, "session": session, "state": state, "form": form,
        "refusal": refusal, "answered": answered, "scale": surveys.SCALE,
    }, status=status)


@organisation_page(Permission.VIEW_REPORTS)
def survey_results(request, organisation):
    form = PeriodForm(request.GET, today=reports.local_today(organisation))
    report = reports.survey_report(organisation, viewer=request.user, period=form.period())
    return render(request, "classroom/surveys/results.html", {
        "organisation": organisation, "form": form, "report": report,
        "end_questions": surveys.QUESTIONS[SurveyKind.END_OF_SESSION],
        "follow_up_questions": surveys.QUESTIONS[SurveyKind.FOLLOW_UP],
    }, status=200 if form.is_valid() else 400)


# --- Hours -----------------------------------------------------------------------------------


@organisation_page(Permission.VIEW_REPORTS)
def hours_report(request, organisation):
    """The attended hours of a period per learner, programme or funder; `?format=csv` or
    `?format=xlsx` downloads the same table."""
    form = HoursReportForm(request.GET, today=reports.local_today(organisation))
    valid = form.is_valid()
    report = reports.hours_report(organisation, viewer=request.user, period=form.period(),
                                  by=form.grouping())
    export = request.GET.get("format", "")
    if valid and export in ("csv", "xlsx"):
        name = "-".join([slugify(_("attended hours")), slugify(dict(
            reports.grouping_choices())[report.by]), report.period.start.isoformat(),
            report.period.end.isoformat()])
        if export == "csv":
            return private_download(reports.hours_csv(report), "text/csv; charset=utf-8",
                               f"{name}.csv")
        return private_download(reports.hours_xlsx(report), XLSX, f"{name}.xlsx")
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "classroom/reports/hours.html", {
        "organisation": organisation, "form": form, "report": report,
        "query": query.urlencode(),
    }, status=200 if valid else 400)
