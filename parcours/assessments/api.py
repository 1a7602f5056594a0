"""REST endpoints of the assessments app, mounted under /api/v1/ by parcours.api.api."""

from ninja import Router

router = Router(tags=["assessments"])
