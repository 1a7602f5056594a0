"""REST endpoints of the engagement app, mounted under /api/v1/ by parcours.api.api."""

from ninja import Router

from parcours.engagement import (
    api_campaigns,
    api_centre,
    api_delivery,
    api_preferences,
    api_triggers,
)

router = Router(tags=["notifications"])
router.add_router("", api_centre.router)
router.add_router("", api_delivery.router)
router.add_router("", api_preferences.router)
router.add_router("", api_triggers.router)
router.add_router("", api_campaigns.router)
