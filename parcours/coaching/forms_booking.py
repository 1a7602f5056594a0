"""Forms of the booking pages: they turn input into types; the services decide."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.coaching.models import AppointmentMode, ExceptionKind, Weekday
from parcours.coaching.services.availability import WeeklyPeriod

MODE_CHOICES = AppointmentMode.choices


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class WeeklyPeriodForm(forms.Form):
    """One period of the usual week, on the coach's clock."""

    # A blank first choice, so that the empty rows offered to add a period post nothing
    # and are left out (a select always posts its first option).
    weekday = forms.TypedChoiceField(label=_("Day"), choices=[("", "—"), *Weekday.choices],
                                     coerce=int, empty_value=None)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("To"), widget=TimeInput())
    modes = forms.MultipleChoiceField(label=_("Ways to meet"), choices=MODE_CHOICES,
                                      widget=forms.CheckboxSelectMultiple)
    place = forms.CharField(label=_("Place (in person)"), required=False, max_length=255)

    def period(self) -> WeeklyPeriod:
        data = self.cleaned_data
        return WeeklyPeriod(weekday=data["weekday"], start_time=data["start_time"],
                            end_time=data["end_time"], modes=frozenset(data["modes"]),
                            place=data["place"])


WeeklyFormSet = forms.formset_factory(WeeklyPeriodForm, extra=2, can_delete=True,
                                      max_num=40, validate_max=True)


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.choices,
                             widget=forms.RadioSelect, initial=ExceptionKind.UNAVAILABLE)
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("To"), widget=DateTimeInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200,
                           help_text=_("For you, e.g. “holiday” or “evening slot”."))
    modes = forms.MultipleChoiceField(
        label=_("Ways to meet (extra slot)"), choices=MODE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple, initial=["video"])
    place = forms.CharField(label=_("Place (in person)"), required=False, max_length=255)


class MeetingLinkTemplateForm(forms.Form):
    template = forms.CharField(
        label=_("Meeting link template"), required=False, max_length=300,
        help_text=_("For example https://meet.jit.si/cap-avenir-{code}: {code} becomes a "
                    "code unique to each appointment. Leave empty to let coaches give "
                    "their own links."))


class SlotChoiceForm(forms.Form):
    """The beneficiary's choice among the open slots shown."""

    slot = forms.CharField(label=_("Time"), error_messages={
        "required": _("Choose one of the open times.")})
    minutes = forms.IntegerField(label=_("Length (minutes)"))
    mode = forms.ChoiceField(label=_("How"), choices=MODE_CHOICES, widget=forms.RadioSelect)

    def clean_slot(self) -> tuple[int, datetime]:
        coach_id, _sep, moment = self.cleaned_data["slot"].partition("|")
        try:
            starts_at = datetime.fromisoformat(moment)
            coach = int(coach_id)
        except ValueError as invalid:
            raise forms.ValidationError(_("Choose one of the open times.")) from invalid
        if starts_at.tzinfo is None:
            raise forms.ValidationError(_("Choose one of the open times."))
        return coach, starts_at


class AnyTimeForm(forms.Form):
    """A coach or a manager books any free time, on their own clock."""

    coach = forms.TypedChoiceField(label=_("Coach"), coerce=int)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    minutes = forms.IntegerField(label=_("Length (minutes)"))
    mode = forms.ChoiceField(label=_("How"), choices=MODE_CHOICES, widget=forms.RadioSelect,
                             initial=AppointmentMode.VIDEO)
    place = forms.CharField(label=_("Place (in person)"), required=False, max_length=255)
    meeting_url = forms.CharField(
        label=_("Meeting link (video)"), required=False, max_length=500,
        help_text=_("Optional: without one, the organisation's template makes one."))

    def __init__(self, coaches, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].choices = [(coach.pk, coach.display_name) for coach in coaches]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=255, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("The other person reads it."))


class MeetingLinkForm(forms.Form):
    meeting_url = forms.CharField(label=_("Meeting link"), max_length=500, required=False)
