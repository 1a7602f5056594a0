"""REST endpoints of the booking part of coaching."""

from ninja import Router

router = Router()
