"""Reusable activities: building them, assigning one to a beneficiary, their drafts and
return, the coach's comment. Answers are checked here, per field kind, whatever the
interface (page, autosave, API)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.coaching.models import (
    Activity,
    ActivityAssignment,
    ActivityKind,
    AssignmentStatus,
    Engagement,
    EngagementStatus,
)
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission

FIELD_KINDS = ("text", "scale", "choice", "ranking")
MAX_FIELDS = 30
MAX_OPTIONS = 20
MAX_CARDS = 60
MAX_COLUMNS = 6
MAX_LABEL = 300
MAX_TEXT_ANSWER = 5000
MAX_JOURNAL_ENTRY = 20000
MAX_COMMENT = 5000
SCALE_LIMITS = (0, 100)


class InvalidActivity(DomainError):
    default_message = gettext_lazy("This activity is not complete.")

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(" ".join(errors))


class InvalidAnswers(DomainError):
    """Some answers do not fit their question; `errors` maps each field to why."""

    default_message = gettext_lazy("Some answers need your attention.")

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__()


class AssignmentAlreadyReturned(Conflict):
    default_message = gettext_lazy("This activity was already returned: it can no longer "
                                   "be changed.")


class AssignmentNotReturned(Conflict):
    default_message = gettext_lazy("The activity has not been returned yet: comment on it "
                                   "once it is.")


class ActivityInUse(Conflict):
    default_message = gettext_lazy("This activity has already been assigned: its questions "
                                   "can no longer change. Create a new one instead.")


class EngagementNotActive(Conflict):
    default_message = gettext_lazy("This engagement is closed: nothing new can be "
                                   "assigned in it.")


# --- Definitions ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _labels(values: Any, *, what: str, minimum: int, maximum: int, errors: list[str]) -> list:
    labels = [_text(v) for v in values] if isinstance(values, list) else []
    labels = [label for label in labels if label]
    if len(labels) < minimum:
        errors.append(_("Give at least %(n)s %(what)s.") % {"n": minimum, "what": what})
    if len(labels) > maximum:
        errors.append(_("Give at most %(n)s %(what)s.") % {"n": maximum, "what": what})
    if len({label.casefold() for label in labels}) != len(labels):
        errors.append(_("Each of the %(what)s must be different.") % {"what": what})
    if any(len(label) > MAX_LABEL for label in labels):
        errors.append(_("Keep each of the %(what)s under %(n)s characters.")
                      % {"what": what, "n": MAX_LABEL})
    return labels


def _worksheet_field(raw: Any, position: int, keys: set[str], errors: list[str]) -> dict:
    raw = raw if isinstance(raw, Mapping) else {}
    number = position + 1
    label = _text(raw.get("label"))
    kind = raw.get("kind")
    key = _text(raw.get("key")) or f"q{number}"
    if key in keys:
        key = f"q{number}"
    keys.add(key)
    if not label:
        errors.append(_("Question %(n)s has no wording.") % {"n": number})
    elif len(label) > MAX_LABEL:
        errors.append(_("Question %(n)s is longer than %(max)s characters.")
                      % {"n": number, "max": MAX_LABEL})
    if kind not in FIELD_KINDS:
        errors.append(_("Question %(n)s: choose text, scale, choice or ranking.")
                      % {"n": number})
        return {"key": key, "label": label, "kind": "text", "required": True}
    field = {"key": key, "label": label, "kind": kind,
             "required": bool(raw.get("required", True))}
    if kind == "scale":
        low, high = raw.get("min", 1), raw.get("max", 5)
        if (not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool)
                or isinstance(high, bool) or not SCALE_LIMITS[0] <= low < high <= SCALE_LIMITS[1]
                or high - low > 20):
            errors.append(_("Question %(n)s: a scale goes from a lower to a higher whole "
                            "number, between 0 and 100, 20 steps at most.") % {"n": number})
            low, high = 1, 5
        field.update(min=low, max=high, min_label=_text(raw.get("min_label"))[:80],
                     max_label=_text(raw.get("max_label"))[:80])
    elif kind == "choice":
        field.update(options=_labels(raw.get("options"), what=_("options"), minimum=2,
                                     maximum=MAX_OPTIONS, errors=errors),
                     multiple=bool(raw.get("multiple", False)))
    elif kind == "ranking":
        field.update(items=_labels(raw.get("items"), what=_("items to rank"), minimum=2,
                                   maximum=MAX_OPTIONS, errors=errors))
    return field


def clean_definition(kind: str, definition: Any) -> dict:
    """The definition as stored, or InvalidActivity listing everything to fix."""
    definition = definition if isinstance(definition, Mapping) else {}
    errors: list[str] = []
    if kind == ActivityKind.WORKSHEET:
        raw_fields = definition.get("fields")
        raw_fields = raw_fields if isinstance(raw_fields, list) else []
        if not raw_fields:
            errors.append(_("Add at least one question."))
        if len(raw_fields) > MAX_FIELDS:
            errors.append(_("A worksheet has at most %(n)s questions.") % {"n": MAX_FIELDS})
        keys: set[str] = set()
        cleaned = {"fields": [_worksheet_field(raw, i, keys, errors)
                              for i, raw in enumerate(raw_fields[:MAX_FIELDS])]}
    elif kind == ActivityKind.CARD_SORT:
        cleaned = {
            "cards": _labels(definition.get("cards"), what=_("cards"), minimum=2,
                             maximum=MAX_CARDS, errors=errors),
            "columns": _labels(definition.get("columns"), what=_("columns"), minimum=2,
                               maximum=MAX_COLUMNS, errors=errors),
        }
    elif kind == ActivityKind.JOURNAL:
        prompt = _text(definition.get("prompt"))
        if not prompt:
            errors.append(_("Write the prompt the beneficiary reflects on."))
        cleaned = {"prompt": prompt[:2000]}
    else:
        raise InvalidActivity([_("Choose a worksheet, a card sort or a journal.")])
    if errors:
        raise InvalidActivity(errors)
    return cleaned


# --- Answers ---------------------------------------------------------------------------------


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _worksheet_answer(field: dict, value: Any) -> tuple[Any, str]:
    """(cleaned value or None when unanswered, error message or "")."""
    kind = field["kind"]
    if value in (None, "", []):
        return None, ""
    if kind == "text":
        if not isinstance(value, str):
            return None, _("Enter some text.")
        value = value.strip()
        if len(value) > MAX_TEXT_ANSWER:
            return value, _("Keep your answer under %(n)s characters.") % {"n": MAX_TEXT_ANSWER}
        return value or None, ""
    if kind == "scale":
        number = _whole_number(value)
        if number is None or not field["min"] <= number <= field["max"]:
            return None, _("Choose a value from %(min)s to %(max)s.") % field
        return number, ""
    if kind == "choice":
        chosen = value if isinstance(value, list) else [value]
        if not all(isinstance(c, str) and c in field["options"] for c in chosen):
            return None, _("Choose among the options offered.")
        if not field["multiple"]:
            if len(chosen) != 1:
                return None, _("Choose one option.")
            return chosen[0], ""
        return [option for option in field["options"] if option in chosen], ""
    # ranking: the items, in the order the person puts them.
    if (not isinstance(value, list) or sorted(map(str, value)) != sorted(field["items"])):
        return None, _("Put every item in order, each once.")
    return list(value), ""


def clean_answers(activity: Activity, answers: Any, *, complete: bool) -> dict:
    """The answers as stored. A draft may leave questions out; a returned activity
    answers every required one. Anything malformed raises InvalidAnswers."""
    answers = answers if isinstance(answers, Mapping) else {}
    definition = activity.definition
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if activity.kind == ActivityKind.WORKSHEET:
        for field in definition["fields"]:
            value, error = _worksheet_answer(field, answers.get(field["key"]))
            if error:
                errors[field["key"]] = error
            elif value is None:
                if complete and field["required"]:
                    errors[field["key"]] = _("Answer this question.")
            else:
                cleaned[field["key"]] = value
    elif activity.kind == ActivityKind.CARD_SORT:
        placed = answers.get("cards")
        placed = placed if isinstance(placed, Mapping) else {}
        columns = len(definition["columns"])
        cards: dict[str, int] = {}
        for index in range(len(definition["cards"])):
            column = _whole_number(placed.get(str(index), placed.get(index)))
            if placed.get(str(index), placed.get(index)) in (None, ""):
                if complete:
                    errors[f"card-{index}"] = _("Put this card in a column.")
            elif column is None or not 0 <= column < columns:
                errors[f"card-{index}"] = _("Choose one of the columns.")
            else:
                cards[str(index)] = column
        cleaned = {"cards": cards}
    else:
        entry = answers.get("entry")
        entry = entry.strip() if isinstance(entry, str) else ""
        if len(entry) > MAX_JOURNAL_ENTRY:
            errors["entry"] = _("Keep your entry under %(n)s characters.") % {
                "n": MAX_JOURNAL_ENTRY}
        elif not entry and complete:
            errors["entry"] = _("Write your reflection before returning it.")
        if entry:
            cleaned["entry"] = entry
    if errors:
        raise InvalidAnswers(errors)
    return cleaned


# --- Use cases -------------------------------------------------------------------------------


def _capacity(user: User, engagement: Engagement) -> Capacity | None:
    return capacity_in(user, engagement)


@transaction.atomic
def create_activity(organisation: Organisation, *, by: User, kind: str, title: str,
                    instructions: str = "", definition: Any) -> Activity:
    """Add an activity to the organisation's library."""
    require_permission(by, organisation, Permission.COACH_BENEFICIARIES)
    title = _text(title)
    errors = [] if title else [_("Give the activity a title.")]
    try:
        definition = clean_definition(kind, definition)
    except InvalidActivity as invalid:
        errors.extend(invalid.errors)
    if errors:
        raise InvalidActivity(errors)
    return Activity.objects.create(organisation=organisation, kind=kind, title=title[:200],
                                   instructions=_text(instructions), definition=definition,
                                   created_by=by)


