"""REST endpoints of the activities part of coaching."""

from ninja import Router

router = Router()
