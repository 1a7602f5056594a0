"""On phones: Karim opens today's slot and shows the QR code, Léa signs by opening the
code's link and drawing on her screen, Karim signs too; the attendance sheet (PDF) lists
both signatures."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.classroom.documents import attendance_sheet_pdf
from parcours.classroom.models import Signature, SignatureMethod
from parcours.classroom.tests.attendance_for_tests import session_row
from parcours.classroom.tests.documents_for_tests import images_drawn, pdf_text

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "locale": "en-GB", "timezone_id": "Europe/Paris"}


@pytest.fixture
def session(organisation, karim, lea):
    for person in (lea, karim):
        person.locale = "en"
        person.save()
    now = timezone.now().replace(second=0, microsecond=0)
    return session_row(organisation, title="Speaking in public", trainers=[karim],
                       learners=[lea], starts_at=now - timedelta(minutes=20),
                       ends_at=now + timedelta(hours=2))


def sign_in(browser, live_server, person, password):
    page = browser.new_context(**PHONE).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(person.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def draw_a_signature(page):
    canvas = page.locator("canvas[data-pad-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    left, middle = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(left, middle)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(left + step * 25, middle + (-20 if step % 2 else 20), steps=3)
    page.mouse.up()


def test_lea_signs_by_the_qr_code_and_karim_signs_the_slot(
    browser, live_server, session, lea, karim, password, screenshots
):
    from playwright.sync_api import expect

    # Karim opens today's slot from the session's page and shows the QR code.
    trainer = sign_in(browser, live_server, karim, password)
    trainer.goto(f"{live_server.url}/o/cap-avenir/sessions/{session.pk}/")
    trainer.get_by_role("link", name="Take attendance").click()
    expect(trainer.locator("main")).to_contain_text("Léa Martin")
    expect(trainer.locator("main")).to_contain_text("0 of 1 learner signed.")
    trainer.get_by_role("link", name="Show the QR code").first.click()
    expect(trainer.locator("svg.qr-code")).to_be_visible()
    trainer.screenshot(path=screenshots / "signing-qr-code.png", full_page=True)
    link = trainer.locator("#qr-link").get_attribute("href")
    assert link.startswith(f"{live_server.url}/o/cap-avenir/sign/")

    # Léa, on her own phone, opens the code's link, draws her signature and signs.
    learner = sign_in(browser, live_server, lea, password)
    learner.goto(link)
    expect(learner.locator("main")).to_contain_text("Speaking in public")
    draw_a_signature(learner)
    learner.get_by_role("button", name="Sign", exact=True).click()
    expect(learner.get_by_role("status").filter(has_text="Saved")).to_contain_text(
        "Signed at")
    learner.screenshot(path=screenshots / "signing-lea-signed.png", full_page=True)

    # Karim signs the slot on the same page as the code.
    draw_a_signature(trainer)
    trainer.get_by_role("button", name="Sign", exact=True).click()
    expect(trainer.get_by_role("status").filter(has_text="Saved")).to_be_visible()

    signatures = {s.signer_id: s for s in Signature.objects.filter(slot__session=session)}
    assert signatures[lea.pk].method == SignatureMethod.QR_CODE
    assert signatures[karim.pk].method == SignatureMethod.DRAWN
    assert signatures[karim.pk].previous_hash == signatures[lea.pk].record_hash
    assert signatures[lea.pk].device["input"] == "mouse"

    trainer.goto(f"{live_server.url}/o/cap-avenir/slots/{session.slots.get().pk}/attendance/")
    expect(trainer.locator("main")).to_contain_text("1 of 1 learner signed.")

    # The attendance sheet lists both signatures, each drawn with its time and method.
    pdf = attendance_sheet_pdf(session, language="en")
    text = pdf_text(pdf)
    assert "Léa Martin" in text and "Karim Benali" in text
    assert "QR code" in text and "drawn" in text
    assert images_drawn(pdf) == 2


def test_a_signature_lost_to_a_dropped_connection_is_sent_again(
    browser, live_server, session, lea, password, screenshots
):
    from playwright.sync_api import expect

    learner = sign_in(browser, live_server, lea, password)
    slot = session.slots.get()
    dropped = []

    def drop_the_first_one(route):
        if not dropped:
            dropped.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    learner.route(f"**/slots/{slot.pk}/sign/", lambda route: (
        drop_the_first_one(route) if route.request.method == "POST" else route.continue_()))
    learner.goto(f"{live_server.url}/o/cap-avenir/slots/{slot.pk}/sign/")
    learner.get_by_label("Or type your name").fill("Léa Martin")
    learner.get_by_role("button", name="Sign", exact=True).click()

    status = learner.locator("[data-pad-status]")
    expect(status).to_have_text("Not saved yet — retrying")
    expect(status).to_contain_text("Saved ✓", timeout=10_000)
    assert dropped
    signature = Signature.objects.get(signer=lea)
    assert signature.device["input"] == "typed"


def test_karim_takes_attendance_on_his_phone(browser, live_server, session, lea, karim,
                                             password, screenshots):
    from playwright.sync_api import expect

    trainer = sign_in(browser, live_server, karim, password)
    trainer.goto(f"{live_server.url}/o/cap-avenir/slots/{session.slots.get().pk}/attendance/")
    row = trainer.locator(f"#learner-{lea.pk}")
    row.get_by_role("button", name="Present").click()

    expect(trainer.get_by_role("status").filter(has_text="Léa Martin: Present.")).to_be_visible()
    expect(trainer.locator(f"#learner-{lea.pk}").get_by_role("button", name="Present")
           ).to_have_attribute("aria-pressed", "true")
    trainer.screenshot(path=screenshots / "signing-attendance-sheet.png", full_page=True)
    assert session.slots.get().attendances.get().status == "present"
