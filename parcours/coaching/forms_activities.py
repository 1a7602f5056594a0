"""Forms of the activities part: the builder (a worksheet written one question a line),
the beneficiary's answers read from a posted page, and live activities.

The rules (what a definition or an answer must be) live in the services; these only turn
what was typed into the shapes the services check, and back.
"""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.coaching.models import Activity, ActivityKind, LiveKind

QUESTION_LINE = re.compile(
    r"^(?P<kind>text|scale(?:\s+(?P<low>-?\d+)\s*-\s*(?P<high>-?\d+))?|choice|choices|ranking)"
    r"\s*:\s*(?P<rest>.+)$", re.IGNORECASE)

QUESTIONS_HELP = gettext_lazy(
    "One question a line, starting with its kind:\n"
    "text: What motivates you most at work?\n"
    "scale 1-5: How confident do you feel? | not at all | completely\n"
    "choice: Where do you prefer to work? = office; remote; both\n"
    "choices: What do you enjoy? = people; numbers; making things\n"
    "ranking: Rank what matters most = salary; team; learning")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_questions(text: str) -> tuple[list[dict], list[str]]:
    """Worksheet fields from the builder's text, and the lines it could not read."""
    fields, errors = [], []
    for number, line in enumerate(_lines(text), start=1):
        match = QUESTION_LINE.match(line)
        if not match:
            errors.append(_("Line %(n)s: start with text:, scale 1-5:, choice:, choices: or "
                            "ranking:.") % {"n": number})
            continue
        kind = match["kind"].split()[0].lower()
        rest = match["rest"].strip()
        if kind == "text":
            fields.append({"kind": "text", "label": rest})
        elif kind == "scale":
            label, *ends = [part.strip() for part in rest.split("|")]
            fields.append({"kind": "scale", "label": label,
                           "min": int(match["low"]) if match["low"] else 1,
                           "max": int(match["high"]) if match["high"] else 5,
                           "min_label": ends[0] if ends else "",
                           "max_label": ends[1] if len(ends) > 1 else ""})
        else:
            label, _sep, listed = rest.partition("=")
            if not listed.strip():
                errors.append(_("Line %(n)s: list the options after “=”, separated by “;”.")
                              % {"n": number})
                continue
            if kind == "ranking":
                fields.append({"kind": "ranking", "label": label.strip(),
                               "items": _split(listed)})
            else:
                fields.append({"kind": "choice", "label": label.strip(),
                               "options": _split(listed), "multiple": kind == "choices"})
    return fields, errors


