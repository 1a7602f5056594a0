"""Sessions that already happened, for the tests of documents, surveys and reports.

Rows are made directly (slots, registrations, attendance, signatures with any hash), so
that these tests say what a sheet, a certificate or a report shows, whatever the rules
of signing. Times are Paris wall-clock times: `paris("2026-03-10", "09:00")`.
"""

import base64
import hashlib
import io
import re
import zlib
from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from parcours.classroom.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    Session,
    SessionTrainer,
    Signature,
    SignatureMethod,
    SignerRole,
    Slot,
    SlotPart,
)

PARIS = ZoneInfo("Europe/Paris")
_hashes = count(1)


def paris(day: str, hour: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour}").replace(tzinfo=PARIS)


def session_on(organisation, *, title: str = "Sécurité au travail", first_day: str,
               days: int = 1, trainers=(), learners=(), funder: str = "",
               programme=None, **fields) -> Session:
    """A session of `days` days from `first_day`, each a morning (09:00–12:30) and an
    afternoon (13:30–17:00): 7 hours a day. Learners are registered."""
    start = date.fromisoformat(first_day)
    session = Session.objects.create(organisation=organisation, title=title, capacity=40,
                                     programme=programme, **fields)
    for offset in range(days):
        day = (start + timedelta(days=offset)).isoformat()
        Slot.objects.create(session=session, part=SlotPart.MORNING,
                            starts_at=paris(day, "09:00"), ends_at=paris(day, "12:30"))
        Slot.objects.create(session=session, part=SlotPart.AFTERNOON,
                            starts_at=paris(day, "13:30"), ends_at=paris(day, "17:00"))
    slots = list(session.slots.order_by("starts_at"))
    if slots:
        Session.objects.filter(pk=session.pk).update(starts_at=slots[0].starts_at,
                                                     ends_at=slots[-1].ends_at)
        session.refresh_from_db()
    for trainer in trainers:
        SessionTrainer.objects.create(session=session, trainer=trainer)
    for learner in learners:
        Registration.objects.create(session=session, learner=learner, funder=funder,
                                    status=RegistrationStatus.REGISTERED)
    return session


def slots_of(session: Session) -> list[Slot]:
    return list(session.slots.order_by("starts_at"))


def attend(slot: Slot, learner, status: str = "present") -> Attendance:
    return Attendance.objects.create(slot=slot, learner=learner, status=status)


def sign(slot: Slot, person, *, role: str = SignerRole.LEARNER, image: str | None = None,
         method: str = SignatureMethod.DRAWN, minutes_in: int = 5) -> Signature:
    number = next(_hashes)
    return Signature.objects.create(
        slot=slot, signer=person, role=role, method=method,
        image=signature_image(number) if image is None else image,
        signed_at=slot.starts_at + timedelta(minutes=minutes_in),
        record_hash=hashlib.sha256(f"test-{number}".encode()).hexdigest())


def signature_image(seed: int) -> str:
    """A small drawn-looking signature, different for each seed (PNG data URL)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    pen = ImageDraw.Draw(picture)
    points = [(10 + 22 * i, 40 + ((seed * 7 + i * 13) % 30) - 15) for i in range(10)]
    pen.line(points, fill=(20, 30, 60, 255), width=3)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# --- Reading a PDF back ------------------------------------------------------------------

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.DOTALL)
_STRING_OR_FONT = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number → (dictionary, decompressed stream or None)."""
    found = {}
    for number, body in _OBJECT.findall(pdf):
        head, marker, rest = body.partition(b"stream")
        stream = None
        if marker:
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            stream = rest[1 if rest[:1] == b"\n" else 2:][:length]
            if b"/FlateDecode" in head:
                stream = zlib.decompress(stream)
        found[int(number)] = (head, stream)
    return found


def _unescape(raw: bytes) -> bytes:
    out, index = bytearray(), 0
    while index < len(raw):
        char = raw[index:index + 1]
        if char == b"\\":
            following = raw[index + 1:index + 2]
            if following.isdigit():
                digits = re.match(rb"[0-7]{1,3}", raw[index + 1:index + 4]).group()
                out.append(int(digits, 8))
                index += 1 + len(digits)
                continue
            out += _ESCAPES.get(following, following)
            index += 2
            continue
        out += char
        index += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the pages, decoded through each font's ToUnicode map."""
    objects = _objects(pdf)
    maps = {}
    for number, (head, _stream) in objects.items():
        unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if unicode_ref:
            cmap = objects[int(unicode_ref.group(1))][1].decode("latin-1")
            maps[number] = {int(code, 16): chr(int(char, 16)) for code, char in
                            re.findall(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4,8})>", cmap)}
    names = {}
    for head, _stream in objects.values():
        for fonts in re.findall(rb"/Font\s*<<(.*?)>>", head, re.DOTALL):
            for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", fonts):
                names[name] = maps.get(int(number), {})
    lines = []
    for head, stream in objects.values():
        if stream is None or b"/Length" not in head or b" Tj" not in stream:
            continue
        mapping = {}
        for font, raw in _STRING_OR_FONT.findall(stream):
            if font:
                mapping = names.get(font, {})
                continue
            codes = _unescape(raw)
            lines.append("".join(mapping.get(int.from_bytes(codes[i:i + 2], "big"), "?")
                                 for i in range(0, len(codes) - 1, 2)))
    return "\n".join(lines)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def images_drawn(pdf: bytes) -> int:
    """How many times an image is placed on a page (a signature each)."""
    return sum(len(re.findall(rb"/I\d+ Do", stream or b""))
               for _head, stream in _objects(pdf).values())
