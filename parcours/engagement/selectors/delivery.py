"""Reads of the delivery part: the dead-letter list an administrator works through."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from parcours.accounts.selectors import require_permission
from parcours.core.roles import Permission
from parcours.engagement.models import Delivery, DeliveryStatus

PAGE_SIZE = 100


@dataclass(frozen=True)
class DeadLetters:
    total: int
    deliveries: list[Delivery]  # the most recent PAGE_SIZE


def dead_letters(organisation, *, viewer, limit: int = PAGE_SIZE) -> DeadLetters:
    """The organisation's deliveries that failed for good, newest first, with who they
    were for: two queries whatever their number. Administrators only."""
    require_permission(viewer, organisation, Permission.OPERATE_DELIVERY)
    dead = Delivery.objects.filter(status=DeliveryStatus.DEAD,
                                   notification__organisation=organisation)
    rows = list(dead.select_related("notification__recipient")
                .order_by("-notification__sent_at", "-pk")[:limit])
    total = len(rows) if len(rows) < limit else dead.count()
    return DeadLetters(total=total, deliveries=rows)


def dead_letter(organisation, delivery_id: int, *, viewer) -> Delivery:
    """One of the organisation's dead deliveries; 404 for any other."""
    require_permission(viewer, organisation, Permission.OPERATE_DELIVERY)
    return get_object_or_404(
        Delivery.objects.select_related("notification__organisation",
                                        "notification__recipient"),
        pk=delivery_id, notification__organisation=organisation)