def questions_text(definition: dict) -> str:
    """A worksheet's fields written back as the builder's lines."""
    lines = []
    for field in definition.get("fields", []):
        if field["kind"] == "text":
            lines.append(f"text: {field['label']}")
        elif field["kind"] == "scale":
            ends = " | ".join(part for part in (field.get("min_label"), field.get("max_label"))
                              if part)
            lines.append(f"scale {field['min']}-{field['max']}: {field['label']}"
                         + (f" | {ends}" if ends else ""))
        elif field["kind"] == "choice":
            kind = "choices" if field.get("multiple") else "choice"
            lines.append(f"{kind}: {field['label']} = {'; '.join(field['options'])}")
        else:
            lines.append(f"ranking: {field['label']} = {'; '.join(field['items'])}")
    return "\n".join(lines)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    instructions = forms.CharField(label=gettext_lazy("Instructions"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    questions = forms.CharField(
        label=gettext_lazy("Questions (worksheet)"), required=False, help_text=QUESTIONS_HELP,
        widget=forms.Textarea(attrs={"rows": 8}))
    cards = forms.CharField(label=gettext_lazy("Cards (card sort), one a line"),
                            required=False, widget=forms.Textarea(attrs={"rows": 6}))
    columns = forms.CharField(
        label=gettext_lazy("Columns (card sort), one a line"), required=False,
        initial="Essential\nImportant\nLess important",
        widget=forms.Textarea(attrs={"rows": 3}))
    prompt = forms.CharField(label=gettext_lazy("Prompt (journal)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, activity: Activity | None = None, **kwargs):
        if activity is not None and not args and "initial" not in kwargs:
            definition = activity.definition
            kwargs["initial"] = {
                "kind": activity.kind, "title": activity.title,
                "instructions": activity.instructions,
                "questions": questions_text(definition),
                "cards": "\n".join(definition.get("cards", [])),
                "columns": "\n".join(definition.get("columns", [])),
                "prompt": definition.get("prompt", ""),
            }
        super().__init__(*args, **kwargs)
        if activity is not None:
            # The kind of an existing activity does not change: answers depend on it.
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = activity.kind
        self._parse_errors: list[str] = []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ActivityKind.WORKSHEET:
            _fields, errors = parse_questions(cleaned.get("questions", ""))
            for error in errors:
                self.add_error("questions", error)
        return cleaned

    def definition(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == ActivityKind.WORKSHEET:
            return {"fields": parse_questions(data.get("questions", ""))[0]}
        if data["kind"] == ActivityKind.CARD_SORT:
            return {"cards": _lines(data.get("cards", "")),
                    "columns": _lines(data.get("columns", ""))}
        return {"prompt": data.get("prompt", "")}


class AssignForm(forms.Form):
    engagement = forms.TypedChoiceField(label=gettext_lazy("Engagement"), coerce=int)
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = [
            (e.pk, f"{e.beneficiary.display_name if e.beneficiary else '—'} — {e.title}")
            for e in engagements]


class CommentForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Your comment"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}))


# --- Answers on the page ---------------------------------------------------------------------


def answers_from_post(activity: Activity, post) -> dict[str, Any]:
    """The answers as posted by the assignment page (checked by the service after)."""
    definition = activity.definition
    if activity.kind == ActivityKind.WORKSHEET:
        answers: dict[str, Any] = {}
        for field in definition["fields"]:
            name = f"f-{field['key']}"
            if field["kind"] == "choice" and field.get("multiple"):
                answers[field["key"]] = post.getlist(name)
            elif field["kind"] == "ranking":
                positions = []
                for index, item in enumerate(field["items"]):
                    raw = post.get(f"{name}-{index}", "").strip()
                    positions.append((int(raw) if raw.isdigit() else None, index, item))
                if any(position is None for position, _i, _item in positions):
                    answers[field["key"]] = None
                else:
                    answers[field["key"]] = [item for _p, _i, item in sorted(positions)]
            else:
                answers[field["key"]] = post.get(name, "")
        return answers
    if activity.kind == ActivityKind.CARD_SORT:
        return {"cards": {str(index): post.get(f"card-{index}", "")
                          for index in range(len(definition["cards"]))}}
    return {"entry": post.get("entry", "")}


def answer_widgets(activity: Activity, answers: dict, errors: dict | None = None) -> dict:
    """What the page shows in each widget: the stored or just-typed answers, and the
    service's complaint about each one."""
    definition = activity.definition
    errors = errors or {}
    if activity.kind == ActivityKind.WORKSHEET:
        rows = []
        for field in definition["fields"]:
            value = answers.get(field["key"])
            row = {"field": field, "value": value, "name": f"f-{field['key']}",
                   "error": errors.get(field["key"], "")}
            if field["kind"] == "scale":
                row["steps"] = [str(n) for n in range(field["min"], field["max"] + 1)]
                row["value"] = "" if value is None else str(value)
            elif field["kind"] == "choice":
                row["chosen"] = (value if isinstance(value, list)
                                 else [value] if value else [])
            elif field["kind"] == "ranking":
                order = value if isinstance(value, list) else []
                row["items"] = [
                    {"index": index, "item": item,
                     "position": order.index(item) + 1 if item in order else ""}
                    for index, item in enumerate(field["items"])]
                row["positions"] = list(range(1, len(field["items"]) + 1))
            rows.append(row)
        return {"rows": rows}
    if activity.kind == ActivityKind.CARD_SORT:
        placed = answers.get("cards", {}) if isinstance(answers.get("cards"), dict) else {}
        cards = []
        for index, card in enumerate(definition["cards"]):
            column = placed.get(str(index), "")
            cards.append({"index": index, "card": card, "error": errors.get(f"card-{index}", ""),
                          "column": "" if column in (None, "") else str(column)})
        columns = [{"index": str(i), "name": name}
                   for i, name in enumerate(definition["columns"])]
        return {"cards": cards, "columns": columns}
    return {"entry": answers.get("entry", ""), "error": errors.get("entry", "")}


# --- Live activities -------------------------------------------------------------------------


class LiveActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=LiveKind.choices)
    question = forms.CharField(label=gettext_lazy("Question"), max_length=200)
    options = forms.CharField(
        label=gettext_lazy("Answers offered (poll), one a line"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}))
    session = forms.IntegerField(widget=forms.HiddenInput, required=False)
    engagement = forms.TypedChoiceField(label=gettext_lazy("In an engagement (optional)"),
                                        coerce=int, required=False, empty_value=None)

    def __init__(self, *args, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = [("", "—")] + [
            (e.pk, f"{e.beneficiary.display_name if e.beneficiary else '—'} — {e.title}")
            for e in engagements]

    def option_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("options", ""))


class LiveAnswerForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your answer"), max_length=280)
