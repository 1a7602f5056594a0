"""REST endpoints of the records part of coaching."""

from ninja import Router

router = Router()
