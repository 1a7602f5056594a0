"""REST endpoints of the preferences part of engagement."""

from ninja import Router

router = Router()
