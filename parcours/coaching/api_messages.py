"""REST endpoints of the messages part of coaching."""

from ninja import Router

router = Router()
