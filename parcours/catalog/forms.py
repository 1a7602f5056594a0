"""Forms of the authoring and catalogue pages: they turn input into types, the services
hold the rules."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.catalog import selectors, services
from parcours.catalog.models import Programme, Step, TagKind
from parcours.core.errors import DomainError


def _names(text: str) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


class AttachmentInput(forms.ClearableFileInput):
    # Uploaded files are served by the catalogue's download view, not under MEDIA_URL,
    # so the current file is named, not linked.
    template_name = "catalog/widgets/attachment_input.html"


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown in the catalogue. Markdown: **bold**, *italics*, lists, links."))
    objectives = forms.CharField(
        label=_("Objectives"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What a learner can do at the end. Markdown."))
    audience = forms.CharField(
        label=_("Audience"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who the programme is for, and what they should know before."))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    tags = forms.CharField(
        label=_("Themes"), required=False, max_length=1000,
        help_text=_("Separated by commas, e.g. digital, job search."))
    skills = forms.CharField(
        label=_("Skills"), required=False, max_length=1000,
        help_text=_("Separated by commas, e.g. writing a CV, public speaking."))
    allows_self_enrolment = forms.BooleanField(
        label=_("Learners can enrol themselves from the catalogue"), required=False)

    @classmethod
    def for_programme(cls, programme: Programme, data=None) -> "ProgrammeForm":
        tags = list(programme.tags.all())
        return cls(data, initial={
            "title": programme.title, "description": programme.description,
            "objectives": programme.objectives, "audience": programme.audience,
            "language": programme.language,
            "tags": ", ".join(t.name for t in tags if t.kind == TagKind.THEME),
            "skills": ", ".join(t.name for t in tags if t.kind == TagKind.SKILL),
            "allows_self_enrolment": programme.allows_self_enrolment,
        })

    def values(self) -> dict:
        """The cleaned values as the services take them (tags and skills as names)."""
        data = dict(self.cleaned_data)
        data["tags"] = _names(data["tags"])
        data["skills"] = _names(data["skills"])
        return data


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200)


class StepForm(forms.Form):
    """The fields of one kind of step; the others are not shown."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: headings (#), lists, links, images (![text](https://…)). "
                    "Shown as the learner will see it in the preview."))
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https",
                               help_text=_("A link to the video (PeerTube, YouTube, Vimeo…)."))
    attachment = forms.FileField(
        label=_("Attached file"), required=False,
        widget=AttachmentInput(attrs={
            "accept": ",".join(f".{ext}" for ext in services.ATTACHMENT_SIGNATURES)}),
        help_text=_("PDF, image, office document or text file, 10 MB at most."))
    min_engaged_seconds = forms.IntegerField(
        label=_("Minimum time on the lesson (seconds)"), min_value=0, initial=0,
        help_text=_("The lesson counts as done after this much time with the page visible. "
                    "0: reading it once is enough."))
    check_question = forms.ModelChoiceField(
        label=_("Check question"), required=False, queryset=None,
        empty_label=_("No check question"),
        help_text=_("Answering it right also completes the lesson."))
    quiz = forms.ModelChoiceField(label=_("Quiz"), queryset=None, empty_label=_("Choose a quiz"),
                                  help_text=_("Passing it completes the step."))
    deck = forms.ModelChoiceField(
        label=_("Flashcard deck"), required=False, queryset=None, empty_label=_("No deck"),
        help_text=_("The learner meets these cards with the lesson."))
    reviews_required = forms.IntegerField(
        label=_("Card reviews required"), min_value=0, initial=0,
        help_text=_("When above 0, reviewing this many cards also completes the lesson."))
    external_url = forms.URLField(label=_("Link to the activity"), assume_scheme="https")
    needs_coach_confirmation = forms.BooleanField(
        label=_("A coach confirms the learner's declaration"), required=False)
    estimated_minutes = forms.IntegerField(label=_("Estimated duration (minutes)"),
                                           min_value=1, max_value=100_000, initial=15)
    required = forms.BooleanField(
        label=_("Required"), required=False, initial=True,
        help_text=_("Optional steps do not count in the programme's duration."))
    due_offset_days = forms.IntegerField(
        label=_("Due (days after the start)"), required=False, min_value=0, max_value=3650,
        help_text=_("Leave empty to let the learner's pace decide."))
    prerequisites = forms.ModelMultipleChoiceField(
        label=_("Prerequisites"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Steps the learner must finish before this one."))

    def __init__(self, *args, kind: str, programme: Programme, step: Step | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        own = services.COMMON_FIELDS | services.KIND_FIELDS[kind] | {"title", "prerequisites"}
        for name in list(self.fields):
            if name not in own:
                del self.fields[name]
        organisation = programme.organisation
        choices = {
            "quiz": selectors.quiz_choices(organisation),
            "deck": selectors.deck_choices(organisation),
            "check_question": selectors.check_question_choices(organisation),
        }
        for name, queryset in choices.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        others = Step.objects.filter(programme=programme).order_by("module__position",
                                                                    "position")
        if step is not None:
            others = others.exclude(pk=step.pk)
        self.fields["prerequisites"].queryset = others

    @classmethod
    def for_step(cls, step: Step, data=None, files=None) -> "StepForm":
        initial = {name: getattr(step, name) for name in services.CONTENT_DEFAULTS}
        initial.update(title=step.title, prerequisites=list(step.prerequisites.all()))
        return cls(data, files, initial=initial, kind=step.kind, programme=step.programme,
                   step=step)

    def clean_attachment(self):
        file = self.cleaned_data.get("attachment")
        if file and hasattr(file, "content_type"):  # a new upload, not the current file
            try:
                services.check_attachment(file)
            except DomainError as refused:
                raise forms.ValidationError(refused.message) from refused
        return file

    def values(self) -> dict:
        """The cleaned values as add_step / update_step take them. `attachment` is only
        there when a file was uploaded or the "clear" box ticked."""
        data = dict(self.cleaned_data)
        if "attachment" in data:
            if data["attachment"] is False:
                data["attachment"] = ""
            elif not hasattr(data["attachment"], "content_type"):
                del data["attachment"]
        for name in ("reviews_required", "min_engaged_seconds"):
            if name in data and data[name] is None:
                data[name] = 0
        return data


class SelfEnrolForm(forms.Form):
    start_on = forms.DateField(label=_("Start date"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    hours_per_week = forms.DecimalField(
        label=_("Hours available per week"), min_value=Decimal("0.5"), max_value=60,
        decimal_places=1, initial=Decimal("3"),
        widget=forms.NumberInput(attrs={"step": "0.5"}),
        help_text=_("Your planned dates follow from it. You can change it later."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def minutes_per_week(self) -> int:
        return int(self.cleaned_data["hours_per_week"] * 60)


class CatalogueFilterForm(forms.Form):
    tag = forms.TypedChoiceField(label=_("Theme or skill"), required=False, coerce=int,
                                 empty_value=None)

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        themes = [(t.pk, t.name) for t in tags if t.kind == TagKind.THEME]
        skills = [(t.pk, t.name) for t in tags if t.kind == TagKind.SKILL]
        groups = [(_("Themes"), themes), (_("Skills"), skills)]
        self.fields["tag"].choices = [("", _("All")), *[g for g in groups if g[1]]]

