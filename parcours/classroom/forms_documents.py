"""Forms of the documents part: a satisfaction survey, and the period and grouping of
the reports. They turn input into types; services/surveys.py and reports.py decide."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.classroom import reports
from parcours.classroom.services.surveys import MAX_COMMENT_LENGTH, SCALE, SCORES, questions_of


class SurveyForm(forms.Form):
    """One group of five radio buttons per question (1 to 5), and a comment."""

    def __init__(self, kind: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = [(str(score), f"{score} — {SCALE[score]}") for score in SCORES]
        for question in questions_of(kind):
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.label, choices=choices, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Choose a rating from 1 to 5.")})
        self.fields["comment"] = forms.CharField(
            label=_("Anything to add?"), required=False, max_length=MAX_COMMENT_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("What you liked, what could be better. Your name is not shown with "
                        "your comment."))

    @property
    def question_fields(self):
        return [self[question.key] for question in questions_of(self.kind)]

    def answers(self) -> dict[str, int]:
        return {question.key: self.cleaned_data[question.key]
                for question in questions_of(self.kind)}


class PeriodForm(forms.Form):
    """From a day to a day (both included), in the organisation's time zone; the last
    twelve months when left empty."""

    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, data=None, *, today: date, **kwargs):
        self.default = reports.default_period(today)
        if data is not None:
            # Shown filled in, so that people see which period they are looking at.
            data = data.copy()
            for name in ("start", "end"):
                if not data.get(name):
                    data[name] = getattr(self.default, name).isoformat()
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        start = cleaned.get("start") or self.default.start
        end = cleaned.get("end") or self.default.end
        try:
            cleaned["period"] = reports.period(start, end)
        except reports.PeriodInvalid as invalid:
            raise forms.ValidationError(invalid.message) from invalid
        return cleaned

    def period(self) -> reports.Period:
        """The period asked for, or the default one when the input is not valid."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return self.default


class HoursReportForm(PeriodForm):
    by = forms.ChoiceField(label=_("Per"), required=False, choices=reports.grouping_choices,
                           widget=forms.RadioSelect)

    def grouping(self) -> str:
        if self.is_valid() and self.cleaned_data.get("by"):
            return self.cleaned_data["by"]
        return "learner"
