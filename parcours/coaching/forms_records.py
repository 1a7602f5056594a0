from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.classroom.forms_documents import PeriodForm
from parcours.coaching import reports
from parcours.coaching.models import EngagementStatus


class CoachingReportForm(PeriodForm):
    by = forms.ChoiceField(label=_("Per"), required=False, choices=reports.grouping_choices,
                           widget=forms.RadioSelect)

    def grouping(self) -> str:
        if self.is_valid() and self.cleaned_data.get("by"):
            return self.cleaned_data["by"]
        return "coach"


class CaseloadFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + list(EngagementStatus.choices))
    drifting = forms.BooleanField(label=_("Only those drifting away"), required=False)


class TimelineFilterForm(forms.Form):
    kinds = forms.MultipleChoiceField(label=_("Show"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = kinds


class RetentionForm(forms.Form):
    days = forms.IntegerField(
        label=_("Anonymise closed engagements after (days)"), min_value=1, max_value=36500,
        help_text=_("Counted from the end of the engagement (or its closing, when later). "
                    "Private notes are deleted; hours and dates stay for reports."))


class SynthesisForm(forms.Form):
    body = forms.CharField(label=_("Synthesis"), widget=forms.Textarea(attrs={"rows": 24}),
                           max_length=100_000,
                           help_text=_("Markdown: # headings, **bold**, lists."))
