"""Forms of the attendance pages: a learner's status in a slot, and a signature."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.classroom import signing
from parcours.classroom.models import AttendanceStatus, Slot


class AttendanceForm(forms.Form):
    learner = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Attendance"), choices=AttendanceStatus.choices)
    arrived_at = forms.TimeField(
        label=_("Arrived at"), required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("For a learner who came late."))

    def arrival(self, slot: Slot) -> datetime | None:
        """The arrival time on the slot's day, in the trainer's time zone."""
        arrived = self.cleaned_data.get("arrived_at")
        if arrived is None:
            return None
        day = timezone.localtime(slot.starts_at).date()
        return timezone.make_aware(datetime.combine(day, arrived))


class SignatureForm(forms.Form):
    """A signature from the pad (a PNG data URL drawn by signature.js), or a typed name
    turned into one (keyboard users, and browsers without JavaScript)."""

    # No max_length: the service refuses an image over 200 KB with a message people read.
    image = forms.CharField(required=False, widget=forms.HiddenInput, strip=True)
    typed_name = forms.CharField(
        label=_("Or type your name"), required=False, max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "name"}))
    # How it was drawn (mouse, touch, pen, typed); anything else is left out of the device.
    input = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    ticket = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def clean(self):
        data = super().clean()
        if not data.get("image") and not (data.get("typed_name") or "").strip():
            raise forms.ValidationError(_("Draw your signature or type your name."))
        return data

    def signature_image(self) -> str:
        if self.cleaned_data.get("image"):
            return self.cleaned_data["image"]
        return signing.typed_signature(self.cleaned_data["typed_name"])

    def input_kind(self) -> str:
        if not self.cleaned_data.get("image"):
            return "typed"
        return self.cleaned_data.get("input") or ""
