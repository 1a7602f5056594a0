"""Authoring programmes: every write to the catalogue goes through here.

Managers (Permission.MANAGE_CATALOG) build a programme out of modules of steps, then
publish it. Learners never follow these rows: enrolling copies the steps into the
learner's own path, so any edit here is safe for running paths; applying it to them is
journeys' `apply_programme_update`, on the manager's request.

Every service keeps three things true whatever it changes: positions of modules in a
programme and of steps in a module are 0, 1, 2…; the programme's `estimated_minutes` is
the sum of its required steps; a published programme that changed is flagged
`has_unpublished_changes` until it is published again (which raises its `version`).
"""

from collections.abc import Iterable
from pathlib import PurePath
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Sum
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Module, Programme, ProgrammeStatus, Step, StepKind, Tag, TagKind
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission

Direction = Literal["up", "down"]

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# Extension -> the first bytes a real file of that type starts with (None: plain text).
# A renamed executable or HTML page is refused even with an accepted extension.
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ATTACHMENT_SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "docx": _ZIP, "xlsx": _ZIP, "pptx": _ZIP, "odt": _ZIP, "ods": _ZIP, "odp": _ZIP,
    "doc": _OLE, "xls": _OLE, "ppt": _OLE,
    "txt": None,
}

# What each kind of step is made of, besides what every step has (title, body, duration,
# required, due offset, prerequisites). Fields of other kinds are kept at their default,
# so a lesson never keeps a quiz it once pointed to.
COMMON_FIELDS = frozenset({"body", "estimated_minutes", "required", "due_offset_days"})
KIND_FIELDS: dict[str, frozenset[str]] = {
    StepKind.LESSON: frozenset({"video_url", "attachment", "min_engaged_seconds",
                                "check_question", "deck", "reviews_required"}),
    StepKind.QUIZ: frozenset({"quiz"}),
    StepKind.ASSIGNMENT: frozenset({"video_url", "attachment"}),
    StepKind.CHECKPOINT: frozenset(),
    StepKind.EXTERNAL: frozenset({"external_url", "needs_coach_confirmation"}),
    StepKind.LIVE_SESSION: frozenset(),
    StepKind.APPOINTMENT: frozenset(),
}
CONTENT_DEFAULTS: dict[str, Any] = {
    "body": "", "video_url": "", "external_url": "", "estimated_minutes": 15, "required": True,
    "min_engaged_seconds": 0, "check_question": None, "quiz": None, "deck": None,
    "reviews_required": 0, "needs_coach_confirmation": False, "attachment": "",
    "due_offset_days": None,
}
PROGRAMME_FIELDS = frozenset({"title", "language", "description", "objectives", "audience",
                              "tags", "skills", "allows_self_enrolment"})

_web_link = URLValidator(schemes=["http", "https"])


class ProgrammeInvalid(DomainError):
    default_message = _("This programme is not valid.")


class StepInvalid(DomainError):
    default_message = _("This step is not valid.")


class PrerequisitesInvalid(DomainError):
    default_message = _("These prerequisites are not valid.")


class AttachmentRefused(DomainError):
    default_message = _("This file cannot be attached.")


class NothingToPublish(DomainError):
    default_message = _("Add at least one step before publishing the programme.")


class AlreadyPublished(Conflict):
    default_message = _("This programme is already published and has not changed since.")


class PublishedProgrammeNeedsAStep(Conflict):
    default_message = _(
        "A published programme keeps at least one step: add another one before deleting "
        "this one."
    )


# Programmes


@transaction.atomic
def create_programme(
    organisation: Organisation, *, by: User, title: str, language: str,
    description: str = "", objectives: str = "", audience: str = "",
    tags: Iterable[str] = (), skills: Iterable[str] = (), allows_self_enrolment: bool = False,
) -> Programme:
    """A new draft programme, with no module yet. Tags and skills are names, created in
    the organisation the first time they are used."""
    require_permission(by, organisation, Permission.MANAGE_CATALOG)
    programme = Programme(
        organisation=organisation, title=_clean_title(title, ProgrammeInvalid),
        language=_clean_language(language), description=description, objectives=objectives,
        audience=audience, allows_self_enrolment=allows_self_enrolment, created_by=by,
    )
    programme.save()
    programme.tags.set([*_tags_named(organisation, tags, TagKind.THEME),
                        *_tags_named(organisation, skills, TagKind.SKILL)])
    return programme


