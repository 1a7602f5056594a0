"""REST endpoints of the journeys app, mounted under /api/v1/ by parcours.api.api."""

from ninja import Router

router = Router(tags=["journeys"])
