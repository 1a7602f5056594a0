"""Forms of the path pages: they turn input into types; the services decide the rules."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.assessments.marking import SHORT_ANSWER_MAX_LENGTH
from parcours.catalog.models import StepKind
from parcours.journeys.models import EnrolmentStatus

MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
MAX_ENROLMENT_FILE_BYTES = 1024 * 1024


class HeartbeatForm(forms.Form):
    """What heartbeat.js sends: the seconds the page was visible since the last beat
    (0 when the page opens)."""

    seconds = forms.IntegerField(min_value=0, max_value=600)


# --- The learner's evidence -------------------------------------------------------------


class CheckAnswerForm(forms.Form):
    """A lesson's check question, shaped by the question's kind.

    `response()` gives what `assessments.marking.mark_response` reads: a choice id, a
    list of choice ids (several, or in order), or the typed text.
    """

    def __init__(self, question, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        choices = [(str(choice.pk), choice.text) for choice in question.choices.all()]
        label = question.prompt
        if question.kind in ("single", "true_false"):
            self.fields["answer"] = forms.ChoiceField(label=label, choices=choices,
                                                      widget=forms.RadioSelect)
        elif question.kind == "multiple":
            self.fields["answer"] = forms.MultipleChoiceField(
                label=label, choices=choices, widget=forms.CheckboxSelectMultiple,
                help_text=_("Tick every right answer."))
        elif question.kind == "ordering":
            # Listed alphabetically: the authored order is the answer.
            for choice_id, text in sorted(choices, key=lambda choice: choice[1].casefold()):
                self.fields[f"order_{choice_id}"] = forms.IntegerField(
                    label=text, min_value=1, max_value=len(choices),
                    help_text=_("Its place in the order (1 comes first)."))
        elif question.kind == "numeric":
            # Text, not a number field: marking reads "3,5" as well as "3.5".
            self.fields["answer"] = forms.CharField(label=label, max_length=40)
        else:
            self.fields["answer"] = forms.CharField(label=label, max_length=SHORT_ANSWER_MAX_LENGTH)

    def response(self):
        data = self.cleaned_data
        if self.question.kind == "ordering":
            places = {int(name.removeprefix("order_")): place
                      for name, place in data.items() if name.startswith("order_")}
            return sorted(places, key=lambda choice_id: (places[choice_id], choice_id))
        if self.question.kind in ("single", "true_false"):
            return int(data["answer"])
        if self.question.kind == "multiple":
            return sorted(int(choice) for choice in data["answer"])
        return data["answer"]


class SubmissionForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(label=_("A file"), required=False,
                           help_text=_("Up to 20 MB. Text, a file, or both."))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_SUBMISSION_BYTES:
            raise forms.ValidationError(_("This file is larger than 20 MB."))
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Write your answer or attach a file."))
        return data


class DeclarationForm(forms.Form):
    note = forms.CharField(label=_("A note for your coach (optional)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


# --- The coach's adaptations ------------------------------------------------------------


REASON_HELP = _("The learner reads it with the change.")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DueDateForm(ReasonForm):
    due_on = forms.DateField(label=_("New due date"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}),
                             help_text=_("Leave empty to remove the due date."))

    field_order = ["due_on", "reason"]


class InsertStepForm(ReasonForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (kind.value, kind.label) for kind in StepKind if kind != StepKind.QUIZ])
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Content"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Markdown: text, links and images."))
    external_url = forms.URLField(label=_("External link"), required=False, assume_scheme="https",
                                  help_text=_("Needed for an external activity."))
    estimated_minutes = forms.IntegerField(label=_("Estimated duration (minutes)"),
                                           min_value=1, max_value=10_000, initial=15)
    position = forms.IntegerField(label=_("Position in the path"), min_value=1,
                                  help_text=_("1 puts it first."))
    due_on = forms.DateField(label=_("Due date (optional)"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["title", "kind", "body", "external_url", "estimated_minutes", "position",
                   "due_on", "reason"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == StepKind.EXTERNAL and not data.get("external_url"):
            self.add_error("external_url", _("An external activity needs its link."))
        return data

    def content(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("kind", "title", "body", "external_url",
                                              "estimated_minutes", "due_on")}


class ReorderForm(ReasonForm):
    """One position number per step still to do (done and skipped steps keep their
    places); the service checks the new order."""

    def __init__(self, steps, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = list(steps)
        for number, step in enumerate(self.steps, 1):
            self.fields[f"position_{step.pk}"] = forms.IntegerField(
                label=step.title, min_value=1, max_value=len(self.steps), initial=number)
        self.order_fields([f"position_{step.pk}" for step in self.steps] + ["reason"])

    def clean(self):
        data = super().clean()
        places = [data.get(f"position_{step.pk}") for step in self.steps]
        if None not in places and len(set(places)) != len(places):
            raise forms.ValidationError(_("Give each step a different position."))
        return data

    def order(self) -> list[int]:
        """The step ids in their new order."""
        return sorted((step.pk for step in self.steps),
                      key=lambda pk: self.cleaned_data[f"position_{pk}"])


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    ACCEPT = "accept"
    CHANGES = "changes"

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (ACCEPT, _("Accept: the step is done")),
        (CHANGES, _("Ask for changes")),
    ])
    feedback = forms.CharField(label=_("Feedback"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Needed when you ask for changes."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.CHANGES and not (data.get("feedback") or "").strip():
            self.add_error("feedback", _("Tell the learner what to change."))
        return data

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPT


# --- Caseload and enrolling -------------------------------------------------------------


class CaseloadFilterForm(forms.Form):
    search = forms.CharField(label=_("Name or email"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + EnrolmentStatus.choices)
    programme = forms.IntegerField(label=_("Programme"), required=False, widget=forms.Select)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def show_programmes(self, programmes) -> None:
        """The programme choices come with the caseload, after the filters are read."""
        self.fields["programme"].widget.choices = [("", _("All"))] + [
            (programme.pk, programme.title) for programme in programmes]

    def filters(self) -> dict:
        """What reads of the filters; a filter that does not read is ignored."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": (data.get("search") or "").strip(),
            "status_filter": data.get("status") or "",
            "programme_filter": data.get("programme"),
            "sort": data.get("sort") or "name",
            "page": data.get("page") or 1,
        }


class HoursField(forms.DecimalField):
    """Hours as people type them: "2,5" (French) reads like "2.5"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace(",", ".")
        return super().to_python(value)


class EnrolForm(forms.Form):
    learners = forms.ModelMultipleChoiceField(
        label=_("Learners"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one learner.")})
    start_on = forms.DateField(label=_("Start date"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    hours_per_week = HoursField(
        label=_("Hours per week"), max_digits=4, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("60"))],
        initial=Decimal("3"), widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("The learner's pace: planned dates follow from it."))

    def __init__(self, learners, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learners"].queryset = learners
        self.fields["start_on"].initial = timezone.localdate

    @property
    def minutes_per_week(self) -> int:
        return int((self.cleaned_data["hours_per_week"] * 60).to_integral_value())


class EnrolmentFileForm(forms.Form):
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("One learner per line. Up to 1 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ENROLMENT_FILE_BYTES:
            raise forms.ValidationError(_("This file is larger than 1 MB."))
        return upload