@transaction.atomic
def update_programme(programme: Programme, *, by: User, **changes: Any) -> Programme:
    """Change some of the programme's fields (those given): title, language, description,
    objectives, audience, tags, skills (names) and allows_self_enrolment."""
    unknown = set(changes) - PROGRAMME_FIELDS
    if unknown:
        raise TypeError(f"update_programme() got unknown fields {sorted(unknown)}")
    _lock(programme, by=by)
    if "title" in changes:
        changes["title"] = _clean_title(changes["title"], ProgrammeInvalid)
    if "language" in changes:
        changes["language"] = _clean_language(changes["language"])
    changed = False
    for field in PROGRAMME_FIELDS - {"tags", "skills"}:
        if field in changes and getattr(programme, field) != changes[field]:
            setattr(programme, field, changes[field])
            changed = True
    for field, kind in (("tags", TagKind.THEME), ("skills", TagKind.SKILL)):
        if field in changes:
            wanted = _tags_named(programme.organisation, changes[field], kind)
            held = list(programme.tags.filter(kind=kind))
            if {t.pk for t in wanted} != {t.pk for t in held}:
                programme.tags.remove(*held)
                programme.tags.add(*wanted)
                changed = True
    if changed:
        programme.save()
        _programme_changed(programme)
    return programme


@transaction.atomic
def publish_programme(programme: Programme, *, by: User) -> Programme:
    """Open the programme to enrolment, or publish the changes made since last time.

    Publishing changes raises the version: paths note the version they were copied from,
    which is how journeys knows which paths an update concerns.
    """
    _lock(programme, by=by)
    programme.refresh_from_db()
    if not programme.steps.exists():
        raise NothingToPublish()
    if programme.is_published and not programme.has_unpublished_changes:
        raise AlreadyPublished()
    if programme.published_at is not None and programme.has_unpublished_changes:
        programme.version += 1
    programme.status = ProgrammeStatus.PUBLISHED
    programme.published_at = timezone.now()
    programme.has_unpublished_changes = False
    programme.save()
    tags = list(programme.tags.values_list("kind", "pk"))
    record_event(
        by, Verb.PUBLISHED, programme, organisation=programme.organisation,
        context={
            "programme": programme.pk,
            "version": programme.version,
            "tags": sorted(pk for kind, pk in tags if kind == TagKind.THEME),
            "skills": sorted(pk for kind, pk in tags if kind == TagKind.SKILL),
        },
    )
    return programme


# Modules


@transaction.atomic
def add_module(programme: Programme, *, by: User, title: str) -> Module:
    """A new module at the end of the programme."""
    _lock(programme, by=by)
    module = Module.objects.create(
        programme=programme, title=_clean_title(title, ProgrammeInvalid),
        position=programme.modules.count(),
    )
    _programme_changed(programme)
    return module


@transaction.atomic
def update_module(module: Module, *, by: User, title: str) -> Module:
    _lock(module.programme, by=by)
    module.title = _clean_title(title, ProgrammeInvalid)
    module.save(update_fields=["title", "updated_at"])
    _programme_changed(module.programme)
    return module


@transaction.atomic
def move_module(module: Module, *, by: User, direction: Direction) -> Module:
    """Swap the module with the one before or after it; the first stays first."""
    programme = module.programme
    _lock(programme, by=by)
    modules = list(programme.modules.order_by("position", "id"))
    index = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(modules):
        modules[index], modules[target] = modules[target], modules[index]
        _renumber(modules)
        _programme_changed(programme)
    module.refresh_from_db(fields=["position"])
    return module


@transaction.atomic
def delete_module(module: Module, *, by: User) -> None:
    """Delete the module and its steps. Running paths keep their own copies."""
    programme = module.programme
    _lock(programme, by=by)
    steps = list(module.steps.all())
    if programme.is_published and steps and not programme.steps.exclude(module=module).exists():
        raise PublishedProgrammeNeedsAStep()
    for step in steps:
        _delete_file_after_commit(step.attachment)
    module.delete()
    _renumber(list(programme.modules.order_by("position", "id")))
    _programme_changed(programme)


# Steps


@transaction.atomic
def add_step(module: Module, *, by: User, kind: str, title: str,
             prerequisites: Iterable[Step] = (), **content: Any) -> Step:
    """A new step of this kind at the end of the module.

    `content` holds the step's fields (body, estimated_minutes, required, due_offset_days,
    video_url, attachment, min_engaged_seconds, check_question, deck, reviews_required,
    quiz, external_url, needs_coach_confirmation); those that do not belong to the kind
    are ignored.
    """
    programme = module.programme
    _lock(programme, by=by)
    if kind not in KIND_FIELDS:
        raise StepInvalid(_("Choose a kind of step."))
    _check_known(content)
    step = Step(programme=programme, module=module, kind=kind,
                position=module.steps.count())
    _fill_step(step, {**CONTENT_DEFAULTS, **content, "title": title})
    step.save()
    if prerequisites:
        _set_prerequisites(step, prerequisites)
    _programme_changed(programme)
    return step


