"""What people do with sessions. Import from this package:
`from parcours.classroom.services import schedule_session`.

Each part lives in its own module (scheduling, registrations, feeds, attendance,
surveys); they are re-exported here as they land.
"""
