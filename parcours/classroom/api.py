"""REST endpoints of the classroom app, mounted under /api/v1/ by parcours.api.api."""

from ninja import Router

from parcours.classroom import api_attendance, api_documents, api_registrations, api_sessions

router = Router(tags=["sessions"])
router.add_router("", api_sessions.router)
router.add_router("", api_registrations.router)
router.add_router("", api_attendance.router)
router.add_router("", api_documents.router)