@transaction.atomic
def update_step(step: Step, *, by: User, prerequisites: Iterable[Step] | None = None,
                **changes: Any) -> Step:
    """Change some of the step's fields (those given; its kind stays). An `attachment`
    of None or "" removes the file."""
    programme = step.programme
    _lock(programme, by=by)
    _check_known(changes, allowed={"title"})
    previous_file = step.attachment
    _fill_step(step, {"title": step.title, **changes})
    step.save()
    if previous_file and step.attachment.name != previous_file.name:
        _delete_file_after_commit(previous_file)
    if prerequisites is not None:
        _set_prerequisites(step, prerequisites)
    _programme_changed(programme)
    return step


@transaction.atomic
def set_prerequisites(step: Step, *, by: User, prerequisites: Iterable[Step]) -> Step:
    """The steps that must be done before this one: in the same programme, never itself,
    and never in a circle (A needs B needs A)."""
    _lock(step.programme, by=by)
    _set_prerequisites(step, prerequisites)
    _programme_changed(step.programme)
    return step


@transaction.atomic
def move_step(step: Step, *, by: User, direction: Direction) -> Step:
    """Swap the step with its neighbour in the module. From the edge of a module it goes
    to the end of the module before (up) or the start of the module after (down)."""
    programme = step.programme
    _lock(programme, by=by)
    siblings = list(step.module.steps.order_by("position", "id"))
    index = next(i for i, s in enumerate(siblings) if s.pk == step.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _renumber(siblings)
        _programme_changed(programme)
    else:
        modules = list(programme.modules.order_by("position", "id"))
        here = next(i for i, m in enumerate(modules) if m.pk == step.module_id)
        neighbour = here - 1 if direction == "up" else here + 1
        if 0 <= neighbour < len(modules):
            destination = modules[neighbour]
            arriving = list(destination.steps.order_by("position", "id"))
            step.module = destination
            step.save(update_fields=["module", "updated_at"])
            _renumber([*arriving, step] if direction == "up" else [step, *arriving])
            _renumber([s for s in siblings if s.pk != step.pk])
            _programme_changed(programme)
    step.refresh_from_db(fields=["module", "position"])
    return step


@transaction.atomic
def delete_step(step: Step, *, by: User) -> None:
    """Delete the step; steps that needed it no longer do. Running paths keep their copy."""
    programme = step.programme
    _lock(programme, by=by)
    if programme.is_published and not programme.steps.exclude(pk=step.pk).exists():
        raise PublishedProgrammeNeedsAStep()
    module = step.module
    _delete_file_after_commit(step.attachment)
    step.delete()
    _renumber(list(module.steps.order_by("position", "id")))
    _programme_changed(programme)


def check_attachment(file: File) -> None:
    """Refuse a file over 10 MB, of a type outside the list, or whose content does not
    match its extension. Forms call it to show the error next to the field."""
    if file.size is not None and file.size > ATTACHMENT_MAX_BYTES:
        raise AttachmentRefused(
            _("This file is too large (%(size)s MB): attachments are limited to 10 MB.")
            % {"size": round(file.size / 1024 / 1024, 1)}
        )
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_SIGNATURES:
        raise AttachmentRefused(
            _("Files of this type cannot be attached. Accepted: PDF, images (PNG, JPEG, GIF, "
              "WebP), office documents (Word, Excel, PowerPoint, OpenDocument) and plain "
              "text (.txt).")
        )
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    signatures = ATTACHMENT_SIGNATURES[extension]
    if signatures is None:
        matches = b"\x00" not in head
    else:
        matches = head.startswith(signatures)
        if extension == "webp":
            matches = matches and head[8:12] == b"WEBP"
    if not matches:
        raise AttachmentRefused(
            _("The content of this file does not match its extension (.%(extension)s).")
            % {"extension": extension}
        )


# Helpers


def _lock(programme: Programme, *, by: User) -> None:
    """Check the author's permission and hold the programme's row until commit, so two
    managers editing at once cannot both compute the same positions."""
    require_permission(by, programme.organisation, Permission.MANAGE_CATALOG)
    list(Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk"))


def _programme_changed(programme: Programme) -> None:
    total = programme.steps.filter(required=True).aggregate(total=Sum("estimated_minutes"))
    programme.estimated_minutes = total["total"] or 0
    programme.has_unpublished_changes = programme.is_published
    programme.save(update_fields=["estimated_minutes", "has_unpublished_changes", "updated_at"])


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        row.position = position
    if rows:
        type(rows[0]).objects.bulk_update(rows, ["position"])


def _clean_title(title: str, error: type[DomainError]) -> str:
    title = (title or "").strip()
    if not title:
        raise error(_("Give it a title."))
    if len(title) > 200:
        raise error(_("Keep the title under 200 characters."))
    return title


def _clean_language(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise ProgrammeInvalid(
            _("Choose one of these languages: %(choices)s.")
            % {"choices": ", ".join(code for code, _name in settings.LANGUAGES)}
        )
    return language


def _tags_named(organisation: Organisation, names: Iterable[str], kind: str) -> list[Tag]:
    """The organisation's tags of this kind with these names, created when new. Names
    are compared without case: "Numérique" and "numérique" are one tag."""
    tags: list[Tag] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(str(raw).split())
        if not name or name.casefold() in seen:
            continue
        if len(name) > 80:
            raise ProgrammeInvalid(_("Keep each tag or skill under 80 characters."))
        seen.add(name.casefold())
        tag = Tag.objects.filter(organisation=organisation, kind=kind, name__iexact=name).first()
        tags.append(tag or Tag.objects.create(organisation=organisation, kind=kind, name=name))
    return tags


def _check_known(fields: dict[str, Any], allowed: frozenset[str] | set[str] = frozenset()):
    unknown = set(fields) - set(CONTENT_DEFAULTS) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown step fields {sorted(unknown)}")


def _fill_step(step: Step, values: dict[str, Any]) -> None:
    """Set the step's fields from `values`, keep other kinds' fields at their default,
    and check the result against the rules of its kind."""
    organisation_id = step.programme.organisation_id
    own = COMMON_FIELDS | KIND_FIELDS[step.kind]
    step.title = _clean_title(values["title"], StepInvalid)
    for field, default in CONTENT_DEFAULTS.items():
        if field not in own:
            setattr(step, field, default)
        elif field in values:
            value = values[field]
            if field == "attachment":
                if value and not isinstance(value, FieldFile):
                    check_attachment(value)
                value = value or ""
            if field in {"body", "video_url", "external_url"}:
                value = (value or "").strip()
            setattr(step, field, value)
    if not isinstance(step.estimated_minutes, int) or step.estimated_minutes <= 0:
        raise StepInvalid(_("Give the step an estimated duration of at least one minute."))
    if step.min_engaged_seconds < 0 or step.reviews_required < 0:
        raise StepInvalid(_("Durations and counts cannot be negative."))
    if step.due_offset_days is not None and step.due_offset_days < 0:
        raise StepInvalid(_("The due date cannot come before the start."))
    for field, label in (("video_url", _("video link")), ("external_url", _("external link"))):
        link = getattr(step, field)
        if link:
            try:
                _web_link(link)
            except ValidationError as invalid:
                raise StepInvalid(
                    _("The %(field)s must be a web address starting with http:// or https://.")
                    % {"field": label}
                ) from invalid
            if len(link) > 200:
                raise StepInvalid(_("Keep links under 200 characters."))
    if step.kind == StepKind.QUIZ and step.quiz is None:
        raise StepInvalid(_("Choose the quiz this step asks for."))
    if step.kind == StepKind.EXTERNAL and not step.external_url:
        raise StepInvalid(_("Give the link to the external activity."))
    if step.quiz is not None and step.quiz.organisation_id != organisation_id:
        raise StepInvalid(_("Choose a quiz of your organisation."))
    if step.deck is not None and step.deck.organisation_id != organisation_id:
        raise StepInvalid(_("Choose a flashcard deck of your organisation."))
    if (step.check_question is not None
            and step.check_question.bank.organisation_id != organisation_id):
        raise StepInvalid(_("Choose a check question of your organisation."))
    if step.reviews_required and step.deck is None:
        raise StepInvalid(_("Choose a flashcard deck before asking for card reviews."))


def _set_prerequisites(step: Step, prerequisites: Iterable[Step]) -> None:
    wanted = {p.pk: p for p in prerequisites}
    if step.pk in wanted:
        raise PrerequisitesInvalid(_("A step cannot be its own prerequisite."))
    if any(p.programme_id != step.programme_id for p in wanted.values()):
        raise PrerequisitesInvalid(_("Prerequisites must be steps of the same programme."))
    needs: dict[int, set[int]] = {}
    edges = Step.prerequisites.through.objects.filter(from_step__programme=step.programme_id)
    for needing, needed in edges.values_list("from_step_id", "to_step_id"):
        needs.setdefault(needing, set()).add(needed)
    needs[step.pk] = set(wanted)
    for start in wanted.values():
        if _leads_to(start.pk, step.pk, needs):
            raise PrerequisitesInvalid(
                _("“%(prerequisite)s” already needs “%(step)s” to be done first: making it a "
                  "prerequisite would go round in a circle.")
                % {"prerequisite": start.title, "step": step.title}
            )
    step.prerequisites.set(wanted.values())


def _leads_to(start: int, goal: int, needs: dict[int, set[int]]) -> bool:
    """True when `start` needs `goal`, directly or through other prerequisites."""
    stack, seen = [start], set()
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(needs.get(current, ()))
    return False


def _delete_file_after_commit(file: FieldFile) -> None:
    # After commit only: if the transaction rolls back, the row still points to the file.
    if file and file.name:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))
