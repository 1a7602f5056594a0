"""REST endpoints of the attendance part of classroom (merged by classroom/api.py).

A slot's attendance (the session's trainers and the people who schedule sessions read
and note it) and its signatures (the caller signs for themselves: drawn, with a PNG
image, or from the virtual class they joined through Parcours). The same selectors and
services as the pages, so the same rules: only during the slot, once per person, never
for someone else.
"""

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.classroom import selectors, signing
from parcours.classroom.models import Signature
from parcours.classroom.services import attendance as services

router = Router(tags=["attendance"])

REFUSALS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error}
ACTION_ERRORS = {**REFUSALS, 400: schemas.Error, 409: schemas.Error,
                 422: schemas.ValidationFailed}


class PersonRef(Schema):
    id: int
    display_name: str


class AttendanceOut(Schema):
    learner: PersonRef
    status: str | None = Field(
        description="present, late, absent or excused; null: not noted yet.")
    arrived_at: datetime | None = Field(description="For a learner who came late.")
    recorded_by: str | None = Field(description="Who noted it (their name).")
    signed_at: datetime | None = Field(description="When the learner signed, if they did.")
    signature_method: str | None = Field(description="drawn, qr_code, link or virtual.")
    minutes_in_class: int = Field(
        description="Minutes in the virtual class, joined through Parcours.")


class AttendanceRequest(Schema):
    learner: int = Field(description="Id of a learner registered in the session.")
    status: str = Field(description="present, late, absent or excused.",
                        examples=["present"])
    arrived_at: datetime | None = Field(
        None, description="Needed for late: when they arrived, within the slot.")


class SignatureOut(Schema):
    id: int
    signer: PersonRef
    role: str = Field(description="learner or trainer.")
    method: str = Field(description="drawn, qr_code, link or virtual.")
    signed_at: datetime
    device: dict[str, Any] = Field(
        description="The device it was given on (browser, address, how it was drawn), or "
                    "the virtual class visits it stands for.")
    previous_hash: str = Field(description="record_hash of the signature before it in the "
                                           "slot; empty for the first.")
    record_hash: str = Field(description="SHA-256 of this record and previous_hash.")
    image: str | None = Field(description="The drawn signature as a PNG data URL, when "
                                           "asked for with include_images.")


class SignatureRequest(Schema):
    method: str = Field(description="drawn (with image) or virtual (having joined the "
                                    "virtual class through Parcours).", examples=["drawn"])
    image: str = Field("", description="data:image/png;base64,… under 200 KB.")
    input: str = Field("", description="How it was drawn: mouse, touch, pen or typed.")


class SignatureQuery(Schema):
    include_images: bool = Field(False, description="Add each signature's image.")


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _person(user) -> dict:
    return {"id": user.pk, "display_name": user.display_name or user.email}


def _attendance(row) -> dict:
    attendance, signature = row.attendance, row.signature
    return {
        "learner": _person(row.learner),
        "status": attendance.status if attendance else None,
        "arrived_at": attendance.arrived_at if attendance else None,
        "recorded_by": str(attendance.recorded_by) if attendance and attendance.recorded_by
        else None,
        "signed_at": signature.signed_at if signature else None,
        "signature_method": signature.method if signature else None,
        "minutes_in_class": row.minutes_in_class,
    }


def _signature(signature: Signature, *, with_image: bool = False) -> dict:
    return {
        "id": signature.pk, "signer": _person(signature.signer), "role": signature.role,
        "method": signature.method, "signed_at": signature.signed_at,
        "device": signature.device, "previous_hash": signature.previous_hash,
        "record_hash": signature.record_hash,
        "image": signature.image if with_image else None,
    }


@router.get(
    "/organisations/{slug}/slots/{slot_id}/attendance",
    response={200: list[AttendanceOut], **REFUSALS},
    summary="A slot's attendance", operation_id="list_attendance",
)
def list_attendance(request: HttpRequest, slug: str, slot_id: int):
    """Every learner registered in the session, by name, with what was noted for this
    slot and their signature. The session's trainers and the people who schedule
    sessions; `403` for anyone else."""
    slot = selectors.slot_to_take_attendance(request.auth, _organisation(request, slug),
                                             slot_id)
    sheet = selectors.attendance_sheet(slot, viewer=request.auth)
    return [_attendance(row) for row in sheet.rows]


@router.post(
    "/organisations/{slug}/slots/{slot_id}/attendance",
    response={200: AttendanceOut, **ACTION_ERRORS},
    summary="Note a learner's attendance", operation_id="record_attendance",
)
def record_attendance(request: HttpRequest, slug: str, slot_id: int,
                      payload: AttendanceRequest):
    """Note a registered learner present, late (with `arrived_at`), absent or excused.
    Present or late from 15 minutes before the slot starts. `404` for a learner not
    registered in the session."""
    slot = selectors.slot_to_take_attendance(request.auth, _organisation(request, slug),
                                             slot_id)
    learner = selectors.registered_learner(slot, payload.learner)
    services.record_attendance(slot, by=request.auth, learner=learner, status=payload.status,
                               arrived_at=payload.arrived_at)
    sheet = selectors.attendance_sheet(slot, viewer=request.auth)
    return next(_attendance(row) for row in sheet.rows if row.learner.pk == learner.pk)


@router.get(
    "/organisations/{slug}/slots/{slot_id}/signatures",
    response={200: list[SignatureOut], **REFUSALS},
    summary="A slot's signatures", operation_id="list_signatures",
)
def list_signatures(request: HttpRequest, slug: str, slot_id: int,
                    query: Query[SignatureQuery]):
    """The slot's signatures in chain order: all of them for the session's trainers and
    the people who schedule sessions, only their own for a learner who signs it."""
    slot = selectors.slot_in(_organisation(request, slug), slot_id)
    return [_signature(s, with_image=query.include_images)
            for s in selectors.signatures_of(slot, viewer=request.auth)]


@router.post(
    "/organisations/{slug}/slots/{slot_id}/signatures",
    response={201: SignatureOut, **ACTION_ERRORS},
    summary="Sign a slot", operation_id="sign_slot",
)
def sign_slot(request: HttpRequest, slug: str, slot_id: int, payload: SignatureRequest):
    """The caller signs the slot, as a learner registered in the session or as one of its
    trainers, from 15 minutes before it starts to 30 minutes after it ends. `409` once
    signed, or outside those times; `400` for an image that is not a PNG data URL under
    200 KB."""
    slot = selectors.slot_in(_organisation(request, slug), slot_id)
    signature = services.sign_slot(
        slot, by=request.auth, method=payload.method, image=payload.image,
        device=signing.device_of(request, interface="api", input_kind=payload.input))
    return Status(201, _signature(signature))
