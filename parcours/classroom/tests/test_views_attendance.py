"""The attendance pages: Karim's sheet and QR code, Léa signing on her phone, by the
code, by her link, and the virtual class; Oscar never sees any of it."""

from datetime import timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.classroom import signing
from parcours.classroom.models import (
    Attendance,
    AttendanceStatus,
    SessionKind,
    Signature,
    SignatureMethod,
    VirtualVisit,
)
from parcours.classroom.services.attendance import (
    join_virtual_class,
    qr_code_token,
    sign_slot,
)
from parcours.classroom.tests.attendance_for_tests import (
    DURING,
    MORNING_ENDS,
    MORNING_STARTS,
    SIGNATURE,
    session_row,
    slot_of,
)

JSON = {"Accept": "application/json"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(DURING, tick=False) as clock:
        yield clock


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", display_name="Nina Petit", locale="en")


@pytest.fixture
def cast(lea, karim):
    for person in (lea, karim):
        person.locale = "en"
        person.save()


@pytest.fixture
def session(organisation, karim, lea, nina, cast):
    return session_row(organisation, trainers=[karim], learners=[lea, nina])


@pytest.fixture
def slot(session):
    return slot_of(session)


def url(name, slot, *args):
    return reverse(f"classroom:{name}", args=["cap-avenir", slot.pk, *args])


def qr_link(token):
    return reverse("classroom:sign_qr", args=["cap-avenir", token])


# The attendance sheet


def test_karim_sees_the_registered_learners_on_the_sheet(client, karim, slot):
    client.force_login(karim)

    page = client.get(url("attendance", slot))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Léa Martin" in html and "Nina Petit" in html
    assert "0 of 2 learners signed." in html
    assert url("attendance_qr", slot) in html


def test_karim_notes_lea_present_with_a_plain_form(client, karim, lea, slot):
    client.force_login(karim)

    response = client.post(url("attendance", slot), {"learner": lea.pk, "status": "present"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#learner-{lea.pk}")
    assert Attendance.objects.get(learner=lea).status == AttendanceStatus.PRESENT
    page = client.get(response["Location"])
    assert "Léa Martin: Present." in page.content.decode()


def test_htmx_gets_the_learners_row_back_with_the_status_pressed(client, karim, lea, slot):
    client.force_login(karim)

    response = client.post(url("attendance", slot),
                           {"learner": lea.pk, "status": "late", "arrived_at": "09:25"},
                           headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="learner-{lea.pk}"' in html
    assert 'value="late" aria-pressed="true"' in html
    assert "arrived at 09:25" in html
    assert 'hx-swap-oob="innerHTML:#attendance-status"' in html
    assert Attendance.objects.get(learner=lea).arrived_at == MORNING_STARTS + timedelta(
        minutes=25)


def test_a_late_learner_without_an_arrival_time_is_explained(client, karim, lea, slot):
    client.force_login(karim)

    response = client.post(url("attendance", slot), {"learner": lea.pk, "status": "late"})

    assert response.status_code == 400
    assert "Give the arrival time of a learner who came late." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_refused_arrival_time_stays_in_the_form(client, karim, lea, slot):
    client.force_login(karim)

    response = client.post(url("attendance", slot),
                           {"learner": lea.pk, "status": "late", "arrived_at": "07:10"},
                           headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "The arrival time must fall within the slot (09:00–12:30)." in html
    assert 'value="07:10"' in html


def test_a_learner_not_registered_is_not_on_the_sheet(client, karim, slot, organisation):
    paul = member(organisation, "learner")
    client.force_login(karim)

    response = client.post(url("attendance", slot), {"learner": paul.pk, "status": "present"})

    assert response.status_code == 404


def test_lea_on_the_trainers_sheet_is_refused(client, lea, slot):
    client.force_login(lea)

    assert client.get(url("attendance", slot)).status_code == 403
    assert client.post(url("attendance", slot),
                       {"learner": lea.pk, "status": "present"}).status_code == 403
    assert client.get(url("attendance_qr", slot)).status_code == 403
    assert not Attendance.objects.exists()


def test_oscar_gets_a_404_for_every_attendance_page(client, oscar, lea, slot):
    client.force_login(oscar)

    for name in ("attendance", "attendance_qr", "attendance_qr_code", "sign_slot",
                 "join_virtual"):
        assert client.get(url(name, slot)).status_code == 404, name
    assert client.get(url("sign_on_trainer_device", slot, lea.pk)).status_code == 404


def test_a_slot_of_another_organisation_is_a_404_for_karim(client, karim, oscar,
                                                          other_organisation):
    theirs = slot_of(session_row(other_organisation, trainers=[oscar]))
    client.force_login(karim)

    assert client.get(reverse("classroom:attendance",
                              args=["cap-avenir", theirs.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, slot):
    response = client.get(url("sign_slot", slot))

    assert response.status_code == 302
    assert "/login/" in response["Location"] and "next=" in response["Location"]


# The QR code


def test_karim_shows_a_qr_code_with_its_link(client, karim, slot):
    client.force_login(karim)

    page = client.get(url("attendance_qr", slot))

    html = page.content.decode()
    assert '<svg viewBox="0 0' in html and 'class="qr-code"' in html
    assert 'id="qr-link" href="http://testserver/o/cap-avenir/sign/' in html
    assert '<meta http-equiv="refresh" content="30">' in html  # a window begins at 09:20
    assert "data-signature-pad" in html  # Karim's own pad


def test_the_code_partial_gives_a_new_code_in_the_next_window(client, karim, slot, clock):
    client.force_login(karim)
    first = client.get(url("attendance_qr_code", slot)).content.decode()
    clock.shift(timedelta(seconds=30))

    second = client.get(url("attendance_qr_code", slot)).content.decode()

    assert 'id="qr-link"' in second and first != second


def test_no_qr_code_once_signing_closed(client, karim, slot, clock):
    clock.move_to(MORNING_ENDS + timedelta(hours=2))
    client.force_login(karim)

    html = client.get(url("attendance_qr", slot)).content.decode()

    assert "Signing closed at 13:00" in html
    assert "<svg" not in html


def test_lea_opens_the_codes_link_and_signs(client, karim, lea, slot):
    token = qr_code_token(slot, by=karim)
    client.force_login(lea)

    page = client.get(qr_link(token))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Prendre la parole en public" in html and "data-signature-pad" in html
    ticket = page.context["form"].initial["ticket"]

    answer = client.post(qr_link(token), {"image": SIGNATURE, "input": "touch",
                                          "ticket": ticket}, headers=JSON)

    assert answer.status_code == 200
    assert answer.json() == {"saved": True, "signed_at": DURING.isoformat(), "time": "09:20",
                             "message": "Signed at 09:20 ✓"}
    signature = Signature.objects.get(signer=lea)
    assert signature.method == SignatureMethod.QR_CODE
    assert signature.device["input"] == "touch"
    assert signature.device["interface"] == "web"
    assert "Signed at 09:20 ✓" in client.get(qr_link(token)).content.decode()


def test_the_qr_code_link_is_refused_after_expiry(client, karim, lea, slot, clock):
    token = qr_code_token(slot, by=karim)
    clock.shift(timedelta(seconds=65))
    client.force_login(lea)

    page = client.get(qr_link(token))

    assert page.status_code == 400
    assert "This code has expired: scan the one on the screen now." in page.content.decode()
    assert "data-signature-pad" not in page.content.decode()


def test_a_retried_signature_whose_answer_was_lost_is_answered_as_saved(client, lea, slot,
                                                                         clock):
    client.force_login(lea)
    first = client.post(url("sign_slot", slot), {"image": SIGNATURE}, headers=JSON)
    clock.shift(timedelta(seconds=4))

    retried = client.post(url("sign_slot", slot), {"image": SIGNATURE}, headers=JSON)

    assert first.json()["saved"] and retried.json()["saved"]
    assert retried.json()["signed_at"] == first.json()["signed_at"]
    assert Signature.objects.count() == 1


def test_a_forged_code_link_is_refused(client, lea):
    client.force_login(lea)

    page = client.get(qr_link("not-a-code"))

    assert page.status_code == 400
    assert "Ce code n’est pas valide" in page.content.decode()  # Léa reads French


def test_nina_cannot_use_the_ticket_lea_was_given(client, karim, lea, nina, slot):
    token = qr_code_token(slot, by=karim)
    client.force_login(lea)
    ticket = client.get(qr_link(token)).context["form"].initial["ticket"]
    client.force_login(nina)

    answer = client.post(qr_link(token), {"image": SIGNATURE, "ticket": ticket}, headers=JSON)

    assert answer.status_code == 403
    assert not Signature.objects.exists()


# Signing on one's own device or the trainer's


def test_without_javascript_a_typed_name_signs(client, lea, slot):
    client.force_login(lea)

    response = client.post(url("sign_slot", slot), {"typed_name": "Léa Martin"})

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signing.png_from_data_url(signature.image) is not None
    assert signature.device["input"] == "typed"
    assert "Signed at 09:20 ✓" in client.get(url("sign_slot", slot)).content.decode()


def test_an_empty_signature_is_explained_and_the_pad_shown_again(client, lea, slot):
    client.force_login(lea)

    response = client.post(url("sign_slot", slot), {"image": ""})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Draw your signature or type your name." in html
    assert "data-signature-pad" in html


def test_a_bad_image_is_refused_in_json(client, lea, slot):
    client.force_login(lea)

    answer = client.post(url("sign_slot", slot), {"image": "data:image/png;base64,AAAA"},
                         headers=JSON)

    assert answer.status_code == 400
    assert answer.json()["saved"] is False
    assert "PNG under 200 KB" in answer.json()["detail"]


def test_signing_outside_the_slot_shows_when_it_opens(client, lea, slot, clock):
    clock.move_to(MORNING_STARTS - timedelta(hours=3))
    client.force_login(lea)

    page = client.get(url("sign_slot", slot))

    assert "Signing this slot is open from 08:45 to 13:00." in page.content.decode()
    assert "data-signature-pad" not in page.content.decode()
    assert client.post(url("sign_slot", slot), {"image": SIGNATURE},
                       headers=JSON).status_code == 409


def test_karim_signs_the_slot_as_its_trainer(client, karim, slot):
    client.force_login(karim)

    client.post(url("sign_slot", slot), {"image": SIGNATURE, "input": "mouse"})

    assert Signature.objects.get().role == "trainer"
    assert "Karim Benali: " in client.get(url("attendance", slot)).content.decode()


def test_someone_not_registered_cannot_open_the_signing_page(client, slot, organisation):
    client.force_login(member(organisation, "learner"))

    assert client.get(url("sign_slot", slot)).status_code == 403


def test_lea_signs_on_karims_phone(client, karim, lea, slot):
    client.force_login(karim)

    response = client.post(url("sign_on_trainer_device", slot, lea.pk),
                           {"image": SIGNATURE, "input": "touch"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/attendance/#learner-{lea.pk}")
    signature = Signature.objects.get()
    assert (signature.signer, signature.device["trainer_device"]) == (lea, karim.pk)


def test_nina_cannot_sign_for_lea_on_her_own_phone(client, lea, nina, slot):
    client.force_login(nina)

    response = client.post(url("sign_on_trainer_device", slot, lea.pk), {"image": SIGNATURE})

    assert response.status_code == 403
    assert not Signature.objects.exists()


# Personal links


def test_lea_signs_through_her_personal_link(client, lea, slot):
    link = reverse("classroom:sign_link",
                   args=["cap-avenir", signing.link_token(slot.pk, lea.pk)])
    client.force_login(lea)

    assert "data-signature-pad" in client.get(link).content.decode()
    client.post(link, {"image": SIGNATURE})

    assert Signature.objects.get().method == SignatureMethod.LINK


def test_nina_cannot_sign_through_leas_link(client, lea, nina, slot):
    link = reverse("classroom:sign_link",
                   args=["cap-avenir", signing.link_token(slot.pk, lea.pk)])
    client.force_login(nina)

    assert client.get(link).status_code == 403
    assert client.post(link, {"image": SIGNATURE}).status_code == 403
    assert not Signature.objects.exists()


def test_a_link_under_another_organisations_address_is_a_404(client, lea, slot,
                                                             other_organisation):
    link = reverse("classroom:sign_link",
                   args=["horizon", signing.link_token(slot.pk, lea.pk)])
    client.force_login(lea)

    assert client.get(link).status_code == 404


# The virtual class


@pytest.fixture
def virtual_slot(organisation, karim, lea, nina, cast):
    return slot_of(session_row(organisation, kind=SessionKind.VIRTUAL, trainers=[karim],
                               learners=[lea, nina], title="Classe virtuelle"))


def test_joining_records_the_visit_and_opens_the_meeting(client, lea, virtual_slot):
    client.force_login(lea)
    assert "Join the virtual class" in client.get(url("join_virtual", virtual_slot)
                                                  ).content.decode()

    response = client.post(url("join_virtual", virtual_slot))

    assert response.status_code == 302
    assert response["Location"] == "https://meet.example.org/prise-de-parole"
    assert VirtualVisit.objects.get().person == lea


def test_closing_the_join_page_records_leaving(client, lea, virtual_slot, clock):
    join_virtual_class(virtual_slot, by=lea)
    clock.shift(timedelta(minutes=45))
    client.force_login(lea)

    response = client.post(url("leave_virtual", virtual_slot), {"beacon": "1"})

    assert response.status_code == 204
    assert VirtualVisit.objects.get().left_at == DURING + timedelta(minutes=45)


def test_karim_sees_the_time_in_class_and_accepts_it(client, karim, lea, virtual_slot, clock):
    join_virtual_class(virtual_slot, by=lea)
    clock.shift(timedelta(minutes=50))
    client.force_login(karim)
    sheet = client.get(url("attendance", virtual_slot)).content.decode()
    assert "In the virtual class: 50 min (1 visit)." in sheet
    assert "/o/cap-avenir/sign-link/" in sheet  # the personal links to send

    response = client.post(url("accept_virtual", virtual_slot, lea.pk))

    assert response.status_code == 302
    assert Signature.objects.get().method == SignatureMethod.VIRTUAL
    assert Attendance.objects.get(learner=lea).status == AttendanceStatus.PRESENT


def test_karim_closes_the_virtual_class(client, karim, lea, virtual_slot):
    join_virtual_class(virtual_slot, by=lea)
    client.force_login(karim)

    client.post(url("close_virtual", virtual_slot))

    assert VirtualVisit.objects.get().left_at == DURING


def test_lea_cannot_accept_her_own_time_in_class(client, lea, virtual_slot):
    join_virtual_class(virtual_slot, by=lea)
    client.force_login(lea)

    assert client.post(url("accept_virtual", virtual_slot, lea.pk)).status_code == 403
    assert client.post(url("close_virtual", virtual_slot)).status_code == 403


# The panel on the session page


def render_panel(session, user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load classroom_attendance %}{% attendance_panel session %}").render(
        Context({"request": request, "session": session}))


def test_the_panel_gives_karim_the_attendance_and_qr_code_links(session, slot, karim):
    html = render_panel(session, karim)

    assert url("attendance", slot) in html and url("attendance_qr", slot) in html


def test_the_panel_gives_lea_her_sign_link_during_the_slot(session, slot, lea):
    assert url("sign_slot", slot) in render_panel(session, lea)

    sign_slot(slot, by=lea, method=SignatureMethod.DRAWN, image=SIGNATURE)

    html = render_panel(session, lea)
    assert url("sign_slot", slot) not in html
    assert "Signed at 09:20 ✓" in html
    assert url("attendance", slot) not in html


def test_the_panel_gives_the_virtual_class_link(virtual_slot, lea):
    assert url("join_virtual", virtual_slot) in render_panel(virtual_slot.session, lea)


def test_the_panel_shows_nothing_to_someone_not_in_the_session(session, organisation):
    assert render_panel(session, member(organisation, "learner")).strip() == ""
