"""REST endpoints of the registrations part of classroom (merged by classroom/api.py)."""

from ninja import Router

router = Router()