@transaction.atomic
def update_activity(activity: Activity, *, by: User, title: str, instructions: str = "",
                    definition: Any) -> Activity:
    """Change an activity. Its questions are frozen once assigned: answers already given
    refer to them."""
    require_permission(by, activity.organisation, Permission.COACH_BENEFICIARIES)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    title = _text(title)
    errors = [] if title else [_("Give the activity a title.")]
    try:
        definition = clean_definition(activity.kind, definition)
    except InvalidActivity as invalid:
        errors.extend(invalid.errors)
    if errors:
        raise InvalidActivity(errors)
    if definition != activity.definition and activity.assignments.exists():
        raise ActivityInUse()
    activity.title, activity.instructions = title[:200], _text(instructions)
    activity.definition = definition
    activity.save(update_fields=["title", "instructions", "definition", "updated_at"])
    return activity


@transaction.atomic
def assign_activity(activity: Activity, engagement: Engagement, *, by: User,
                    due_on: date | None = None) -> ActivityAssignment:
    """Give an activity of the library to the beneficiary of an engagement one coaches."""
    if _capacity(by, engagement) != Capacity.COACH:
        raise NotAllowed()
    if activity.organisation_id != engagement.organisation_id or activity.archived:
        raise NotAllowed(_("This activity is not in your organisation's library."))
    if engagement.status != EngagementStatus.ACTIVE:
        raise EngagementNotActive()
    assignment = ActivityAssignment.objects.create(activity=activity, engagement=engagement,
                                                   assigned_by=by, due_on=due_on)
    record_event(by, Verb.ASSIGNED, assignment, organisation=engagement.organisation,
                 context={"engagement": engagement.pk, "activity": activity.pk})
    return assignment


