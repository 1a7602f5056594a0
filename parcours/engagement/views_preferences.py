"""The person's notification settings page (`/notifications/preferences/`).

It turns the form into types, calls `services.preferences.save_preferences` (the API
calls the same service) and shows the result, or the refusal beside what was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parcours.engagement.forms_preferences import PreferencesForm
from parcours.engagement.services.preferences import (
    InvalidPreference,
    preferences_of,
    save_preferences,
)


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
