"""Forms of the assessments pages: they turn what people type into service arguments."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.assessments.marking import SHORT_ANSWER_MAX_LENGTH, parse_number
from parcours.assessments.models import CardReview, Question, QuestionBank, QuestionKind
from parcours.assessments.selectors import QuestionView

CHOICE_ROWS_MAX = 10
WITH_CHOICES = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.ORDERING}


def plain_number(value: Decimal | None) -> Decimal | None:
    """3.5000 shown as 3.5, 100.0000 as 100."""
    if value is None:
        return None
    return Decimal(format(value.normalize(), "f"))


# Authoring


class BankForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class ChoiceForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Choice"), max_length=500, required=False)
    is_correct = forms.BooleanField(label=_("Right answer"), required=False)
    feedback = forms.CharField(label=_("Feedback when picked"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    position = forms.IntegerField(label=_("Position"), min_value=0, required=False)


ChoiceFormSet = forms.formset_factory(ChoiceForm, extra=0, max_num=CHOICE_ROWS_MAX,
                                      absolute_max=CHOICE_ROWS_MAX, validate_max=True)


def choice_formset(question: Question | None, kind: str, data=None) -> forms.BaseFormSet:
    """Rows for the existing choices, then empty ones, up to CHOICE_ROWS_MAX."""
    existing = list(question.choices.all()) if question is not None else []
    initial = [{"id": c.pk, "text": c.text, "is_correct": c.is_correct, "feedback": c.feedback,
                "position": c.position} for c in existing]
    empty_rows = max(2, 4 - len(initial))
    start = max([row["position"] for row in initial], default=-1) + 1
    initial += [{"position": start + n} for n in range(empty_rows)]
    formset = ChoiceFormSet(data, initial=initial[:CHOICE_ROWS_MAX], prefix="choices")
    for form in formset.forms:
        if kind == QuestionKind.ORDERING:
            del form.fields["is_correct"]
            del form.fields["feedback"]
            form.fields["position"].label = _("Place in the right order")
    return formset


class QuestionForm(forms.Form):
    """A question of one kind: only the fields that kind uses are shown."""

    prompt = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    statement_is_true = forms.TypedChoiceField(
        label=_("The statement is"), widget=forms.RadioSelect,
        choices=[("true", _("True")), ("false", _("False"))],
        coerce=lambda value: value == "true")
    feedback_if_true = forms.CharField(label=_("Feedback for the answer “True”"),
                                       required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    feedback_if_false = forms.CharField(label=_("Feedback for the answer “False”"),
                                        required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    accepted_answers = forms.CharField(
        label=_("Accepted answers"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line. Case and extra spaces do not count; accents do."))
    answer_is_pattern = forms.BooleanField(
        label=_("The answers are regular expressions"), required=False,
        help_text=_("For experts: each line is a pattern the whole answer must match."))
    numeric_answer = forms.DecimalField(label=_("Expected number"), max_digits=14,
                                        decimal_places=4, localize=True)
    tolerance = forms.DecimalField(
        label=_("Tolerance"), max_digits=14, decimal_places=4, min_value=0, localize=True,
        required=False, initial=0,
        help_text=_("Answers this far from the expected number, or closer, are right."))
    points = forms.IntegerField(label=_("Points"), min_value=1, initial=1)
    position = forms.IntegerField(label=_("Position in the bank"), min_value=0, required=False)
    explanation = forms.CharField(label=_("Explanation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Shown with the results, right or wrong."))
    feedback_correct = forms.CharField(label=_("Feedback when right"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    feedback_incorrect = forms.CharField(label=_("Feedback when wrong"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))

    FIELDS_BY_KIND = {
        QuestionKind.TRUE_FALSE: {"statement_is_true", "feedback_if_true", "feedback_if_false"},
        QuestionKind.SHORT_ANSWER: {"accepted_answers", "answer_is_pattern"},
        QuestionKind.NUMERIC: {"numeric_answer", "tolerance"},
    }

    def __init__(self, *args, kind: str, question: Question | None = None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(question)
        super().__init__(*args, **kwargs)
        self.kind = kind
        specific = set().union(*self.FIELDS_BY_KIND.values())
        for name in specific - self.FIELDS_BY_KIND.get(kind, set()):
            del self.fields[name]

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        initial = {
            "prompt": question.prompt, "explanation": question.explanation,
            "points": question.points, "position": question.position,
            "feedback_correct": question.feedback_correct,
            "feedback_incorrect": question.feedback_incorrect,
            "accepted_answers": "\n".join(question.accepted_answers or []),
            "answer_is_pattern": question.answer_is_pattern,
            "numeric_answer": plain_number(question.numeric_answer),
            "tolerance": plain_number(question.tolerance),
        }
        if question.kind == QuestionKind.TRUE_FALSE:
            choices = sorted(question.choices.all(), key=lambda c: c.position)
            if len(choices) == 2:
                initial["statement_is_true"] = "true" if choices[0].is_correct else "false"
                initial["feedback_if_true"] = choices[0].feedback
                initial["feedback_if_false"] = choices[1].feedback
        return initial

    def service_arguments(self, formset: forms.BaseFormSet | None) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "accepted_answers" in data:
            data["accepted_answers"] = data["accepted_answers"].splitlines()
        if self.kind in WITH_CHOICES and formset is not None:
            data["choices"] = [form.cleaned_data for form in formset.forms
                               if form.cleaned_data.get("text")]
        return data


class QuizForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    bank = forms.ModelChoiceField(label=_("Question bank"), queryset=QuestionBank.objects.none())
    pass_mark_percent = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100,
                                           initial=70)
    max_attempts = forms.IntegerField(label=_("Attempts allowed"), min_value=1, required=False,
                                      help_text=_("Empty: no limit."))
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=24 * 60, required=False,
        help_text=_("Empty: no limit. The server keeps the time, not the learner's device."))
    shuffle_questions = forms.BooleanField(label=_("Random order"), required=False)
    draw_count = forms.IntegerField(
        label=_("Questions drawn"), min_value=1, required=False,
        help_text=_("Draw this many questions at random from the bank; empty: all."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = QuestionBank.objects.filter(organisation=organisation)

    @staticmethod
    def initial_for(quiz) -> dict[str, Any]:
        seconds = quiz.time_limit_seconds
        return {
            "title": quiz.title, "bank": quiz.bank_id,
            "pass_mark_percent": quiz.pass_mark_percent, "max_attempts": quiz.max_attempts,
            "time_limit_minutes": -(-seconds // 60) if seconds else None,
            "shuffle_questions": quiz.shuffle_questions, "draw_count": quiz.draw_count,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        minutes = data.pop("time_limit_minutes")
        data["time_limit_seconds"] = minutes * 60 if minutes else None
        return data


class DeckForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.CharField(
        label=_("Language of the cards"), max_length=16, required=False,
        help_text=_("A language code, such as en, es or de. Optional."))


class CardForm(forms.Form):
    front = forms.CharField(label=_("Front"), max_length=500)
    back = forms.CharField(label=_("Back"), max_length=500)


class PasteCardsForm(forms.Form):
    text = forms.CharField(
        label=_("Cards, one a line"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write “front ; back” on each line, or paste two columns from a "
                    "spreadsheet."))


# Taking a quiz


class AttemptForm(forms.Form):
    """Every question of an attempt in one form; nothing is required (blank is wrong).

    Items to order get one select box each ("position 1, 2, …"): no drag-only interface.
    """

    def __init__(self, sheet: list[QuestionView], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.blocks = []
        for view in sheet:
            self.blocks.append(self._add_fields(view))

    def _add_fields(self, view: QuestionView) -> dict[str, Any]:
        question, name = view.question, f"q{view.question.pk}"
        kind = question.kind
        choices = [(str(choice.id), choice.text) for choice in view.choices]
        if kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.TRUE_FALSE}:
            self.fields[name] = forms.ChoiceField(choices=choices, required=False,
                                                  widget=forms.RadioSelect)
            self.initial[name] = str(view.response) if view.response is not None else None
        elif kind == QuestionKind.MULTIPLE_CHOICE:
            self.fields[name] = forms.MultipleChoiceField(
                choices=choices, required=False, widget=forms.CheckboxSelectMultiple)
            self.initial[name] = [str(i) for i in view.response or []]
        elif kind == QuestionKind.SHORT_ANSWER:
            self.fields[name] = forms.CharField(
                required=False, max_length=SHORT_ANSWER_MAX_LENGTH, label=question.prompt,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
            self.initial[name] = view.response_text
        elif kind == QuestionKind.NUMERIC:
            self.fields[name] = forms.CharField(
                required=False, max_length=40, label=question.prompt,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                              "aria-describedby": f"id_{name}_hint"}))
            self.initial[name] = view.response_text
        elif kind == QuestionKind.ORDERING:
            places = [("", "—")] + [(str(n), str(n)) for n in range(1, len(view.choices) + 1)]
            saved = {choice_id: n for n, choice_id in enumerate(view.response or [], start=1)}
            names = []
            for choice in view.choices:
                item = f"{name}_{choice.id}"
                self.fields[item] = forms.ChoiceField(choices=places, required=False,
                                                      label=choice.text)
                self.initial[item] = str(saved.get(choice.id, ""))
                names.append(item)
            return {"view": view, "names": names}
        return {"view": view, "names": [name]}

    def clean(self):
        cleaned = super().clean()
        for block in self.blocks:
            view = block["view"]
            if view.kind == QuestionKind.NUMERIC:
                name = block["names"][0]
                typed = (cleaned.get(name) or "").strip()
                if typed and parse_number(typed) is None:
                    self.add_error(name, _("Enter a number, such as 3,5 or 12."))
            if view.kind == QuestionKind.ORDERING:
                places = [cleaned.get(name) or "" for name in block["names"]]
                if any(places) and (not all(places) or len(set(places)) != len(places)):
                    self.add_error(block["names"][0], _(
                        "Give each item a different position, from 1 to %(count)d.")
                        % {"count": len(places)})
        return cleaned

    def bound_blocks(self) -> list[dict[str, Any]]:
        """Each question with its bound fields and its errors, for the template."""
        blocks = []
        for block in self.blocks:
            fields = [self[name] for name in block["names"]]
            errors = [error for field in fields for error in field.errors]
            blocks.append({"view": block["view"], "fields": fields, "field": fields[0],
                           "errors": errors})
        return blocks

    def responses(self) -> dict[int, Any]:
        """Question id → response, in the shapes marking.py describes; None: not answered."""
        responses = {}
        for block in self.blocks:
            view = block["view"]
            values = [self.cleaned_data.get(name) for name in block["names"]]
            if view.kind == QuestionKind.ORDERING:
                if all(values):
                    by_place = sorted(zip(values, view.choices, strict=True),
                                      key=lambda pair: int(pair[0]))
                    responses[view.question.pk] = [choice.id for _place, choice in by_place]
                else:
                    responses[view.question.pk] = None
            elif view.kind == QuestionKind.MULTIPLE_CHOICE:
                responses[view.question.pk] = [int(i) for i in values[0]] or None
            elif view.kind in {QuestionKind.SINGLE_CHOICE, QuestionKind.TRUE_FALSE}:
                responses[view.question.pk] = int(values[0]) if values[0] else None
            else:
                responses[view.question.pk] = (values[0] or "").strip() or None
        return responses


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(choices=CardReview.Rating.choices, coerce=int)
