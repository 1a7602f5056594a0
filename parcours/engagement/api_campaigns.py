"""REST endpoints of the campaigns part of engagement."""

from ninja import Router

router = Router()
