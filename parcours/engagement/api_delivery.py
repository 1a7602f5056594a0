"""REST endpoints of the delivery part of engagement."""

from ninja import Router

router = Router()