def _locked_for_beneficiary(assignment: ActivityAssignment, by: User) -> ActivityAssignment:
    if _capacity(by, assignment.engagement) != Capacity.BENEFICIARY:
        raise NotAllowed(_("Only the person the activity was given to fills it in."))
    locked = (ActivityAssignment.objects.select_for_update()
              .select_related("activity", "engagement__organisation").get(pk=assignment.pk))
    if locked.is_returned:
        raise AssignmentAlreadyReturned()
    return locked


@transaction.atomic
def save_draft(assignment: ActivityAssignment, *, by: User,
               answers: Mapping[str, Any]) -> ActivityAssignment:
    """Keep the beneficiary's answers so far; nothing is required yet."""
    locked = _locked_for_beneficiary(assignment, by)
    locked.answers = clean_answers(locked.activity, answers, complete=False)
    locked.status = AssignmentStatus.DRAFT
    locked.saved_at = timezone.now()
    locked.save(update_fields=["answers", "status", "saved_at", "updated_at"])
    return locked


@transaction.atomic
def return_assignment(assignment: ActivityAssignment, *, by: User,
                      answers: Mapping[str, Any] | None = None) -> ActivityAssignment:
    """Hand the activity back to the coach, complete (the answers given now, or the
    draft already saved)."""
    locked = _locked_for_beneficiary(assignment, by)
    cleaned = clean_answers(locked.activity, locked.answers if answers is None else answers,
                            complete=True)
    now = timezone.now()
    locked.answers, locked.status = cleaned, AssignmentStatus.RETURNED
    locked.saved_at = locked.returned_at = now
    locked.save(update_fields=["answers", "status", "saved_at", "returned_at", "updated_at"])
    record_event(by, Verb.COMPLETED, locked, organisation=locked.engagement.organisation,
                 result={"completion": True},
                 context={"engagement": locked.engagement_id, "activity": locked.activity_id})
    return locked


@transaction.atomic
def comment_assignment(assignment: ActivityAssignment, *, by: User,
                       comment: str) -> ActivityAssignment:
    """The coach's answer to a returned activity, which the beneficiary reads."""
    if _capacity(by, assignment.engagement) != Capacity.COACH:
        raise NotAllowed()
    locked = (ActivityAssignment.objects.select_for_update()
              .select_related("activity", "engagement__organisation").get(pk=assignment.pk))
    if not locked.is_returned:
        raise AssignmentNotReturned()
    comment = _text(comment)
    if not comment:
        raise InvalidAnswers({"comment": _("Write your comment.")})
    if len(comment) > MAX_COMMENT:
        raise InvalidAnswers({"comment": _("Keep your comment under %(n)s characters.")
                              % {"n": MAX_COMMENT}})
    locked.comment, locked.status = comment, AssignmentStatus.COMMENTED
    locked.commented_at, locked.commented_by = timezone.now(), by
    locked.save(update_fields=["comment", "status", "commented_at", "commented_by",
                               "updated_at"])
    record_event(by, Verb.COMMENTED, locked, organisation=locked.engagement.organisation,
                 context={"engagement": locked.engagement_id, "activity": locked.activity_id})
    return locked
