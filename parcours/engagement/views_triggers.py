"""Pages of the triggers part: the managers' trigger settings and message templates,
the learner's feedback form and the managers' feedback report."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.engagement.forms_triggers import (
    FeedbackForm,
    MessageTemplateForm,
    TriggerSettingsForm,
)
from parcours.engagement.selectors.feedback import (
    RATINGS,
    feedback_page,
)
from parcours.engagement.selectors.feedback import (
    feedback_report as report_rows,
)
from parcours.engagement.services import triggers as services
from parcours.engagement.services.feedback import answer_feedback
from parcours.web.decorators import organisation_page


@organisation_page(Permission.MANAGE_NUDGES)
def triggers(request, organisation):
    rows = services.trigger_overview(organisation, viewer=request.user)
    return render(request, "engagement/triggers/list.html",
                  {"organisation": organisation, "rows": rows})


@organisation_page(Permission.MANAGE_NUDGES)
def trigger_settings(request, organisation, name):
    row = services.trigger_row(organisation, name, viewer=request.user)
    initial = {"enabled": row.enabled, **row.params}
    form = TriggerSettingsForm(request.POST or None, trigger=row.trigger, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.configure_trigger(organisation, name, by=request.user,
                                       enabled=form.cleaned_data["enabled"],
                                       params=form.params())
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The settings of “%(trigger)s” are saved.")
                             % {"trigger": row.trigger.label})
            return redirect("engagement:trigger", organisation.slug, name)
    return render(request, "engagement/triggers/trigger.html", {
        "organisation": organisation, "row": row, "form": form,
        "languages": services.LANGUAGES,
    })


@require_POST
@organisation_page(Permission.MANAGE_NUDGES)
def switch_trigger(request, organisation, name):
    """The on/off button of the list: only the switch changes, the parameters stay."""
    row = services.trigger_row(organisation, name, viewer=request.user)
    enabled = request.POST.get("enabled") == "1"
    services.configure_trigger(organisation, name, by=request.user, enabled=enabled)
    messages.success(request, (_("“%(trigger)s” is on.") if enabled
                               else _("“%(trigger)s” is off.")) % {"trigger": row.trigger.label})
    return redirect("engagement:triggers", organisation.slug)


@organisation_page(Permission.MANAGE_NUDGES)
def message_template(request, organisation, name, kind_name, language):
    row = services.trigger_row(organisation, name, viewer=request.user)
    if kind_name not in row.trigger.kinds or language not in services.LANGUAGES:
        raise Http404
    subject, body, is_own = services.template_texts(organisation, kind_name, language,
                                                    viewer=request.user)
    form = MessageTemplateForm(request.POST or None,
                               initial={"subject": subject, "body": body})
    preview = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        try:
            if action == "preview":
                preview = services.preview(kind_name, subject=form.cleaned_data["subject"],
                                           body=form.cleaned_data["body"])
            else:
                saved = services.set_message_template(
                    organisation, kind_name, by=request.user, language=language,
                    subject="" if action == "reset" else form.cleaned_data["subject"],
                    body="" if action == "reset" else form.cleaned_data["body"])
                messages.success(request, _("The text is saved.") if saved
                                 else _("The default text is used again."))
                return redirect("engagement:message_template", organisation.slug, name,
                                kind_name, language)
        except DomainError as error:
            form.add_error(None, str(error.message))
    return render(request, "engagement/triggers/template.html", {
        "organisation": organisation, "row": row, "kind_name": kind_name,
        "language": language, "form": form, "preview": preview, "is_own": is_own,
        "sample": services.sample_variables(kind_name),
    })


@login_required
def feedback(request, request_id):
    feedback_request, answer = feedback_page(request.user, request_id)
    form = None if answer else FeedbackForm(request.POST or None)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            answer_feedback(request_id, by=request.user, rating=form.cleaned_data["rating"],
                            comment=form.cleaned_data["comment"])
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you for your opinion."))
            return redirect("engagement:feedback", request_id)
    return render(request, "engagement/feedback/answer.html",
                  {"feedback_request": feedback_request, "answer": answer, "form": form})


@organisation_page(Permission.MANAGE_NUDGES)
def feedback_report(request, organisation):
    return render(request, "engagement/feedback/report.html", {
        "organisation": organisation, "ratings": RATINGS,
        "rows": report_rows(organisation, viewer=request.user),
    })


@organisation_page(Permission.MANAGE_NUDGES)
def feedback_csv(request, organisation):
    rows = report_rows(organisation, viewer=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="feedback-{organisation.slug}.csv"')
    writer = csv.writer(response)
    writer.writerow([_("About"), _("Title"), _("Asked"), _("Answered"), _("Average"),
                     *[_("Rated %(rating)s") % {"rating": rating} for rating in RATINGS]])
    for row in rows:
        writer.writerow([row.subject_type, row.title, row.asked, row.answered,
                         row.average if row.average is not None else "",
                         *[row.distribution[rating] for rating in RATINGS]])
    return response
