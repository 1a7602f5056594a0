"""REST endpoints of the coaching app, mounted under /api/v1/ by parcours.api.api."""

from ninja import Router

from parcours.coaching import (
    api_activities,
    api_booking,
    api_engagements,
    api_messages,
    api_records,
)

router = Router(tags=["coaching"])
router.add_router("", api_engagements.router)
router.add_router("", api_booking.router)
router.add_router("", api_activities.router)
router.add_router("", api_messages.router)
router.add_router("", api_records.router)
