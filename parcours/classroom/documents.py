"""The documents an audit asks for: a session's attendance sheet (feuille d'émargement)
and each learner's certificate of completion (certificat de réalisation).

Both are PDF files drawn with fpdf2 (pure Python, no system package), in French or
English whatever the reader's own language, with dates and hours in the organisation's
time zone. The text uses DejaVu Sans from `classroom/fonts/` because the PDF core fonts
only know Latin-1 (no œ, no ’).

Who attended how long follows one rule, here and in the hours reports: a half-day
counts when the trainer's attendance record says present or late. A signature proves
presence to an auditor but does not add hours on its own.
"""

import io
import logging
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from parcours.accounts.models import Organisation, User
from parcours.classroom.models import (
    Attendance,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    Session,
    SessionTrainer,
    Signature,
    SignatureMethod,
    SignerRole,
    Slot,
)
from parcours.classroom.reports import attended_minutes, format_minutes
from parcours.classroom.signing import png_from_data_url

_quiet = logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"

# Landscape A4 in millimetres, and the sheet's grid.
MARGIN = 10
NAME_WIDTH = 68
ROW_HEIGHT = 10
HEADER_ROW_HEIGHT = 8
FOOTER_SPACE = 14
INK = (17, 24, 39)
MUTED = (90, 98, 112)
RULE = (170, 176, 186)
SHADE = (238, 240, 244)
# A signature prints at most about 50 × 8 mm: this many pixels is about 240 dpi.
SIGNATURE_PIXELS = (480, 80)


def check_language(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"No documents in {language!r}; languages: {settings.LANGUAGES}.")
    return language


# --- Reading what the sheet shows, in a fixed number of queries --------------------------


@dataclass
class SheetData:
    """Everything an attendance sheet prints, read in six queries whatever the size."""

    session: Session
    slots: list[Slot]
    learners: list[User]
    trainers: list[User]
    attendance: dict[tuple[int, int], Attendance]
    signatures: dict[tuple[int, int], Signature]
    chain: dict[int, list[Signature]] = field(default_factory=dict)

    @property
    def organisation(self) -> Organisation:
        return self.session.organisation


def sheet_data(session: Session) -> SheetData:
    """The session, its slots, trainers, learners, attendance and signatures.

    Learners are those registered, and anyone who has an attendance record or a
    signature in the session even if their registration was cancelled since: an
    auditor must see every signature.
    """
    session = Session.objects.select_related("organisation", "programme", "room").get(
        pk=session.pk)
    slots = list(Slot.objects.filter(session=session).order_by("starts_at", "id"))
    trainers = {link.trainer_id: link.trainer for link in
                SessionTrainer.objects.filter(session=session).select_related("trainer")}
    learners = {registration.learner_id: registration.learner for registration in
                Registration.objects.filter(session=session,
                                            status=RegistrationStatus.REGISTERED)
                .select_related("learner")}
    attendance = {}
    for record in Attendance.objects.filter(slot__session=session).select_related("learner"):
        attendance[record.slot_id, record.learner_id] = record
        learners.setdefault(record.learner_id, record.learner)
    signatures, chain = {}, defaultdict(list)
    for signature in (Signature.objects.filter(slot__session=session)
                      .select_related("signer").order_by("slot", "signed_at", "id")):
        signatures[signature.slot_id, signature.signer_id] = signature
        chain[signature.slot_id].append(signature)
        people = trainers if signature.role == SignerRole.TRAINER else learners
        people.setdefault(signature.signer_id, signature.signer)
    return SheetData(session=session, slots=slots, learners=_by_name(learners.values()),
                     trainers=_by_name(trainers.values()), attendance=attendance,
                     signatures=signatures, chain=dict(chain))


def _by_name(people) -> list[User]:
    def key(person: User) -> str:
        plain = unicodedata.normalize("NFKD", person.display_name or person.email)
        return "".join(c for c in plain if not unicodedata.combining(c)).casefold()

    return sorted(people, key=key)


# --- Drawing -------------------------------------------------------------------------------


