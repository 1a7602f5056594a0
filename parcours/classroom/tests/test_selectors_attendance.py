"""The attendance sheet and the session page's panel read a fixed number of queries,
whatever the size of the group or the number of slots."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.classroom.models import SessionKind, SignatureMethod, SlotPart
from parcours.classroom.selectors import attendance_panel, attendance_sheet
from parcours.classroom.services.attendance import (
    join_virtual_class,
    record_attendance,
    sign_slot,
)
from parcours.classroom.tests.attendance_for_tests import (
    DURING,
    MORNING_STARTS,
    SIGNATURE,
    register,
    session_row,
    slot_of,
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(DURING, tick=False) as clock:
        yield clock


def group_of(session, organisation, size):
    """`size` more learners registered, each noted, signed and in the virtual class."""
    slot = slot_of(session)
    trainer = session.trainers.get()
    for number in range(size):
        learner = member(organisation, "learner", display_name=f"Learner {number:02}")
        register(session, learner)
        record_attendance(slot, by=trainer, learner=learner, status="present")
        sign_slot(slot, by=learner, method=SignatureMethod.DRAWN, image=SIGNATURE)
        join_virtual_class(slot, by=learner)


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_the_sheet_reads_the_same_queries_for_two_or_ten_learners(organisation, karim):
    session = session_row(organisation, kind=SessionKind.VIRTUAL, trainers=[karim])
    slot = slot_of(session)
    group_of(session, organisation, 2)
    small = queries(lambda: attendance_sheet(slot_of(session), viewer=karim).rows)
    group_of(session, organisation, 8)

    sheet = attendance_sheet(slot, viewer=karim)
    large = queries(lambda: [row.minutes_in_class for row in
                             attendance_sheet(slot_of(session), viewer=karim).rows])

    assert len(sheet.rows) == 10 and sheet.signed_count == 10
    assert small == large


def test_the_sheet_page_reads_the_same_queries_for_two_or_ten_learners(client, organisation,
                                                                       karim):
    session = session_row(organisation, kind=SessionKind.VIRTUAL, trainers=[karim])
    address = reverse("classroom:attendance", args=["cap-avenir", slot_of(session).pk])
    client.force_login(karim)
    group_of(session, organisation, 2)
    small = queries(lambda: client.get(address))
    group_of(session, organisation, 8)

    assert queries(lambda: client.get(address)) == small


def test_the_panel_reads_the_same_queries_for_one_or_six_slots(organisation, lea):
    session = session_row(organisation, learners=[lea])
    one = queries(lambda: attendance_panel(lea, session))
    for day in range(1, 6):
        start = MORNING_STARTS + timedelta(days=day)
        session.slots.create(part=SlotPart.MORNING, starts_at=start,
                             ends_at=start + timedelta(hours=3))
    session.refresh_from_db()

    panel = attendance_panel(lea, session)

    assert len(panel.slots) == 6
    assert queries(lambda: attendance_panel(lea, session)) == one
