"""Forms of the engagements part: they turn what people type into types (whole minutes,
dates, rows of the organisation) and nothing more; the rules are in the services."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parcours.catalog.models import StepKind
from parcours.coaching.models import (
    ActionAssignee,
    EngagementKind,
    EngagementType,
    NoteVisibility,
)
from parcours.coaching.services.actions import ActionDraft
from parcours.coaching.services.appointments import MAX_MINUTES

DURATION = re.compile(
    r"^\s*(?:(?P<only_minutes>\d{1,5})\s*min"
    r"|(?P<hours>\d{1,4})\s*(?:h|:|heures?|hours?)?\s*(?P<minutes>\d{1,2})?\s*(?:min)?)\s*$",
    re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Whole minutes from what people type: "24", "24 h", "22 h 30", "22:30", "1h05",
    "90 min". Raises ValueError otherwise."""
    match = DURATION.match(text or "")
    if not match:
        raise ValueError(text)
    if match["only_minutes"] is not None:
        return int(match["only_minutes"])
    minutes = int(match["minutes"] or 0)
    if minutes >= 60:
        raise ValueError(text)
    return int(match["hours"]) * 60 + minutes


class DurationField(forms.CharField):
    """Hours as typed ("22 h 30"), cleaned to whole minutes."""

    default_error_messages = {
        "invalid": _("Write a duration in hours, like “24”, “22 h 30” or “90 min”."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "size": 10,
                                                           "maxlength": 20}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            hours, minutes = divmod(value, 60)
            return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_duration(value)
        except ValueError as invalid:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from invalid


class LinesField(forms.CharField):
    """One entry per line, as a list."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value) or ""
        return [line.strip() for line in value.splitlines() if line.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _minutes_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100_000, **kwargs)


class BookingRulesMixin(forms.Form):
    notice_hours = _minutes_field(_("Notice (hours)"), help_text=_(
        "How long before an appointment it can still be booked, moved or cancelled."))
    min_minutes = _minutes_field(_("Shortest appointment (minutes)"))
    max_minutes = _minutes_field(_("Longest appointment (minutes)"))
    default_minutes = _minutes_field(_("Usual appointment (minutes)"))
    buffer_minutes = _minutes_field(_("Buffer between appointments (minutes)"))


class EngagementTypeForm(BookingRulesMixin):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=EngagementKind.choices)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    contracted_minutes = DurationField(label=_("Contracted hours"), help_text=_(
        "Like “24” or “22 h 30”."))
    default_actions = LinesField(label=_("Default action items"), required=False,
                                 help_text=_("One per line: every new engagement starts "
                                             "with them."))
    documents_to_produce = LinesField(label=_("Documents to produce"), required=False,
                                      help_text=_("One per line."))
    field_order = ["name", "kind", "description", "contracted_minutes", "default_actions",
                   "documents_to_produce"]


class EngagementTypeEditForm(EngagementTypeForm):
    archived = forms.BooleanField(label=_("Archived"), required=False, help_text=_(
        "No new engagement opens with an archived type; open ones keep it."))


class PhaseTemplateForm(forms.Form):
    name = forms.CharField(label=_("Phase"), max_length=120)
    planned_minutes = DurationField(label=_("Planned hours"))
    note_template = forms.CharField(
        label=_("Note outline"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What a coach's note in this phase starts from (Markdown)."))


class EngagementForm(BookingRulesMixin):
    """Opening (with the type, the beneficiary and the coaches) or editing an engagement."""

    engagement_type = forms.ModelChoiceField(label=_("Engagement type"),
                                             queryset=EngagementType.objects.none())
    beneficiary = forms.ModelChoiceField(label=_("Beneficiary"), queryset=None)
    coaches = forms.ModelMultipleChoiceField(label=_("Coaches"), queryset=None,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text=_("You lead when you are among "
                                                         "them; otherwise the first in "
                                                         "the list."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Left empty: the type and the beneficiary's name."))
    objectives = forms.CharField(label=_("Objectives"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    contracted_minutes = DurationField(label=_("Contracted hours"), required=False,
                                       help_text=_("Left empty: the type's."))
    funder = forms.CharField(label=_("Funder"), max_length=160, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    field_order = ["engagement_type", "beneficiary", "coaches", "title", "objectives",
                   "contracted_minutes", "funder", "starts_on", "ends_on"]

    def __init__(self, *args, types=None, members=None, coaches=None, editing=False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            for name in ("engagement_type", "beneficiary", "coaches"):
                del self.fields[name]
            self.fields["title"].required = True
            self.fields["contracted_minutes"].required = True
            self.fields["contracted_minutes"].help_text = ""
        else:
            for name in ("notice_hours", "min_minutes", "max_minutes", "default_minutes",
                         "buffer_minutes"):
                del self.fields[name]
            self.fields["engagement_type"].queryset = types
            self.fields["beneficiary"].queryset = members
            self.fields["coaches"].queryset = coaches


class AssignCoachForm(forms.Form):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=None)
    lead = forms.BooleanField(label=_("Lead coach"), required=False)

    def __init__(self, *args, coaches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    assignee = forms.ChoiceField(label=_("For"), choices=ActionAssignee.choices,
                                 initial=ActionAssignee.BENEFICIARY)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    detail = forms.CharField(label=_("Detail"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def draft(self) -> ActionDraft:
        data = self.cleaned_data
        return ActionDraft(title=data["title"], assignee=data["assignee"],
                           due_on=data.get("due_on"), detail=data.get("detail") or "")


class ActionRowForm(ActionItemForm):
    """A row of the closing screen: empty rows are allowed and skipped."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        del self.fields["detail"]

    def draft(self) -> ActionDraft | None:
        if not self.cleaned_data.get("title"):
            return None
        return ActionDraft(title=self.cleaned_data["title"],
                           assignee=self.cleaned_data["assignee"],
                           due_on=self.cleaned_data.get("due_on"))


ActionRows = forms.formset_factory(ActionRowForm, extra=3, max_num=10)


class CloseAppointmentForm(forms.Form):
    actual_minutes = forms.IntegerField(
        label=_("Actual duration (minutes)"), min_value=1, max_value=MAX_MINUTES,
        help_text=_("Pre-filled from the booking, or from the video call when it was "
                    "held through Parcours."))
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=None, required=False,
                                   empty_label=_("(the current phase)"))
    shared_note = forms.CharField(
        label=_("Shared note"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The beneficiary reads it and can comment on it. Markdown."))
    private_note = forms.CharField(
        label=_("Private note"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the engagement's coaches only: never shown to the beneficiary nor "
                    "to managers."))

    def __init__(self, *args, phases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = phases


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Markdown: **bold**, *italics*, lists, links."))
    visibility = forms.ChoiceField(label=_("Who reads it"), choices=NoteVisibility.choices,
                                   initial=NoteVisibility.PRIVATE, widget=forms.RadioSelect)
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=None, required=False,
                                   empty_label=_("(no phase)"))

    def __init__(self, *args, phases=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["visibility"]
            del self.fields["phase"]
        else:
            self.fields["phase"].queryset = phases


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PathStepForm(forms.Form):
    enrolment = forms.TypedChoiceField(label=_("Programme"), coerce=int)
    kind = forms.ChoiceField(label=_("What proves it done"), widget=forms.RadioSelect,
                             choices=[
                                 (StepKind.ASSIGNMENT, _("Work handed in, accepted by the "
                                                         "coach")),
                                 (StepKind.CHECKPOINT, _("The coach's validation")),
                             ])
    estimated_minutes = forms.IntegerField(label=_("Estimated time (minutes)"), min_value=1,
                                           max_value=10_000, initial=30)

    def __init__(self, *args, enrolments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].choices = [(e.pk, e.programme.title) for e in enrolments]
