"""REST endpoints of the classroom app, mounted under /api/v1/ by parcours.api.api."""

from ninja import Router

router = Router(tags=["classroom"])
