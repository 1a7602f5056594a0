"""The synthesis document (document de synthèse) of an engagement: who reads it, the
draft written from the record, and the PDF.

The draft gathers what the beneficiary already saw: the objectives, the hours per phase,
the shared notes, the activities they returned with the coach's comments, and the action
items done. Private notes are never read here. The coach then edits the text freely.
"""

import re
from pathlib import Path

from django.http import Http404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from parcours.coaching.hours import hours_of
from parcours.coaching.models import (
    ActionItem,
    ActivityAssignment,
    AssignmentStatus,
    Engagement,
    Note,
    NoteVisibility,
    SynthesisDocument,
)
from parcours.coaching.selectors import Capacity

FONT_DIR = Path(__file__).resolve().parent.parent / "classroom" / "fonts"
FONT = "DejaVu"
MARGIN = 18


def synthesis_for(engagement: Engagement, capacity: Capacity) -> SynthesisDocument | None:
    """The coaches read and edit it; the beneficiary reads it once shared. It belongs to
    the beneficiary: managers do not read it."""
    if capacity == Capacity.MANAGER:
        raise Http404
    document = SynthesisDocument.objects.filter(engagement=engagement).first()
    if capacity == Capacity.BENEFICIARY and (document is None or document.shared_at is None):
        raise Http404
    return document


def _answers_text(assignment: ActivityAssignment) -> list[str]:
    fields = {field.get("id") or field.get("key"): field.get("label", "")
              for field in (assignment.activity.definition or {}).get("fields", [])
              if isinstance(field, dict)}
    lines = []
    for key, value in (assignment.answers or {}).items():
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                              for k, v in value.items())
        label = fields.get(key) or str(key)
        if str(value).strip():
            lines.append(f"- **{label}**: {value}")
    return lines


def draft_text(engagement: Engagement) -> str:
    """Markdown written from the shared record, in the current language."""
    beneficiary = engagement.beneficiary
    lines = [f"# {_('Synthesis document')}", "",
             f"**{_('Beneficiary')}**: {beneficiary.display_name if beneficiary else ''}",
             f"**{_('Engagement')}**: {engagement.title} ({engagement.engagement_type.name})",
             f"**{_('Period')}**: {formats.date_format(engagement.starts_on, 'j F Y')}"
             + (f" — {formats.date_format(engagement.ends_on, 'j F Y')}"
                if engagement.ends_on else ""), ""]
    if engagement.objectives:
        lines += [f"## {_('Objectives')}", "", engagement.objectives.strip(), ""]
    summary = hours_of(engagement)
    lines += [f"## {_('Hours')}", ""]
    for line in summary.phases:
        lines.append(f"- {line.phase.name}: {line.used_text} / {line.allowed_text}")
    lines += [f"- **{_('Total')}**: {summary.used_text} / {summary.allowed_text}", ""]
    notes = list(Note.objects.filter(engagement=engagement, visibility=NoteVisibility.SHARED)
                 .select_related("phase").order_by("created_at"))
    if notes:
        lines += [f"## {_('What we worked on')}", ""]
        for note in notes:
            when = formats.date_format(timezone.localtime(note.created_at), "j F Y")
            heading = f"### {when}" + (f" — {note.phase.name}" if note.phase else "")
            lines += [heading, "", note.body.strip(), ""]
    assignments = list(ActivityAssignment.objects.filter(
        engagement=engagement,
        status__in=[AssignmentStatus.RETURNED, AssignmentStatus.COMMENTED])
        .select_related("activity").order_by("returned_at"))
    if assignments:
        lines += [f"## {_('Activities and results')}", ""]
        for assignment in assignments:
            lines += [f"### {assignment.activity.title}", "", *_answers_text(assignment), ""]
            if assignment.comment:
                lines += [f"*{_('Coach’s comment')}*: {assignment.comment.strip()}", ""]
    done = list(ActionItem.objects.filter(engagement=engagement, done_at__isnull=False)
                .order_by("done_at"))
    if done:
        lines += [f"## {_('Actions carried out')}", ""]
        lines += [f"- {item.title}" for item in done]
        lines.append("")
    lines += [f"## {_('Conclusions and next steps')}", "", _("(to be written by the coach)"),
              ""]
    return "\n".join(lines)


# --- PDF ---------------------------------------------------------------------------------


class _Pdf(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        # No italic face is shipped: italics print upright rather than fail.
        self.add_font(FONT, "I", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "BI", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_title(title)
        self.set_creator("Parcours")
        self.doc_title = title
        self.add_page()

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.set_text_color(90, 98, 112)
        self.cell(0, 4, f"{self.doc_title} — {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(17, 24, 39)


def new_pdf(title: str) -> FPDF:
    return _Pdf(title)


def write_heading(pdf: FPDF, text: str, *, size: int = 13) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def write_paragraph(pdf: FPDF, text: str, *, size: int = 10) -> None:
    pdf.set_font(FONT, "", size)
    pdf.multi_cell(0, 5, text, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def synthesis_pdf(engagement: Engagement, document: SynthesisDocument | None, *,
                  language: str) -> bytes:
    """The document's Markdown drawn as headings, bullet lists and paragraphs (bold and
    italics kept), with the organisation's name and the date in the footer."""
    language = language if language in ("fr", "en") else "fr"
    with translation.override(language):
        body = document.body if document else draft_text(engagement)
        pdf = new_pdf(_("Synthesis document — %(title)s") % {"title": engagement.title})
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(90, 98, 112)
        pdf.cell(0, 4, f"{engagement.organisation.name} — "
                       f"{formats.date_format(timezone.localdate(), 'j F Y')}",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(17, 24, 39)
        for block in body.replace("\r\n", "\n").split("\n"):
            line = block.rstrip()
            heading = _HEADING.match(line)
            if heading:
                write_heading(pdf, heading.group(2), size={1: 16, 2: 13, 3: 11}[
                    len(heading.group(1))])
            elif line.lstrip().startswith(("- ", "* ")):
                write_paragraph(pdf, "•  " + line.lstrip()[2:])
            elif line:
                write_paragraph(pdf, line)
            else:
                pdf.ln(2)
        return bytes(pdf.output())