class _Pdf(FPDF):
    """A page with the document's footer: what it is, when it was made, page x of n."""

    def __init__(self, *, orientation: str, zone: ZoneInfo, footer_note: str,
                 page_label: str):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.zone = zone
        self.footer_note = footer_note
        self.page_label = page_label
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.set_creator("Parcours")
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)

    def footer(self):
        self.set_xy(MARGIN, -MARGIN - 4)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        width = self.w - 2 * MARGIN
        self.cell(width - 30, 4, _fit(self, self.footer_note, width - 32))
        self.cell(30, 4, self.page_label % {"page": self.page_no(), "pages": "{nb}"},
                  align="R")
        self.set_text_color(*INK)

    def label_value(self, label: str, value: str, *, label_width: float, size: float = 9):
        if not value:
            return
        self.set_font(FONT, "B", size)
        self.cell(label_width, 5, label)
        self.set_font(FONT, "", size)
        self.multi_cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut with an ellipsis so that it fits the width in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _zone(organisation: Organisation) -> ZoneInfo:
    return ZoneInfo(organisation.time_zone)


def _day(moment: datetime | date) -> str:
    return formats.date_format(moment, "l j F Y")


def _short_day(moment: datetime | date) -> str:
    return formats.date_format(moment, "j F Y")


