"""The person's notification settings page (`/notifications/preferences/`), and the
organisation's sending rules for managers (`/o/<slug>/nudges/sending-rules/`).

It turns the form into types, calls `services.preferences.save_preferences` (the API
calls the same service) and shows the result, or the refusal beside what was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.core.roles import Permission
from parcours.engagement.forms_preferences import PreferencesForm, SendingRulesForm
from parcours.engagement.services.preferences import (
    InvalidPreference,
    preferences_of,
    save_preferences,
    update_sending_rules,
)
from parcours.engagement.timing import engagement_settings_for
from parcours.web.decorators import organisation_page


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    current = preferences_of(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, preferences=current)
        if form.is_valid():
            try:
                save_preferences(
                    request.user, choices=form.choices(),
                    quiet_hours=(form.cleaned_data["quiet_hours_start"],
                                 form.cleaned_data["quiet_hours_end"]),
                    digest=form.cleaned_data["digest"], by=request.user)
            except InvalidPreference as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("engagement:preferences")
    else:
        form = PreferencesForm(preferences=current)
    return render(request, "engagement/preferences/preferences.html", {
        "form": form,
        "preferences": current,
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.MANAGE_NUDGES)
def sending_rules(request, organisation):
    """The organisation's sending defaults: hour, weekly cap, back-off (managers)."""
    current = engagement_settings_for(organisation)
    if request.method == "POST":
        form = SendingRulesForm(request.POST)
        if form.is_valid():
            try:
                update_sending_rules(organisation, by=request.user, **form.cleaned_data)
            except InvalidPreference as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("The sending rules are saved."))
                return redirect("engagement:sending_rules", organisation.slug)
    else:
        form = SendingRulesForm(initial={
            "default_send_hour": current.default_send_hour,
            "nudges_per_week": current.nudges_per_week,
            "backoff_after": current.backoff_after,
        })
    return render(request, "engagement/preferences/sending_rules.html", {
        "organisation": organisation,
        "form": form,
    }, status=400 if form.errors else 200)
