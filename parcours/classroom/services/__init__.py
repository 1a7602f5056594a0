"""What people do with sessions. Import from this package:
`from parcours.classroom.services import schedule_session`.

Each part lives in its own module (scheduling, registrations, feeds, attendance,
surveys); they are re-exported here as they land.
"""
from parcours.classroom.services.scheduling import (  # noqa: F401
    CapacityBelowRegistrations,
    CapacityInvalid,
    KindInvalid,
    MeetingLinkInvalid,
    MeetingLinkRequired,
    NotATrainerHere,
    NoticeInvalid,
    ProgrammeNotHere,
    ReasonRequired,
    RoomBusy,
    RoomInvalid,
    RoomNotHere,
    RoomTooSmall,
    SeriesInvalid,
    SessionCancelled,
    SlotHasProof,
    SlotsInvalid,
    StepNotALiveSession,
    TitleRequired,
    TrainerBusy,
    cancel_session,
    create_room,
    reschedule_session,
    schedule_series,
    schedule_session,
    update_room,
    update_session,
)