def _time(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _generated_on(zone: ZoneInfo) -> str:
    now = timezone.localtime(timezone.now(), zone)
    return _("Generated on %(day)s at %(time)s") % {"day": _short_day(now), "time": _time(now)}


def _output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def _place(session: Session) -> str:
    parts = []
    if session.room_id:
        parts.append(str(session.room))
        if session.room.address:
            parts.append(" ".join(session.room.address.split()))
    elif session.address:
        parts.append(" ".join(session.address.split()))
    if session.meeting_url:
        parts.append(session.meeting_url)
    return " · ".join(parts)


def _names(people: list[User]) -> str:
    return ", ".join(person.display_name or person.email for person in people)


def _method(method: str) -> str:
    labels = {
        SignatureMethod.DRAWN: _("drawn"),
        SignatureMethod.QR_CODE: _("QR code"),
        SignatureMethod.LINK: _("personal link"),
        SignatureMethod.VIRTUAL: _("virtual class"),
    }
    return labels.get(method, method)


# --- The attendance sheet --------------------------------------------------------------


def attendance_sheet_pdf(session: Session, *, language: str) -> bytes:
    """The session's attendance sheet, ready for an audit: a table per day with a
    column per half-day and a row per learner and trainer, each cell holding the
    signature (or why there is none), with each slot's hash chain summed up."""
    check_language(language)
    data = sheet_data(session)
    with translation.override(language):
        return _draw_sheet(data, language)


def _draw_sheet(data: SheetData, language: str) -> bytes:
    session, organisation = data.session, data.organisation
    zone = _zone(organisation)
    pdf = _Pdf(
        orientation="L", zone=zone,
        footer_note=_("%(generated)s — %(session)s — each signature is sealed with a hash "
                      "of its content and of the one before it, verifiable on request.")
        % {"generated": _generated_on(zone), "session": session.title},
        page_label=_("Page %(page)s of %(pages)s"),
    )
    pdf.set_lang(language)
    pdf.set_title(_("Attendance sheet — %(session)s") % {"session": session.title})
    pdf.set_author(organisation.name)

    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in data.slots:
        days[timezone.localtime(slot.starts_at, zone).date()].append(slot)
    if not days:
        pdf.add_page()
        _sheet_header(pdf, data, zone)
        pdf.set_font(FONT, "", 10)
        pdf.cell(0, 8, _("This session has no half-days yet."))
    for day, slots in days.items():
        pdf.add_page()
        _sheet_header(pdf, data, zone)
        _day_table(pdf, data, day, slots, zone)
    return _output(pdf)


def _sheet_header(pdf: _Pdf, data: SheetData, zone: ZoneInfo) -> None:
    session = data.session
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, _("Attendance sheet"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    width = 34
    pdf.label_value(_("Organisation"), data.organisation.name, label_width=width)
    if session.programme_id:
        pdf.label_value(_("Programme"), session.programme.title, label_width=width)
    pdf.label_value(_("Session"), f"{session.title} ({session.get_kind_display()})",
                    label_width=width)
    if data.slots:
        first = timezone.localtime(data.slots[0].starts_at, zone)
        last = timezone.localtime(data.slots[-1].ends_at, zone)
        total = sum(slot.minutes for slot in data.slots)
        dates = (_("from %(first)s to %(last)s") % {"first": _short_day(first),
                                                     "last": _short_day(last)}
                 if first.date() != last.date() else _short_day(first))
        pdf.label_value(_("Dates"), _("%(dates)s — %(halves)s half-days, %(hours)s") % {
            "dates": dates, "halves": len(data.slots), "hours": format_minutes(total)},
            label_width=width)
    pdf.label_value(_("Place"), _place(session), label_width=width)
    pdf.label_value(_("Trainers"), _names(data.trainers) or "—", label_width=width)
    pdf.ln(2)


def _day_table(pdf: _Pdf, data: SheetData, day: date, slots: list[Slot],
               zone: ZoneInfo) -> None:
    cell_width = (pdf.w - 2 * MARGIN - NAME_WIDTH) / len(slots)
    bottom = pdf.h - MARGIN - FOOTER_SPACE

    def heading(continued: bool) -> None:
        pdf.set_font(FONT, "B", 11)
        title = _day(day)
        if continued:
            title = _("%(day)s (continued) — %(session)s") % {
                "day": title, "session": data.session.title}
        pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "B", 8)
        pdf.set_fill_color(*SHADE)
        pdf.cell(NAME_WIDTH, HEADER_ROW_HEIGHT, _("Name"), border=1, fill=True)
        for slot in slots:
            start = timezone.localtime(slot.starts_at, zone)
            end = timezone.localtime(slot.ends_at, zone)
            pdf.cell(cell_width, HEADER_ROW_HEIGHT,
                     _("%(part)s, %(start)s–%(end)s") % {
                         "part": slot.get_part_display(), "start": _time(start),
                         "end": _time(end)},
                     border=1, fill=True, align="C")
        pdf.ln(HEADER_ROW_HEIGHT)

    def room_for(height: float) -> None:
        if pdf.get_y() + height > bottom:
            pdf.add_page()
            heading(continued=True)

    heading(continued=False)
    for label, people, role in ((_("Learners"), data.learners, SignerRole.LEARNER),
                                (_("Trainers"), data.trainers, SignerRole.TRAINER)):
        room_for(6 + ROW_HEIGHT)
        pdf.set_font(FONT, "B", 8)
        pdf.cell(0, 6, f"{label} ({len(people)})", border="B",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for person in people:
            room_for(ROW_HEIGHT)
            _person_row(pdf, data, person, role, slots, cell_width)
    _chain_summary(pdf, data, slots, bottom)


def _person_row(pdf: _Pdf, data: SheetData, person: User, role: str, slots: list[Slot],
                cell_width: float) -> None:
    x, y = pdf.get_x(), pdf.get_y()
    pdf.set_font(FONT, "", 9)
    pdf.cell(NAME_WIDTH, ROW_HEIGHT, _fit(pdf, person.display_name or person.email,
                                          NAME_WIDTH - 3), border=1)
    for index, slot in enumerate(slots):
        left = x + NAME_WIDTH + index * cell_width
        pdf.rect(left, y, cell_width, ROW_HEIGHT)
        signature = data.signatures.get((slot.pk, person.pk))
        record = data.attendance.get((slot.pk, person.pk)) if role == SignerRole.LEARNER \
            else None
        _signature_cell(pdf, left, y, cell_width, signature, record)
    pdf.set_xy(x, y + ROW_HEIGHT)


def _signature_cell(pdf: _Pdf, left: float, top: float, width: float,
                    signature: Signature | None, record: Attendance | None) -> None:
    note_width = 24
    notes = []
    if record is not None and record.status != AttendanceStatus.PRESENT:
        notes.append(_("Late from %(time)s") % {
            "time": _time(timezone.localtime(record.arrived_at, pdf.zone))}
            if record.status == AttendanceStatus.LATE and record.arrived_at
            else record.get_status_display())
    if signature is not None:
        picture = _signature_picture(signature.image)
        if picture is not None:
            pdf.image(picture, x=left + 1, y=top + 0.8, w=width - note_width - 2,
                      h=ROW_HEIGHT - 1.6, keep_aspect_ratio=True)
        else:
            notes.insert(0, _("Signed"))
        local = timezone.localtime(signature.signed_at, pdf.zone)
        notes += [_time(local), _method(signature.method)]
    elif record is None:
        notes.append(_("Not signed"))
    elif record.status == AttendanceStatus.PRESENT:
        notes.append(_("Present, not signed"))
    if signature is None:
        # Nothing drawn: say it in full size across the cell.
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(left, top)
        pdf.cell(width, ROW_HEIGHT, _fit(pdf, " · ".join(notes), width - 2), align="C")
        pdf.set_text_color(*INK)
        return
    pdf.set_font(FONT, "", 6)
    pdf.set_text_color(*MUTED)
    line = (ROW_HEIGHT - 1) / max(len(notes), 3)
    for number, note in enumerate(notes):
        pdf.set_xy(left + width - note_width, top + 0.5 + number * line)
        pdf.cell(note_width - 1, line, _fit(pdf, note, note_width - 1), align="R")
    pdf.set_text_color(*INK)


def _signature_picture(image: str):
    """The drawn signature as the cell prints it: cropped to its ink, reduced to about
    240 dpi and flattened to grey on white. Pads send large canvases, mostly empty,
    with transparency; embedded as they are, a 30-learner week took several seconds
    and megabytes. None when the image is not a PNG."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    png = png_from_data_url(image)
    if png is None:
        return None
    try:
        picture = Image.open(io.BytesIO(png))
        picture.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        if picture.mode != "RGBA":
            picture = picture.convert("RGBA")
        ink, grey = picture.getchannel("A"), picture.convert("L")
    else:
        grey = picture.convert("L")
        ink = ImageOps.invert(grey)
    box = ink.getbbox()
    if box is None:
        return None
    ink, grey = ink.crop(box), grey.crop(box)
    factor = max(-(-grey.width // SIGNATURE_PIXELS[0]), -(-grey.height // SIGNATURE_PIXELS[1]))
    if factor > 1:
        ink, grey = ink.reduce(factor), grey.reduce(factor)
    paper = Image.new("L", grey.size, 255)
    paper.paste(grey, mask=ink)
    return paper


def _chain_summary(pdf: _Pdf, data: SheetData, slots: list[Slot], bottom: float) -> None:
    lines = []
    for slot in slots:
        chain = data.chain.get(slot.pk, [])
        if chain:
            lines.append(_("%(part)s: %(count)s signatures, chain ends with %(hash)s") % {
                "part": slot.get_part_display(), "count": len(chain),
                "hash": _short_hash(chain[-1].record_hash)})
        else:
            lines.append(_("%(part)s: no signature") % {"part": slot.get_part_display()})
    if pdf.get_y() + 2 + 4 * len(lines) > bottom:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*MUTED)
    for text in lines:
        pdf.cell(0, 4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)


def _short_hash(record_hash: str) -> str:
    return f"{record_hash[:12]}…{record_hash[-4:]}"


# --- The certificate of completion -------------------------------------------------------


@dataclass
class CertificateData:
    """A registration with its session, the session's slots and the learner's attendance,
    read in three queries."""

    registration: Registration
    slots: list[Slot]
    attendance: dict[int, Attendance]

    @property
    def minutes_attended(self) -> int:
        return sum(attended_minutes(slot.starts_at, slot.ends_at, record.status,
                                    record.arrived_at)
                   for slot in self.slots
                   if (record := self.attendance.get(slot.pk)) is not None)

    @property
    def minutes_planned(self) -> int:
        return sum(slot.minutes for slot in self.slots)


def certificate_data(registration: Registration) -> CertificateData:
    registration = Registration.objects.select_related(
        "learner", "session__organisation", "session__programme").get(pk=registration.pk)
    slots = list(Slot.objects.filter(session=registration.session_id).order_by("starts_at", "id"))
    attendance = {record.slot_id: record for record in Attendance.objects.filter(
        slot__session=registration.session_id, learner=registration.learner_id)}
    return CertificateData(registration=registration, slots=slots, attendance=attendance)


def completion_certificate_pdf(registration: Registration, *, language: str) -> bytes:
    """The learner's certificate of completion: who, which training, when, and the hours
    actually attended (present or late), half-day by half-day."""
    check_language(language)
    data = certificate_data(registration)
    with translation.override(language):
        return _draw_certificate(data, language)


def _draw_certificate(data: CertificateData, language: str) -> bytes:
    registration = data.registration
    session, learner = registration.session, registration.learner
    organisation = session.organisation
    zone = _zone(organisation)
    learner_name = learner.display_name or learner.email
    pdf = _Pdf(orientation="P", zone=zone, footer_note=_generated_on(zone),
               page_label=_("Page %(page)s of %(pages)s"))
    pdf.set_lang(language)
    pdf.set_title(_("Certificate of completion — %(learner)s") % {"learner": learner_name})
    pdf.set_author(organisation.name)
    pdf.set_auto_page_break(True, margin=MARGIN + FOOTER_SPACE)
    pdf.add_page()
    pdf.set_margins(20, MARGIN, 20)
    pdf.set_x(20)
    width = pdf.w - 40

    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(width, 6, organisation.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(14)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(width, 10, _("Certificate of completion"), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)

    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, _("The undersigned, on behalf of %(organisation)s, certifies "
                               "that") % {"organisation": organisation.name},
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(width, 8, learner_name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(width, 6, _("took part in the following training:"),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    title = session.programme.title if session.programme_id else session.title
    pdf.multi_cell(width, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    label_width = 52
    pdf.label_value(_("Nature of the action"), _("training action"),
                    label_width=label_width, size=10)
    if session.programme_id and session.title != title:
        pdf.label_value(_("Session"), session.title, label_width=label_width, size=10)
    pdf.label_value(_("Format"), str(session.get_kind_display()), label_width=label_width,
                    size=10)
    if data.slots:
        first = timezone.localtime(data.slots[0].starts_at, zone)
        last = timezone.localtime(data.slots[-1].ends_at, zone)
        dates = (_short_day(first) if first.date() == last.date() else
                 _("from %(first)s to %(last)s") % {"first": _short_day(first),
                                                    "last": _short_day(last)})
        pdf.label_value(_("Dates"), dates, label_width=label_width, size=10)
    pdf.label_value(_("Duration attended"), _("%(attended)s out of %(planned)s planned") % {
        "attended": format_minutes(data.minutes_attended),
        "planned": format_minutes(data.minutes_planned)}, label_width=label_width, size=10)

    objectives = _objectives(session.programme.objectives if session.programme_id else "")
    if objectives:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(width, 6, _("Objectives"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 10)
        for objective in objectives:
            pdf.multi_cell(width, 5, f"•  {objective}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    if data.slots:
        pdf.ln(4)
        _half_days_table(pdf, data, zone, width)

    pdf.ln(8)
    if pdf.get_y() + 40 > pdf.h - MARGIN - FOOTER_SPACE:
        pdf.add_page()
    pdf.set_font(FONT, "", 10)
    today = timezone.localtime(timezone.now(), zone)
    pdf.multi_cell(width, 6, _("Issued on %(day)s, for %(organisation)s.") % {
        "day": _short_day(today), "organisation": organisation.name},
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    box_left = pdf.l_margin + width - 80
    pdf.set_x(box_left)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(80, 5, _("Signature and stamp of the organisation"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.rect(box_left, pdf.get_y(), 80, 28)
    return _output(pdf)


def _half_days_table(pdf: _Pdf, data: CertificateData, zone: ZoneInfo, width: float) -> None:
    columns = [(_("Date"), 0.40), (_("Half-day"), 0.22), (_("Hours"), 0.16),
               (_("Attendance"), 0.22)]
    pdf.set_font(FONT, "B", 9)
    pdf.set_fill_color(*SHADE)
    for label, share in columns:
        pdf.cell(width * share, 6, label, border=1, fill=True)
    pdf.ln(6)
    pdf.set_font(FONT, "", 9)
    labels = dict(AttendanceStatus.choices)
    for slot in data.slots:
        start = timezone.localtime(slot.starts_at, zone)
        end = timezone.localtime(slot.ends_at, zone)
        record = data.attendance.get(slot.pk)
        status = _("Not recorded") if record is None else str(labels[record.status])
        if record is not None and record.status == AttendanceStatus.LATE and record.arrived_at:
            status = _("Late from %(time)s") % {
                "time": _time(timezone.localtime(record.arrived_at, zone))}
        values = [_day(start), str(slot.get_part_display()),
                  f"{_time(start)}–{_time(end)}", status]
        for value, (_label, share) in zip(values, columns, strict=True):
            pdf.cell(width * share, 6, _fit(pdf, value, width * share - 2), border=1)
        pdf.ln(6)


def _objectives(text: str) -> list[str]:
    """The programme's objectives (Markdown) as plain lines, list markers and emphasis
    taken off."""
    lines = []
    for line in (text or "").splitlines():
        line = line.strip().lstrip("-*+•").strip()
        head, _dot, rest = line.partition(". ")
        if head.isdigit():
            line = rest
        line = line.replace("**", "").replace("__", "").strip()
        if line:
            lines.append(line)
    return lines
