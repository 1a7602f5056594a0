"""Forms of the triggers part: a trigger's settings, a message template, a feedback answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.engagement.services.feedback import MAX_COMMENT_LENGTH
from parcours.engagement.triggers.base import Param, Trigger


class NumbersField(forms.CharField):
    """Several whole numbers typed as “48, 1”."""

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(
                _("Enter whole numbers separated by commas, e.g. 48, 1.")) from None

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value


def _field(param: Param) -> forms.Field:
    if param.many:
        return NumbersField(label=param.label, help_text=_(
            "Whole numbers from %(min)s to %(max)s, separated by commas.") % {
                "min": param.minimum, "max": param.maximum})
    return forms.IntegerField(label=param.label, min_value=param.minimum,
                              max_value=param.maximum)


class TriggerSettingsForm(forms.Form):
    """On or off, and one field per parameter of the trigger."""

    enabled = forms.BooleanField(label=_("Enabled"), required=False)

    def __init__(self, *args, trigger: Trigger, **kwargs):
        super().__init__(*args, **kwargs)
        self.trigger = trigger
        for param in trigger.params:
            self.fields[param.name] = _field(param)

    def params(self) -> dict:
        return {param.name: self.cleaned_data[param.name] for param in self.trigger.params}


class MessageTemplateForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 6}),
                           required=False)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, widget=forms.RadioSelect,
        choices=[(1, _("1 — Very poor")), (2, _("2 — Poor")), (3, _("3 — Fair")),
                 (4, _("4 — Good")), (5, _("5 — Excellent"))])
    comment = forms.CharField(label=_("Comment (optional)"), required=False,
                              max_length=MAX_COMMENT_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 4}))
