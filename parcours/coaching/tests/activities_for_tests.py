"""Activities, live activities and messages ready for a story (built through the
services, as a coach would)."""

from parcours.coaching.models import ActivityKind
from parcours.coaching.services.activities import create_activity

WORKSHEET_FIELDS = [
    {"key": "motivation", "kind": "text", "label": "What motivates you at work?"},
    {"key": "confidence", "kind": "scale", "label": "How confident do you feel?",
     "min": 1, "max": 5, "min_label": "not at all", "max_label": "completely"},
    {"key": "place", "kind": "choice", "label": "Where do you prefer to work?",
     "options": ["Office", "Remote", "Both"]},
    {"key": "enjoy", "kind": "choice", "label": "What do you enjoy?", "multiple": True,
     "options": ["People", "Numbers", "Making things"], "required": False},
    {"key": "matters", "kind": "ranking", "label": "Rank what matters most",
     "items": ["Salary", "Team", "Learning"]},
]

COMPLETE_ANSWERS = {"motivation": "Helping people find their way", "confidence": 4,
                    "place": "Both", "enjoy": ["Making things", "People"],
                    "matters": ["Team", "Learning", "Salary"]}


def worksheet(organisation, coach, *, title="My motivations"):
    return create_activity(organisation, by=coach, kind=ActivityKind.WORKSHEET, title=title,
                           instructions="Take your time.",
                           definition={"fields": WORKSHEET_FIELDS})


def card_sort(organisation, coach, *, title="My values"):
    return create_activity(organisation, by=coach, kind=ActivityKind.CARD_SORT, title=title,
                           definition={"cards": ["Autonomy", "Security", "Recognition"],
                                       "columns": ["Essential", "Important",
                                                   "Less important"]})


def journal(organisation, coach, *, title="This week"):
    return create_activity(organisation, by=coach, kind=ActivityKind.JOURNAL, title=title,
                           definition={"prompt": "What surprised you this week?"})


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name="cv.pdf", content=PDF_BYTES, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)
