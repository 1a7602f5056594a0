"""REST endpoints of the attendance part of classroom (merged by classroom/api.py)."""

from ninja import Router

router = Router()
