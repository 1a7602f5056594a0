"""The nudges' results pages.

- The managers' dashboard (`/o/<slug>/nudges/`, `manage_nudges`): sent, delivered,
  opened, clicked, converted and opted out, with their rates, per kind, campaign,
  variant and channel and week by week; suppressed by reason; charts drawn on the
  server (`charts.py`) beside tables of the same figures; the same figures as CSV.
- The coaches' view (`/o/<slug>/nudges/learners/`, `view_nudges`): which of their
  learners the engine wrote to, with what, when, and what happened after.
"""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.core.roles import Permission
from parcours.engagement import charts
from parcours.engagement.forms_dashboard import MetricsFilterForm, NudgedFilterForm
from parcours.engagement.metrics import COUNTS, RATES, table_rows
from parcours.engagement.selectors import metrics as selectors
from parcours.web.decorators import organisation_page


def _metrics_for(request, organisation):
    form = MetricsFilterForm(request.GET or None, today=timezone.localdate())
    metrics = selectors.nudge_metrics(organisation, viewer=request.user,
                                      filters=form.filters())
    return form, metrics


def _charts(metrics) -> dict:
    weeks = [item.label for item in metrics.weekly]
    return {
        "weekly": charts.line_chart(
            title=_("Notifications week by week"), labels=weeks,
            x_label=_("Week starting"), y_label=_("Notifications"),
            series=[charts.Series(_("Sent"), [i.figures.sent for i in metrics.weekly]),
                    charts.Series(_("Opened"), [i.figures.opened for i in metrics.weekly]),
                    charts.Series(_("Clicked"), [i.figures.clicked for i in metrics.weekly]),
                    charts.Series(_("Converted"),
                                  [i.figures.converted for i in metrics.weekly])]),
        "conversion_by_kind": charts.bar_chart(
            title=_("Conversion rate per kind of message"),
            labels=[item.label for item in metrics.by_kind],
            values=[item.figures.conversion_rate for item in metrics.by_kind],
            x_label=_("Kind of message"), y_label=_("Conversion rate (%)")),
        "suppressed": charts.bar_chart(
            title=_("Notifications not sent, by reason"),
            labels=[reason.label for reason in metrics.suppressed_by_reason],
            values=[reason.count for reason in metrics.suppressed_by_reason],
            x_label=_("Reason"), y_label=_("Notifications")),
    }


@organisation_page(Permission.MANAGE_NUDGES)
def dashboard(request, organisation):
    form, metrics = _metrics_for(request, organisation)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(request, "engagement/dashboard/dashboard.html", {
        "organisation": organisation, "form": form, "metrics": metrics,
        "charts": _charts(metrics) if metrics.totals.planned else None,
        "tables": [
            ("kind", _("Per kind of message"), metrics.by_kind),
            ("campaign", _("Per campaign"), metrics.by_campaign),
            ("variant", _("Per variant"), metrics.by_variant),
            ("channel", _("Per channel"), metrics.by_channel),
            ("week", _("Week by week"), metrics.weekly),
        ],
        "csv_query": query,
    })


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (names come from people)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@organisation_page(Permission.MANAGE_NUDGES)
def dashboard_csv(request, organisation):
    form, metrics = _metrics_for(request, organisation)
    filters = metrics.filters
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="nudges-{organisation.slug}-{filters.start}-{filters.end}.csv"')
    response.write("\ufeff")  # so that spreadsheets read the accents as UTF-8
    writer = csv.writer(response)
    writer.writerow(["section", "key", "label", *COUNTS, *RATES])
    for section, key, label, figures in table_rows(metrics):
        values = figures.as_dict()
        writer.writerow([section, _cell(key), _cell(label),
                         *(values[name] for name in COUNTS),
                         *("" if values[name] is None else values[name] for name in RATES)])
    return response


@organisation_page(Permission.VIEW_NUDGES)
def coach_nudges(request, organisation):
    form = NudgedFilterForm(request.GET)
    page = selectors.nudged_learners(organisation, viewer=request.user,
                                     filters=form.filters(), page=request.GET.get("page", 1))
    learners = selectors.followed_learners(organisation, viewer=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "engagement/dashboard/coach_nudges.html", {
        "organisation": organisation, "form": form, "page": page, "learners": learners,
        "query": query.urlencode(),
    })
