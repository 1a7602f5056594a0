"""REST endpoints of the catalog app, mounted under /api/v1/ by parcours.api.api."""

from ninja import Router

router = Router(tags=["catalog"])
