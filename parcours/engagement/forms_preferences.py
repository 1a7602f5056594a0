"""The preferences page's form: it turns the ticked boxes into types; the rules (what is
a valid quiet period, who may change what) live in `services.preferences`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.engagement.models import PREFERENCE_CHANNELS, Category, Channel, DigestFrequency
from parcours.engagement.services.preferences import (
    MAX_BACKOFF_AFTER,
    MAX_NUDGES_PER_WEEK,
    Preferences,
)

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
# Column headings short enough for a phone; each checkbox's own label says it in full.
COLUMN_HEADINGS = {
    Channel.IN_APP: _("In the app"),
    Channel.EMAIL: _("Email"),
    Channel.PUSH: _("Push"),
}


def cell_name(category: str, channel: str) -> str:
    return f"{category}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per category and channel, the quiet hours and the digest."""

    quiet_hours_start = forms.TypedChoiceField(
        label=_("Quiet from"), choices=HOURS, coerce=int,
        help_text=_("Local time, in your time zone."))
    quiet_hours_end = forms.TypedChoiceField(label=_("Quiet until"), choices=HOURS, coerce=int)
    digest = forms.ChoiceField(
        label=_("Less urgent emails"), choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Low-priority emails (suggestions, news) can come grouped in one email."))

    def __init__(self, *args, preferences: Preferences, **kwargs):
        kwargs.setdefault("initial", {
            "quiet_hours_start": preferences.quiet_hours_start,
            "quiet_hours_end": preferences.quiet_hours_end,
            "digest": preferences.digest,
            **{cell_name(cell.category, cell.channel): cell.enabled
               for row in preferences.rows for cell in row.cells},
        })
        super().__init__(*args, **kwargs)
        for category in Category:
            for channel in PREFERENCE_CHANNELS:
                self.fields[cell_name(category, channel)] = forms.BooleanField(
                    required=False,
                    label=_("%(channel)s for “%(category)s”") % {
                        "channel": channel.label, "category": category.label})

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The checkboxes row by row, as the table on the page lays them out."""
        return [(category.label, [self[cell_name(category, channel)]
                                  for channel in PREFERENCE_CHANNELS])
                for category in Category]

    def channel_labels(self) -> list[str]:
        return [COLUMN_HEADINGS[channel] for channel in PREFERENCE_CHANNELS]

    def choices(self) -> dict[tuple[str, str], bool]:
        return {(category.value, channel.value):
                self.cleaned_data[cell_name(category, channel)]
                for category in Category for channel in PREFERENCE_CHANNELS}


class SendingRulesForm(forms.Form):
    """An organisation's sending defaults (managers)."""

    default_send_hour = forms.TypedChoiceField(
        label=_("Default sending hour"), choices=HOURS, coerce=int,
        help_text=_("Nudges go out at this hour of each person's day until the engine has "
                    "learned when they are usually active."))
    nudges_per_week = forms.IntegerField(
        label=_("Nudges per person per week"), min_value=0, max_value=MAX_NUDGES_PER_WEEK,
        help_text=_("Over any seven days. Messages people need (a session moved, an "
                    "appointment) are never counted."))
    backoff_after = forms.IntegerField(
        label=_("Back off after this many ignored nudges"), min_value=1,
        max_value=MAX_BACKOFF_AFTER,
        help_text=_("The engine then stops nudging the person and tells their coach."))
