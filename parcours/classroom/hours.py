"""How long a learner attended a half-day: one rule for events, certificates and reports."""

from datetime import datetime

from parcours.classroom.models import AttendanceStatus

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def attended_minutes(starts_at: datetime, ends_at: datetime, status: str,
                     arrived_at: datetime | None) -> int:
    """Minutes of one half-day a learner attended: all of it when present, from their
    arrival when late (all of it if the arrival was not noted), none otherwise."""
    if status not in ATTENDED:
        return 0
    if status == AttendanceStatus.LATE and arrived_at is not None:
        starts_at = min(max(arrived_at, starts_at), ends_at)
    return int((ends_at - starts_at).total_seconds() // 60)
