"""Forms of the segments and campaigns pages: they turn input into types; the services
(`engagement.services.campaigns`) hold the rules and give the reasons."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parcours.core.models import Verb
from parcours.core.roles import Role
from parcours.engagement.models import CampaignSchedule, Segment, Tone
from parcours.engagement.segments import MAX_DAYS, Level
from parcours.engagement.selectors.campaigns import rule_choices
from parcours.engagement.services.campaigns import CONVERSION_VERBS, VariantSpec
from parcours.journeys.models import EnrolmentStatus

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]
VARIANT_PREFIXES = ("a", "b", "c")


def _checkboxes(label, choices, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False,
                                     widget=forms.CheckboxSelectMultiple, **kwargs)


class SegmentForm(forms.Form):
    """A segment's name and rules; `rules()` gives the JSON the service checks."""

    name = forms.CharField(label=_("Name"), max_length=120)
    roles = _checkboxes(_("Role"), Role.choices, initial=[Role.LEARNER])
    level = _checkboxes(
        _("Level"), Level.CHOICES,
        help_text=_("Advanced: 80 % or more on average in quizzes and half of the path done. "
                    "Beginner: under 50 % (or no quiz) and under a quarter done. "
                    "Intermediate: everyone else."))
    status = _checkboxes(_("Enrolment status"), EnrolmentStatus.choices)
    programmes = _checkboxes(_("Enrolled in"), [])
    tags = _checkboxes(_("Themes"), [])
    skills = _checkboxes(_("Skills"), [])
    languages = _checkboxes(_("Language"), settings.LANGUAGES)
    active_within_days = forms.IntegerField(
        label=_("Active in the last … days"), min_value=1, max_value=MAX_DAYS, required=False)
    inactive_for_days = forms.IntegerField(
        label=_("Inactive for … days or more"), min_value=1, max_value=MAX_DAYS,
        required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for key, choices in rule_choices(organisation).items():
            self.fields[key].choices = choices
            if not choices:
                self.fields[key].help_text = _("None in this organisation yet.")

    @classmethod
    def for_segment(cls, segment: Segment, data=None) -> "SegmentForm":
        return cls(data, organisation=segment.organisation,
                   initial={"name": segment.name, "roles": [], **segment.rules})

    def rules(self) -> dict:
        data = self.cleaned_data
        rules: dict = {}
        for key in ("roles", "level", "status", "languages"):
            if data.get(key):
                rules[key] = list(data[key])
        for key in ("programmes", "tags", "skills"):
            if data.get(key):
                rules[key] = [int(value) for value in data[key]]
        for key in ("active_within_days", "inactive_for_days"):
            if data.get(key):
                rules[key] = data[key]
        return rules


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none(),
                                     empty_label=None)
    schedule = forms.ChoiceField(label=_("When"), choices=CampaignSchedule.choices,
                                 widget=forms.RadioSelect, initial=CampaignSchedule.ONCE)
    starts_at = forms.DateTimeField(
        label=_("Send at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Once: in your time zone; empty sends it now."))
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int,
                                     required=False, empty_value=None)
    hour = forms.IntegerField(label=_("Hour"), min_value=0, max_value=23, required=False,
                              help_text=_("Every week: in the organisation's time zone."))
    pilot_percent = forms.IntegerField(
        label=_("Pilot share (%)"), min_value=1, max_value=100, initial=100,
        help_text=_("Try the variants on this share of the segment first; promote the "
                    "winner to the rest."))
    holdout_percent = forms.IntegerField(
        label=_("Holdout group (%)"), min_value=0, max_value=50, initial=0,
        help_text=_("This share gets nothing: the baseline that shows what the messages "
                    "change."))
    conversion_verb = forms.ChoiceField(
        label=_("Conversion goal"), required=False,
        choices=[("", _("No goal")), *((verb, Verb(verb).label) for verb in CONVERSION_VERBS)],
        help_text=_("What the learner should do after the message."))
    conversion_object = forms.CharField(
        label=_("Goal object (optional)"), max_length=120, required=False,
        help_text=_("“type:id”, e.g. catalog.programme:12."))
    conversion_days = forms.IntegerField(label=_("Conversion window (days)"), min_value=1,
                                         max_value=90, initial=7)
    url = forms.CharField(label=_("Link"), max_length=500, required=False,
                          help_text=_("Where the message leads, e.g. /o/…/my-path/."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.filter(organisation=organisation)


class VariantForm(forms.Form):
    """One variant; left empty, variants B and C are skipped."""

    name = forms.CharField(label=_("Name"), max_length=40)
    weight = forms.IntegerField(label=_("Share (%)"), min_value=0, max_value=100)
    tone = forms.ChoiceField(label=_("Tone"), choices=[("", "—"), *Tone.choices],
                             required=False)
    send_hour = forms.IntegerField(
        label=_("Send hour (optional)"), min_value=0, max_value=23, required=False,
        help_text=_("In the organisation's time zone; empty: the campaign's time."))
    every_weeks = forms.IntegerField(
        label=_("Every … weeks"), min_value=1, max_value=8, initial=1,
        help_text=_("Weekly campaigns: 2 sends this variant every other week."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, language in settings.LANGUAGES:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": language}, max_length=200,
                required=False)
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Message (%(language)s)") % {"language": language}, required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Variables: {{ first_name }}, {{ step_title }} (their next "
                            "step), {{ due_date }} (its due date)."))

    def is_empty(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(f"subject_{code}") or data.get(f"body_{code}")
                       for code, _name in settings.LANGUAGES)

    def spec(self) -> VariantSpec:
        data = self.cleaned_data
        return VariantSpec(
            name=data["name"], weight=data["weight"], tone=data.get("tone") or "",
            send_hour=data.get("send_hour"), every_weeks=data.get("every_weeks") or 1,
            messages={code: {"subject": data.get(f"subject_{code}", ""),
                             "body": data.get(f"body_{code}", "")}
                      for code, _name in settings.LANGUAGES})


def campaign_initial(campaign) -> dict:
    """A draft's values, to change it in the same form."""
    holdout = next((v for v in campaign.variants.all() if v.is_holdout), None)
    return {
        **{name: getattr(campaign, name) for name in (
            "name", "schedule", "starts_at", "weekday", "hour", "pilot_percent",
            "conversion_verb", "conversion_object", "conversion_days", "url")},
        "segment": campaign.segment_id,
        "holdout_percent": holdout.weight if holdout else 0,
    }


def _variant_initial(variant) -> dict:
    initial = {"name": variant.name, "weight": variant.weight, "tone": variant.tone,
               "send_hour": variant.send_hour, "every_weeks": variant.every_weeks}
    for code, message in (variant.messages or {}).items():
        initial[f"subject_{code}"] = message.get("subject", "")
        initial[f"body_{code}"] = message.get("body", "")
    return initial


def variant_forms(data=None, *, campaign=None) -> list[VariantForm]:
    """Variants A, B and C (a draft's own first): A gets the whole segment until the
    manager splits it."""
    existing = [v for v in campaign.variants.all() if not v.is_holdout] if campaign else []
    forms_ = []
    for index, prefix in enumerate(VARIANT_PREFIXES):
        initial = {"name": prefix.upper(), "weight": 100 if index == 0 else 0,
                   "every_weeks": 1}
        if index < len(existing):
            initial = _variant_initial(existing[index])
        form = VariantForm(data, prefix=prefix, initial=initial)
        if index:
            for name, field in form.fields.items():
                if name not in ("name", "weight", "every_weeks"):
                    field.required = False
        forms_.append(form)
    return forms_
