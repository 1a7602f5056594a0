"""REST endpoints of the triggers part of engagement."""

from ninja import Router

router = Router()
