"""REST endpoints of the centre part of engagement."""

from ninja import Router

router = Router()
