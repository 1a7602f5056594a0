"""The filters of the nudges dashboard and of the coaches' view."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.engagement.models import Channel
from parcours.engagement.selectors.metrics import (
    MetricsFilter,
    NudgedFilter,
    PeriodInvalid,
)


class MetricsFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"),
                          widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.CharField(label=_("Kind of message"), required=False, max_length=40)
    campaign = forms.IntegerField(label=_("Campaign"), required=False, min_value=1)
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All channels")), *Channel.choices])

    def __init__(self, data=None, *, today: date):
        default = MetricsFilter.last_weeks(today)
        super().__init__(data, initial={"start": default.start, "end": default.end})
        self.default = default

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            try:
                MetricsFilter(start=start, end=end).check()
            except PeriodInvalid as invalid:
                self.add_error("end", invalid.message)
        return cleaned

    def filters(self) -> MetricsFilter:
        """What the form asks for; the last weeks when nothing (or nothing valid) was asked."""
        if not self.is_bound or not self.is_valid():
            return self.default
        data = self.cleaned_data
        return MetricsFilter(start=data["start"], end=data["end"], kind=data["kind"],
                             campaign_id=data["campaign"], channel=data["channel"])


class NudgedFilterForm(forms.Form):
    learner = forms.IntegerField(label=_("Learner"), required=False, min_value=1)
    kind = forms.CharField(label=_("Kind of message"), required=False, max_length=40)

    def filters(self) -> NudgedFilter:
        if not self.is_valid():
            return NudgedFilter()
        return NudgedFilter(learner_id=self.cleaned_data["learner"],
                            kind=self.cleaned_data["kind"])
