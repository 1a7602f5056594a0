"""REST endpoints of the sessions part of classroom (merged by classroom/api.py)."""

from ninja import Router

router = Router()
