"""Forms of the scheduling pages: they turn input into types; the services hold the rules.

Slot times are typed in the person's own time zone (the one every page shows), and
become aware datetimes here.
"""

import zoneinfo
from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.classroom import selectors
from parcours.classroom.models import Room, Session, SessionKind
from parcours.classroom.services.scheduling import MAX_WEEKS, MIN_WEEKS

# Empty rows offered for slots, and how many more the "more rows" button adds.
SLOT_ROWS = 4
MAX_SLOTS = 60


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False,
                            help_text=_("The building or the site, e.g. Campus Paris Centre."))
    address = forms.CharField(label=_("Address"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000,
                                  required=False)

    @classmethod
    def for_room(cls, room: Room, data=None) -> "RoomForm":
        return cls(data, initial={"name": room.name, "venue": room.venue,
                                  "address": room.address, "capacity": room.capacity})


class SessionForm(forms.Form):
    """What a session is (its times are the slots' business)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices,
                             widget=forms.RadioSelect, initial=SessionKind.IN_PERSON)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(),
                                  required=False, empty_label=_("No room from the list"))
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where, when the place is not one of the rooms."))
    meeting_url = forms.URLField(
        label=_("Meeting link"), required=False, max_length=200, assume_scheme="https",
        help_text=_("Virtual and hybrid classes: BigBlueButton, Jitsi, Teams, Zoom or any "
                    "https:// link."))
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"), queryset=User.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple)
    step = forms.ModelChoiceField(
        label=_("Live-session step of a programme"), required=False, queryset=None,
        empty_label=_("None: a session on its own"),
        help_text=_("Attending the session completes this step of the learners' paths."))
    allows_self_registration = forms.BooleanField(
        label=_("Learners can register themselves"), required=False)
    cancellation_notice_hours = forms.IntegerField(
        label=_("Learners can cancel until (hours before the start)"), min_value=0,
        max_value=720, initial=48)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(organisation=organisation)
        self.fields["trainers"].queryset = selectors.trainers_of(organisation)
        self.fields["trainers"].label_from_instance = lambda user: (
            user.display_name or user.email)
        self.fields["step"].queryset = selectors.live_session_steps(organisation)
        self.fields["step"].label_from_instance = lambda step: (
            f"{step.programme.title} — {step.title}")

    @classmethod
    def for_session(cls, session: Session, data=None) -> "SessionForm":
        return cls(data, organisation=session.organisation, initial={
            "title": session.title, "description": session.description, "kind": session.kind,
            "capacity": session.capacity, "room": session.room_id, "address": session.address,
            "meeting_url": session.meeting_url,
            "trainers": [t.pk for t in session.trainers.all()], "step": session.step_id,
            "allows_self_registration": session.allows_self_registration,
            "cancellation_notice_hours": session.cancellation_notice_hours,
        })

    def values(self) -> dict:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data["trainers"] = list(data["trainers"])
        return data


class SlotForm(forms.Form):
    """One row: a date, a start and an end. A row left empty is ignored."""

    day = forms.DateField(label=_("Date"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label=_("Starts"), required=False,
                             widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Ends"), required=False,
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def clean(self):
        data = super().clean()
        values = [data.get(name) for name in ("day", "starts", "ends")]
        if any(values) and not all(values) and not self.errors:
            raise forms.ValidationError(_("Give the date, the start and the end."))
        if all(values) and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The slot must end after it starts."))
        return data

    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("day"))


class BaseSlotFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.is_filled() for form in self.forms):
            raise forms.ValidationError(_("Give at least one slot: a date, a start and an "
                                          "end."))

    def slots(self, zone: zoneinfo.ZoneInfo) -> list[tuple[datetime, datetime]]:
        """The filled rows as aware datetimes, read in `zone`."""
        return [(datetime.combine(form.cleaned_data["day"], form.cleaned_data["starts"],
                                  tzinfo=zone),
                 datetime.combine(form.cleaned_data["day"], form.cleaned_data["ends"],
                                  tzinfo=zone))
                for form in self.forms if form.is_filled()]


SlotFormSet = forms.formset_factory(SlotForm, formset=BaseSlotFormSet, extra=SLOT_ROWS,
                                    max_num=MAX_SLOTS, validate_max=True, absolute_max=MAX_SLOTS)


def slot_formset(data=None, *, slots=(), zone: zoneinfo.ZoneInfo | None = None,
                 more_rows: bool = False) -> BaseSlotFormSet:
    """The slot rows: the posted ones to check; or, asked for more rows, the posted ones
    as typed (unchecked) and `SLOT_ROWS` empty ones; or the session's current slots shown
    in `zone`, and two empty rows."""
    if data is not None and not more_rows:
        return SlotFormSet(data, prefix="slots")
    if data is not None:
        rows = [typed(row) for row in SlotFormSet(data, prefix="slots").forms]
        return _rows(rows, extra=SLOT_ROWS)
    rows = [{"day": start.astimezone(zone).date(),
             "starts": start.astimezone(zone).time().replace(tzinfo=None),
             "ends": end.astimezone(zone).time().replace(tzinfo=None)}
            for start, end in slots]
    return _rows(rows, extra=2 if rows else SLOT_ROWS)


def _rows(initial: list[dict], *, extra: int) -> BaseSlotFormSet:
    extra = max(0, min(extra, MAX_SLOTS - len(initial)))
    formset_class = forms.formset_factory(SlotForm, formset=BaseSlotFormSet, extra=extra,
                                          max_num=MAX_SLOTS, validate_max=True,
                                          absolute_max=MAX_SLOTS)
    return formset_class(prefix="slots", initial=initial)


def typed(form: forms.Form) -> dict:
    """What was typed in a posted form, as initial values of an unchecked copy: asking for
    more rows keeps the input without showing errors about fields not filled yet."""
    return {name: form[name].data for name in form.fields}


class RepeatForm(forms.Form):
    repeat = forms.BooleanField(label=_("Repeat every week"), required=False)
    weeks = forms.IntegerField(
        label=_("Number of weeks"), min_value=MIN_WEEKS, max_value=MAX_WEEKS, required=False,
        help_text=_("From 2 to 52 sessions, one a week at the same hours."))

    def clean(self):
        data = super().clean()
        if data.get("repeat") and not data.get("weeks") and "weeks" not in self.errors:
            self.add_error("weeks", _("Say for how many weeks."))
        return data

    def weeks_to_repeat(self) -> int | None:
        return self.cleaned_data["weeks"] if self.cleaned_data.get("repeat") else None


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The people registered read it in the cancellation email."))
