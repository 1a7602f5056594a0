"""REST endpoints of the documents part of classroom (merged by classroom/api.py)."""

from ninja import Router

router = Router()
