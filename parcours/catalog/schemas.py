"""What the catalogue's API reads and writes."""

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

LOCALES = [code for code, _name in settings.LANGUAGES]


def _known_locale(value: str | None) -> str | None:
    if value is not None and value not in LOCALES:
        raise ValueError(
            _("Choose one of these languages: %(choices)s.") % {"choices": ", ".join(LOCALES)}
        )
    return value


class Step(Schema):
    id: int
    kind: str = Field(description="lesson, quiz, assignment, checkpoint, external, "
                                  "live_session or appointment.", examples=["lesson"])
    title: str
    position: int = Field(description="Order inside the module, from 0.")
    body: str = Field(description="Markdown, as written by the author.")
    video_url: str
    external_url: str
    attachment: str | None = Field(description="Name of the attached file, if any.")
    estimated_minutes: int
    required: bool = Field(description="Optional steps do not count in the duration.")
    due_offset_days: int | None = Field(
        description="Due this many days after the learner's start; null: the pace decides.")
    prerequisites: list[int] = Field(description="Ids of the steps to finish first.")
    min_engaged_seconds: int
    quiz: int | None = Field(description="Id of the quiz (quiz steps).")
    deck: int | None = Field(description="Id of the flashcard deck, if any.")
    reviews_required: int
    needs_coach_confirmation: bool


class Module(Schema):
    id: int
    title: str
    position: int = Field(description="Order inside the programme, from 0.")
    steps: list[Step]


class ProgrammeSummary(Schema):
    id: int
    title: str
    status: str = Field(description="draft, published or archived. Only managers see "
                                    "drafts.", examples=["published"])
    language: str = Field(examples=["fr"])
    estimated_minutes: int = Field(description="Sum of the required steps' durations.")
    allows_self_enrolment: bool
    version: int = Field(description="Goes up each time changes are published.")
    has_unpublished_changes: bool
    published_at: datetime | None
    tags: list[str] = Field(description="Themes.", examples=[["Emploi"]])
    skills: list[str] = Field(examples=[["Écrire un CV"]])


class Programme(ProgrammeSummary):
    description: str = Field(description="Markdown.")
    objectives: str = Field(description="Markdown.")
    audience: str
    modules: list[Module]


class ProgrammeListQuery(Schema):
    tag: int | None = Field(None, description="Only the programmes with this theme or skill "
                                              "(its id).")


class ProgrammeRequest(Schema):
    title: str = Field(max_length=200, examples=["Retour à l'emploi"])
    language: str | None = Field(None, description="Defaults to the organisation's language.",
                                 examples=["fr"])
    description: str = Field("", description="Markdown.")
    objectives: str = Field("", description="Markdown.")
    audience: str = ""
    tags: list[str] = Field(default_factory=list,
                            description="Theme names; new ones are created.")
    skills: list[str] = Field(default_factory=list,
                              description="Skill names; new ones are created.")
    allows_self_enrolment: bool = False

    _language = field_validator("language")(_known_locale)


class ProgrammeChanges(Schema):
    """Only the fields sent are changed."""

    title: str = Field(None, max_length=200)
    language: str = Field(None, examples=["en"])
    description: str = Field(None)
    objectives: str = Field(None)
    audience: str = Field(None)
    tags: list[str] = Field(None, description="Replaces the themes.")
    skills: list[str] = Field(None, description="Replaces the skills.")
    allows_self_enrolment: bool = Field(None)

    _language = field_validator("language")(_known_locale)
