"""REST endpoints of the delivery part of engagement: the dead-letter list and retries,
for administrators (`operate_delivery`). The same selectors and services as the page."""

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from parcours.accounts.models import Organisation
from parcours.accounts.selectors import organisation_for
from parcours.api import schemas
from parcours.api.errors import OutsideOrganisation
from parcours.engagement.selectors import delivery as selectors
from parcours.engagement.services import dispatch

router = Router(tags=["notifications"])

REFUSALS = {401: schemas.Error, 403: schemas.Error}


class FailedDeliveryOut(Schema):
    id: int
    notification_id: int
    kind: str
    subject: str
    recipient_id: int
    recipient_email: str
    channel: str = Field(description="email, push, digest…")
    attempts: int
    last_error: str
    sent_at: datetime | None = Field(description="When the notification went out.")


class FailedDeliveriesOut(Schema):
    total: int = Field(description="How many deliveries failed for good.")
    items: list[FailedDeliveryOut] = Field(description="The 100 most recent.")


class RetriedOut(Schema):
    retried: int


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    try:
        return organisation_for(request.auth, slug)
    except Http404 as outside:
        raise OutsideOrganisation() from outside


def _failed(delivery) -> dict:
    notification = delivery.notification
    return {
        "id": delivery.pk, "notification_id": notification.pk, "kind": notification.kind,
        "subject": notification.subject, "recipient_id": notification.recipient_id,
        "recipient_email": notification.recipient.email, "channel": delivery.channel,
        "attempts": delivery.attempts, "last_error": delivery.last_error,
        "sent_at": notification.sent_at,
    }


@router.get(
    "/organisations/{slug}/failed-deliveries",
    response={200: FailedDeliveriesOut, **REFUSALS},
    summary="Deliveries that failed for good", operation_id="list_failed_deliveries",
)
def list_failed_deliveries(request: HttpRequest, slug: str):
    """Messages the engine could not deliver after every retry, or that the provider
    refused for good, most recent first. Administrators only; `403` for anyone else."""
    letters = selectors.dead_letters(_organisation(request, slug), viewer=request.auth)
    return {"total": letters.total, "items": [_failed(d) for d in letters.deliveries]}


@router.post(
    "/organisations/{slug}/failed-deliveries/retry",
    response={200: RetriedOut, **REFUSALS},
    summary="Retry every failed delivery", operation_id="retry_failed_deliveries",
)
def retry_failed_deliveries(request: HttpRequest, slug: str):
    """Put every failed delivery of the organisation back in the queue, with a fresh
    count of attempts."""
    organisation = _organisation(request, slug)
    return {"retried": dispatch.retry_dead_deliveries(organisation, by=request.auth)}


@router.post(
    "/organisations/{slug}/failed-deliveries/{delivery_id}/retry",
    response={200: FailedDeliveryOut, **REFUSALS, 404: schemas.Error, 409: schemas.Error},
    summary="Retry one failed delivery", operation_id="retry_failed_delivery",
)
def retry_failed_delivery(request: HttpRequest, slug: str, delivery_id: int):
    """Put one failed delivery back in the queue. `404` for a delivery of another
    organisation, `409` for one that is not failed (any more)."""
    delivery = selectors.dead_letter(_organisation(request, slug), delivery_id,
                                     viewer=request.auth)
    return _failed(dispatch.retry_delivery(delivery, by=request.auth))
