"""REST endpoints of the engagements part of coaching."""

from ninja import Router

router = Router()
