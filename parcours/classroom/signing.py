"""What makes signatures trustworthy: the hash chain of each slot's signatures, and the
signed tokens behind QR codes and personal signing links.

Hash chain. Each signature's `record_hash` is the SHA-256 of a canonical JSON of what
was signed (slot, signer, role, method, time, a digest of the image, device) and of
`previous_hash`, the `record_hash` of the signature before it in the same slot (by
`signed_at`, then id), or "" for the first. Altering any field of a signed record, or
removing or inserting one in the middle, breaks the chain: `manage.py verify_attendance`
recomputes it.

Tokens are made with `django.core.signing` (HMAC with SECRET_KEY and a salt per use), so
nobody can forge one; nothing is stored for them.
- QR code: (slot, window), where the window is the 30-second period it was made in
  (`int(timestamp) // 30`). The trainer's screen shows a new one every window; one is
  accepted during its own window and the next (a scan at the edge), then refused.
- Scan ticket: given to a person who opened a valid QR code, bound to them, valid a few
  minutes, so that drawing a signature does not race the 30-second code.
- Personal signing link: (slot, learner), valid as long as signing the slot is open.
"""

import base64
import binascii
import hashlib
import io
import json
from datetime import UTC, datetime
from typing import Any

from django.core import signing

QR_CODE_SECONDS = 30
SCAN_TICKET_SECONDS = 5 * 60

QR_SALT = "parcours.classroom.qr-code"
TICKET_SALT = "parcours.classroom.qr-scan"
LINK_SALT = "parcours.classroom.signing-link"

PNG_DATA_URL_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_BYTES = 200 * 1024


class TokenExpired(Exception):
    """A genuine token, too old."""


class TokenInvalid(Exception):
    """Not a token this server made (mistyped, cut, forged, or made for another use)."""


# --- The hash chain ----------------------------------------------------------------------


def utc_iso(moment: datetime) -> str:
    """The time as signed: UTC, to the microsecond, one spelling only."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def image_digest(image: str) -> str:
    return hashlib.sha256((image or "").encode()).hexdigest()


def chain_payload(*, slot_id: int, signer_id: int, role: str, method: str,
                  signed_at: datetime, image: str, device: dict[str, Any],
                  previous_hash: str) -> str:
    """The canonical JSON a signature's hash is computed from."""
    return json.dumps({
        "slot": slot_id,
        "signer": signer_id,
        "role": role,
        "method": method,
        "signed_at": utc_iso(signed_at),
        "image_sha256": image_digest(image),
        "device": device or {},
        "previous_hash": previous_hash or "",
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(**fields: Any) -> str:
    return hashlib.sha256(chain_payload(**fields).encode()).hexdigest()


def hash_of(signature) -> str:
    """The hash a stored signature should carry, recomputed from its fields."""
    return compute_hash(slot_id=signature.slot_id, signer_id=signature.signer_id,
                        role=signature.role, method=signature.method,
                        signed_at=signature.signed_at, image=signature.image,
                        device=signature.device, previous_hash=signature.previous_hash)


# --- Signature images --------------------------------------------------------------------


def png_from_data_url(image: str) -> bytes | None:
    """The PNG inside a `data:image/png;base64,…` URL under MAX_IMAGE_BYTES, or None."""
    if not isinstance(image, str) or not image.startswith(PNG_DATA_URL_PREFIX):
        return None
    encoded = image[len(PNG_DATA_URL_PREFIX):]
    if len(encoded) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(data) > MAX_IMAGE_BYTES or not data.startswith(PNG_MAGIC):
        return None
    return data


def typed_signature(name: str) -> str:
    """A typed name drawn as a signature image (PNG data URL), for people who sign
    without a pointer or without JavaScript."""
    from PIL import Image, ImageDraw, ImageFont

    name = " ".join((name or "").split())[:80]
    font = ImageFont.load_default(size=36)
    left, top, right, bottom = font.getbbox(name or " ")
    width, height = max(right - left + 40, 200), max(bottom - top + 40, 80)
    picture = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    ImageDraw.Draw(picture).text((20 - left, 20 - top), name, fill=(17, 24, 39, 255),
                                 font=font)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return PNG_DATA_URL_PREFIX + base64.b64encode(buffer.getvalue()).decode()


# --- QR codes, scan tickets and personal links -------------------------------------------


def window_of(moment: datetime) -> int:
    return int(moment.timestamp()) // QR_CODE_SECONDS


def seconds_left_in_window(moment: datetime) -> int:
    return QR_CODE_SECONDS - int(moment.timestamp()) % QR_CODE_SECONDS


def qr_token(slot_id: int, moment: datetime) -> str:
    return signing.dumps({"s": slot_id, "w": window_of(moment)}, salt=QR_SALT, compress=True)


def read_qr_token(token: str, moment: datetime) -> int:
    """The slot of a QR code made in this window or the one before; else refused."""
    data = _load(token, QR_SALT)
    try:
        slot_id, window = int(data["s"]), int(data["w"])
    except (KeyError, TypeError, ValueError) as bad:
        raise TokenInvalid() from bad
    if window not in (window_of(moment), window_of(moment) - 1):
        raise TokenExpired()
    return slot_id


def slot_of_qr_token(token: str) -> int | None:
    """The slot a genuine QR code names, whether expired or not (to tell someone who
    already signed that they did)."""
    try:
        return int(_load(token, QR_SALT)["s"])
    except (TokenInvalid, KeyError, TypeError, ValueError):
        return None


def scan_ticket(slot_id: int, person_id: int) -> str:
    return signing.dumps({"s": slot_id, "p": person_id}, salt=TICKET_SALT, compress=True)


def read_scan_ticket(ticket: str) -> tuple[int, int]:
    """(slot, person) of a ticket made less than SCAN_TICKET_SECONDS ago."""
    data = _load(ticket, TICKET_SALT, max_age=SCAN_TICKET_SECONDS)
    try:
        return int(data["s"]), int(data["p"])
    except (KeyError, TypeError, ValueError) as bad:
        raise TokenInvalid() from bad


def is_scan_ticket(token: str) -> bool:
    try:
        _load(token, TICKET_SALT)
    except TokenInvalid:
        return False
    return True


def link_token(slot_id: int, learner_id: int) -> str:
    return signing.dumps({"s": slot_id, "l": learner_id}, salt=LINK_SALT, compress=True)


def read_link_token(token: str) -> tuple[int, int]:
    """(slot, learner) of a personal signing link."""
    data = _load(token, LINK_SALT)
    try:
        return int(data["s"]), int(data["l"])
    except (KeyError, TypeError, ValueError) as bad:
        raise TokenInvalid() from bad


def _load(token: str, salt: str, *, max_age: int | None = None) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as old:
        raise TokenExpired() from old
    except (signing.BadSignature, TypeError, ValueError) as bad:
        raise TokenInvalid() from bad
    if not isinstance(data, dict):
        raise TokenInvalid()
    return data


# --- Device information ------------------------------------------------------------------

INPUT_KINDS = frozenset({"mouse", "touch", "pen", "typed", "keyboard"})


def device_of(request, *, interface: str, input_kind: str = "", **extra: Any) -> dict:
    """What is kept about the device a signature was given on: the browser's own
    description, the address it came from, the interface, and how it was drawn."""
    device = {
        "interface": interface,
        "user_agent": request.headers.get("User-Agent", "")[:300],
        "ip": request.META.get("REMOTE_ADDR", ""),
    }
    if input_kind in INPUT_KINDS:
        device["input"] = input_kind
    device.update(extra)
    return device
