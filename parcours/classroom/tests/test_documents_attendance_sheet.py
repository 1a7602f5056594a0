"""The attendance sheet (feuille d'émargement) an auditor reads: every learner and
trainer, each half-day, the signature or why there is none, in French or English."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from parcours.accounts.tests.factories import member
from parcours.classroom.documents import attendance_sheet_pdf
from parcours.classroom.models import SignatureMethod, SignerRole
from parcours.classroom.tests.documents_for_tests import (
    attend,
    images_drawn,
    page_count,
    pdf_text,
    session_on,
    sign,
    slots_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def julien(organisation):
    return member(organisation, "trainer", display_name="Julien Moreau")


@pytest.fixture
def chloe(organisation):
    return member(organisation, "learner", display_name="Chloé L’Œillet")


@pytest.fixture
def session(organisation, lea, chloe, julien):
    return session_on(organisation, title="Accueil et sécurité au travail",
                      first_day="2026-03-02", days=2, trainers=[julien], learners=[lea, chloe],
                      address="12 rue des Lilas, Lyon")


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def test_the_sheet_is_a_pdf_naming_the_organisation_session_learners_and_trainers(
        session, lea, chloe, julien):
    pdf = attendance_sheet_pdf(session, language="fr")

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for name in ("Cap Avenir Formation", "Accueil et sécurité au travail",
                 "12 rue des Lilas, Lyon", "Léa Martin", "Chloé L’Œillet", "Julien Moreau"):
        assert name in text


def test_each_day_starts_its_own_page_with_its_two_half_days(session):
    pdf = attendance_sheet_pdf(session, language="en")

    assert page_count(pdf) == 2
    text = pdf_text(pdf)
    assert "Monday 2 March 2026" in text and "Tuesday 3 March 2026" in text
    assert "Morning, 09:00–12:30" in text and "Afternoon, 13:30–17:00" in text


def test_the_sheet_speaks_french_when_asked(session):
    text = pdf_text(attendance_sheet_pdf(session, language="fr"))

    assert "lundi 2 mars 2026" in text
    assert in_language("fr", "Attendance sheet") in text
    assert in_language("fr", "Learners") in text
    assert "Monday" not in text


def test_the_sheet_speaks_english_when_asked(session):
    text = pdf_text(attendance_sheet_pdf(session, language="en"))

    assert "Attendance sheet" in text and "Learners (2)" in text and "Trainers (1)" in text
    assert "lundi" not in text


def test_each_signature_is_drawn_in_its_cell_with_its_time_and_method(session, lea, chloe,
                                                                      julien):
    morning, afternoon = slots_of(session)[:2]
    for slot in (morning, afternoon):
        attend(slot, lea)
        sign(slot, lea, minutes_in=3)
        sign(slot, julien, role=SignerRole.TRAINER, minutes_in=1)
    attend(morning, chloe)
    sign(morning, chloe, method=SignatureMethod.QR_CODE, minutes_in=7)

    pdf = attendance_sheet_pdf(session, language="en")

    assert images_drawn(pdf) == 5
    text = pdf_text(pdf)
    # Signed at 08:07 UTC: 09:07 in Paris in March.
    assert "09:07" in text and "QR code" in text and "09:03" in text and "drawn" in text


def test_a_cell_without_signature_says_why(session, lea, chloe):
    morning, afternoon = slots_of(session)[:2]
    attend(morning, lea, "absent")
    attend(afternoon, lea, "excused")
    attend(morning, chloe)

    text = pdf_text(attendance_sheet_pdf(session, language="en"))

    assert "Absent" in text and "Excused" in text
    assert "Present, not signed" in text
    assert "Not signed" in text


def test_a_signature_that_is_not_an_image_is_still_shown_as_signed(session, lea):
    morning = slots_of(session)[0]
    sign(morning, lea, image="", method=SignatureMethod.VIRTUAL)

    pdf = attendance_sheet_pdf(session, language="en")

    assert images_drawn(pdf) == 0
    assert "Signed" in pdf_text(pdf) and "virtual class" in pdf_text(pdf)


def test_someone_who_signed_then_cancelled_still_appears(session, organisation):
    hugo = member(organisation, "learner", display_name="Hugo Petit")
    morning = slots_of(session)[0]
    attend(morning, hugo)
    sign(morning, hugo)

    assert "Hugo Petit" in pdf_text(attendance_sheet_pdf(session, language="en"))


def test_each_half_day_shows_the_end_of_its_signature_chain(session, lea, chloe):
    morning = slots_of(session)[0]
    sign(morning, lea, minutes_in=1)
    last = sign(morning, chloe, minutes_in=2)

    text = pdf_text(attendance_sheet_pdf(session, language="en"))

    assert f"Morning: 2 signatures, chain ends with {last.record_hash[:12]}…" in text
    assert "Afternoon: no signature" in text


def test_the_pages_say_when_the_sheet_was_made_and_how_many_pages_there_are(session):
    text = pdf_text(attendance_sheet_pdf(session, language="en"))

    assert "Generated on" in text
    assert "Page 1 of" in text


def test_the_pdf_is_compressed(session, lea):
    sign(slots_of(session)[0], lea)

    pdf = attendance_sheet_pdf(session, language="fr")

    assert b"/FlateDecode" in pdf
    assert b"Julien" not in pdf


def test_an_unknown_language_is_refused(session):
    with pytest.raises(ValueError):
        attendance_sheet_pdf(session, language="de")


def _queries_for_a_signed_sheet(organisation, trainer, learners) -> int:
    session = session_on(organisation, first_day="2026-03-02", days=2, trainers=[trainer],
                         learners=learners)
    for slot in slots_of(session):
        for learner in learners:
            attend(slot, learner)
            sign(slot, learner)
        sign(slot, trainer, role=SignerRole.TRAINER)
    with CaptureQueriesContext(connection) as queries:
        attendance_sheet_pdf(session, language="fr")
    return len(queries)


def test_the_sheet_reads_the_same_number_of_queries_for_5_or_30_learners(organisation,
                                                                         julien):
    learners = [member(organisation, "learner") for _ in range(30)]

    few = _queries_for_a_signed_sheet(organisation, julien, learners[:5])
    many = _queries_for_a_signed_sheet(organisation, julien, learners)

    assert few == many == 6


def test_a_session_without_half_days_still_gives_a_sheet(organisation):
    session = session_on(organisation, first_day="2026-03-02", days=0)

    pdf = attendance_sheet_pdf(session, language="en")

    assert re.search(r"no half-days", pdf_text(pdf))


def _png(mode: str, colour) -> str:
    import base64
    import io

    from PIL import Image, ImageDraw

    picture = Image.new(mode, (300, 100), colour)
    if colour in ("white", (255, 255, 255, 0)):
        ImageDraw.Draw(picture).line([(20, 50), (280, 40)], fill="black", width=4)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_a_signature_on_a_white_background_is_drawn_too(session, lea):
    sign(slots_of(session)[0], lea, image=_png("RGB", "white"))

    assert images_drawn(attendance_sheet_pdf(session, language="en")) == 1


def test_an_empty_pad_is_shown_as_signed_without_an_image(session, lea):
    sign(slots_of(session)[0], lea, image=_png("RGBA", (0, 0, 0, 0)))

    pdf = attendance_sheet_pdf(session, language="en")

    assert images_drawn(pdf) == 0 and "Signed" in pdf_text(pdf)
