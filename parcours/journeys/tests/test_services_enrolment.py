"""Enrolling learners: one, several, a CSV file, or themselves from the catalogue."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from parcours.accounts.tests.factories import member
from parcours.assessments.models import Card, CardMemory
from parcours.catalog.models import StepKind
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.models import Enrolment, PathStep
from parcours.journeys.services import (
    check_enrolment_file,
    enrol_learner,
    enrol_learners,
    import_enrolments,
    self_enrol,
)
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    deck_row,
    module_row,
    path_step,
    programme_row,
    quiz_row,
    speaking_programme,
    step_row,
    template_step,
    titles,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def programme(organisation):
    return speaking_programme(organisation)


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", email="nina@example.org", display_name="Nina Roux")


def enrol(programme, learner, by, **options):
    options.setdefault("start_on", MONDAY)
    options.setdefault("minutes_per_week", 120)
    return enrol_learner(programme, learner, by=by, **options)


# One learner


def test_karim_enrols_lea_and_her_path_is_a_copy_of_the_programme(programme, lea, karim):
    enrolment = enrol(programme, lea, karim)

    assert titles(enrolment) == ["Respirer", "Structurer", "Pitch", "Bilan", "Atelier"]
    steps = list(enrolment.steps.order_by("position"))
    assert [step.position for step in steps] == [1, 2, 3, 4, 5]
    assert [step.module_title for step in steps] == ["Se préparer"] * 2 + ["S'exercer"] * 3
    assert [step.source_step for step in steps] == list(programme.steps.order_by(
        "module__position", "position"))
    assert enrolment.learner == lea
    assert enrolment.enrolled_by == karim
    assert (enrolment.start_on, enrolment.minutes_per_week) == (MONDAY, 120)
    assert enrolment.organisation == programme.organisation


def test_every_field_of_a_step_is_copied(organisation, lea, karim):
    programme = programme_row(organisation, "Entretien d'embauche")
    quiz = quiz_row(organisation)
    module = module_row(programme, "Préparer")
    step_row(module, StepKind.QUIZ, "Quiz", quiz=quiz, required=False, estimated_minutes=20)
    step_row(module, StepKind.EXTERNAL, "Salon", external_url="https://example.org/salon",
             needs_coach_confirmation=True, body="Allez au **salon**.",
             video_url="https://example.org/video")

    enrolment = enrol(programme, lea, karim)

    quiz_step, fair = enrolment.steps.order_by("position")
    assert (quiz_step.kind, quiz_step.quiz, quiz_step.required) == (StepKind.QUIZ, quiz, False)
    assert quiz_step.estimated_minutes == 20
    assert fair.external_url == "https://example.org/salon"
    assert fair.needs_coach_confirmation
    assert fair.body == "Allez au **salon**."
    assert fair.video_url == "https://example.org/video"


def test_prerequisites_point_to_the_learners_own_steps(programme, lea, karim):
    template_step(programme, "Bilan").prerequisites.add(template_step(programme, "Pitch"))

    enrolment = enrol(programme, lea, karim)

    review = path_step(enrolment, "Bilan")
    assert list(review.prerequisites.all()) == [path_step(enrolment, "Pitch")]


def test_a_due_offset_gives_a_due_date_from_the_start(programme, lea, karim):
    pitch = template_step(programme, "Pitch")
    pitch.due_offset_days = 10
    pitch.save()

    enrolment = enrol(programme, lea, karim)

    assert path_step(enrolment, "Pitch").due_on == MONDAY + timedelta(days=10)
    assert path_step(enrolment, "Bilan").due_on is None


def test_the_path_notes_the_programme_version_it_was_copied_from(programme, lea, karim):
    programme.version = 3
    programme.save()

    assert enrol(programme, lea, karim).programme_version == 3


def test_enrolling_is_recorded_as_a_learning_event(programme, lea, karim, organisation):
    enrolment = enrol(programme, lea, karim)

    event = LearningEvent.objects.get(verb=Verb.ENROLLED)
    assert event.actor == karim
    assert (event.object_type, event.object_id) == ("catalog.programme", str(programme.pk))
    assert event.context["enrolment"] == enrolment.pk
    assert event.context["learner"] == lea.pk
    assert event.organisation == organisation


def test_the_learner_meets_the_flashcards_of_a_step_with_a_deck(organisation, lea, karim):
    deck = deck_row(organisation)
    Card.objects.create(deck=deck, front="le trac", back="stage fright")
    Card.objects.create(deck=deck, front="la voix", back="the voice")
    programme = programme_row(organisation, "Vocabulaire")
    step_row(module_row(programme, "Mots"), StepKind.LESSON, "Les mots", deck=deck,
             reviews_required=2)

    enrolment = enrol(programme, lea, karim)

    memories = CardMemory.objects.filter(learner=lea)
    assert memories.count() == 2
    assert {memory.path_step for memory in memories} == {path_step(enrolment, "Les mots")}


def test_sophie_a_manager_may_enrol_too(programme, lea, sophie):
    assert enrol(programme, lea, sophie).enrolled_by == sophie


def test_lea_a_learner_cannot_enrol_someone(programme, lea, nina):
    with pytest.raises(NotAllowed):
        enrol(programme, nina, lea)

    assert not Enrolment.objects.exists()


def test_oscar_from_another_organisation_cannot_enrol_anyone_here(programme, lea, oscar):
    with pytest.raises(NotAllowed):
        enrol(programme, lea, oscar)


def test_a_coach_cannot_be_enrolled_as_a_learner(programme, karim, sophie):
    with pytest.raises(DomainError, match="Karim Benali is not a learner"):
        enrol(programme, karim, sophie)


def test_a_learner_of_another_organisation_cannot_be_enrolled(
    programme, karim, other_organisation
):
    outsider = member(other_organisation, "learner", display_name="Olga Petit")

    with pytest.raises(DomainError, match="Olga Petit is not a learner"):
        enrol(programme, outsider, karim)


def test_a_draft_programme_takes_no_enrolment(organisation, lea, karim):
    draft = programme_row(organisation, "Brouillon", published=False)
    step_row(module_row(draft, "M"), StepKind.LESSON, "Leçon")

    with pytest.raises(DomainError, match="not published"):
        enrol(draft, lea, karim)


def test_a_programme_without_steps_takes_no_enrolment(organisation, lea, karim):
    with pytest.raises(DomainError, match="no steps"):
        enrol(programme_row(organisation, "Vide"), lea, karim)


def test_a_learner_is_enrolled_once_in_a_programme(programme, lea, karim, sophie):
    enrol(programme, lea, karim)

    with pytest.raises(Conflict, match="already enrolled"):
        enrol(programme, lea, sophie)

    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize("pace", [0, -60, 7 * 24 * 60 + 1, "120", 1.5])
def test_a_pace_must_be_whole_minutes_within_a_week(programme, lea, karim, pace):
    with pytest.raises(DomainError, match="per week"):
        enrol(programme, lea, karim, minutes_per_week=pace)


# Several learners


def test_karim_enrols_several_learners_with_the_same_start_and_pace(programme, lea, nina, karim):
    enrolments = enrol_learners(programme, [lea, nina], by=karim, start_on=MONDAY,
                                minutes_per_week=90)

    assert {e.learner for e in enrolments} == {lea, nina}
    assert all(e.minutes_per_week == 90 for e in enrolments)
    assert PathStep.objects.count() == 10
    assert LearningEvent.objects.filter(verb=Verb.ENROLLED).count() == 2


def test_enrolling_several_enrols_none_if_one_cannot_be(programme, lea, nina, karim):
    enrol(programme, nina, karim)

    with pytest.raises(Conflict, match="Nina Roux is already enrolled"):
        enrol_learners(programme, [lea, nina], by=karim, start_on=MONDAY,
                       minutes_per_week=90)

    assert not Enrolment.objects.filter(learner=lea).exists()


def test_enrolling_nobody_is_refused(programme, karim):
    with pytest.raises(DomainError, match="at least one"):
        enrol_learners(programme, [], by=karim, start_on=MONDAY, minutes_per_week=90)


def test_lea_cannot_enrol_several_people(programme, lea, nina):
    with pytest.raises(NotAllowed):
        enrol_learners(programme, [lea, nina], by=lea, start_on=MONDAY, minutes_per_week=90)


# Self-enrolment


def test_lea_enrols_herself_when_the_programme_allows_it(organisation, lea):
    programme = speaking_programme(organisation, allows_self_enrolment=True)

    enrolment = self_enrol(programme, by=lea, start_on=MONDAY, minutes_per_week=60)

    assert enrolment.learner == lea
    assert enrolment.enrolled_by == lea
    assert LearningEvent.objects.get(verb=Verb.ENROLLED).actor == lea


def test_lea_cannot_enrol_herself_when_the_programme_does_not_allow_it(programme, lea):
    with pytest.raises(NotAllowed, match="ask your coach"):
        self_enrol(programme, by=lea, start_on=MONDAY, minutes_per_week=60)


def test_karim_a_coach_cannot_enrol_himself(organisation, karim):
    programme = speaking_programme(organisation, allows_self_enrolment=True)

    with pytest.raises(NotAllowed):
        self_enrol(programme, by=karim, start_on=MONDAY, minutes_per_week=60)


def test_a_learner_of_another_organisation_cannot_enrol_herself_here(
    organisation, other_organisation
):
    programme = speaking_programme(organisation, allows_self_enrolment=True)
    outsider = member(other_organisation, "learner")

    with pytest.raises(NotAllowed):
        self_enrol(programme, by=outsider, start_on=MONDAY, minutes_per_week=60)


# A CSV file


def csv_file(*lines: str, header="email,start_date,hours_per_week") -> ContentFile:
    return ContentFile("\n".join([header, *lines]).encode(), "learners.csv")


def test_a_clean_file_reads_every_line(programme, lea, nina, karim):
    report = check_enrolment_file(programme, csv_file(
        "lea@example.org,2026-09-07,4",
        'nina@example.org,14/09/2026,"2,5"',
    ), by=karim)

    assert not report.has_errors
    first, second = report.rows
    assert (first.line, first.learner, first.start_on, first.minutes_per_week) == (
        2, lea, MONDAY, 240)
    assert (second.line, second.learner, second.start_on, second.minutes_per_week) == (
        3, nina, date(2026, 9, 14), 150)


def test_a_file_from_a_french_spreadsheet_reads_too(programme, lea, karim):
    content = "Email;Start date;Hours per week\r\nlea@example.org;07/09/2026;1,5\r\n"

    report = check_enrolment_file(programme, content.encode("cp1252"), by=karim)

    [row] = report.rows
    assert (row.learner, row.start_on, row.minutes_per_week) == (lea, MONDAY, 90)


def test_the_report_names_each_bad_line_and_why(
    programme, organisation, lea, nina, karim, other_organisation
):
    enrol(programme, nina, karim)
    member(other_organisation, "learner", email="olga@example.org")
    report = check_enrolment_file(programme, csv_file(
        "lea@example.org,2026-09-07,4",
        "olga@example.org,2026-09-07,4",
        "karim@example.org,2026-09-07,4",
        "nina@example.org,2026-09-07,4",
        "LEA@example.org,2026-09-07,4",
        ",2026-09-07,4",
    ), by=karim)

    assert report.has_errors
    errors = {row.line: row.error for row in report.rows}
    assert errors[2] == ""
    assert errors[3] == "Nobody with this email address belongs to Cap Avenir Formation."
    assert errors[4] == "Karim Benali is not a learner here."
    assert errors[5] == "Nina Roux is already enrolled in this programme."
    assert errors[6] == "Same person as line 2."
    assert errors[7] == "The email address is missing."
    assert [row.line for row in report.valid_rows] == [2]


@pytest.mark.parametrize("value", ["2026-13-01", "31/02/2026", "7 sept", ""])
def test_a_bad_date_is_named_in_the_report(programme, lea, karim, value):
    [row] = check_enrolment_file(programme, csv_file(f"lea@example.org,{value},4"),
                                 by=karim).rows

    assert row.error == f"“{value}” is not a date: write 2026-09-01 or 01/09/2026."


@pytest.mark.parametrize("value", ["quatre", "0", "-2", "169", "", "NaN"])
def test_a_bad_pace_is_named_in_the_report(programme, lea, karim, value):
    [row] = check_enrolment_file(programme, csv_file(f"lea@example.org,2026-09-07,{value}"),
                                 by=karim).rows

    assert row.error.startswith(f"“{value}” is not a number of hours per week")


def test_a_file_without_the_header_line_is_refused_as_a_whole(programme, lea, karim):
    with pytest.raises(DomainError, match="missing: start_date, hours_per_week"):
        check_enrolment_file(programme, csv_file("lea@example.org,2026-09-07,4",
                                                 header="email"), by=karim)


def test_an_empty_file_is_refused(programme, karim):
    with pytest.raises(DomainError, match="empty"):
        check_enrolment_file(programme, b"", by=karim)


def test_a_file_over_one_megabyte_is_refused(programme, karim):
    big = csv_file(*["lea@example.org,2026-09-07,4"] * 40_000)

    with pytest.raises(DomainError, match="1 MB"):
        check_enrolment_file(programme, big, by=karim)


def test_a_file_over_two_thousand_lines_is_refused(programme, karim):
    long = csv_file(*[f"p{n}@example.org,2026-09-07,4" for n in range(2001)])

    with pytest.raises(DomainError, match="more than 2000 lines"):
        check_enrolment_file(programme, long, by=karim)


def test_a_file_with_errors_imports_nobody_unless_told_to_import_the_good_lines(
    programme, lea, nina, karim
):
    report = check_enrolment_file(programme, csv_file(
        "lea@example.org,2026-09-07,4", "nina@example.org,demain,4"), by=karim)

    with pytest.raises(DomainError, match="nothing was imported"):
        import_enrolments(programme, report, by=karim, only_valid_rows=False)
    assert not Enrolment.objects.exists()

    enrolments = import_enrolments(programme, report, by=karim, only_valid_rows=True)

    assert [e.learner for e in enrolments] == [lea]
    assert Enrolment.objects.get().start_on == MONDAY


def test_a_clean_file_imports_every_line(programme, lea, nina, karim):
    report = check_enrolment_file(programme, csv_file(
        "lea@example.org,2026-09-07,4", "nina@example.org,2026-09-14,2"), by=karim)

    enrolments = import_enrolments(programme, report, by=karim, only_valid_rows=False)

    assert {(e.learner, e.minutes_per_week) for e in enrolments} == {(lea, 240), (nina, 120)}


def test_a_file_whose_lines_are_all_bad_imports_nothing(programme, karim):
    report = check_enrolment_file(programme, csv_file("x@example.org,2026-09-07,4"), by=karim)

    with pytest.raises(DomainError, match="No line"):
        import_enrolments(programme, report, by=karim, only_valid_rows=True)


def test_an_import_checks_again_and_stops_if_someone_was_enrolled_meanwhile(
    programme, lea, nina, karim, sophie
):
    report = check_enrolment_file(programme, csv_file(
        "lea@example.org,2026-09-07,4", "nina@example.org,2026-09-07,4"), by=karim)
    enrol(programme, nina, sophie)

    with pytest.raises(Conflict, match="Nina Roux"):
        import_enrolments(programme, report, by=karim, only_valid_rows=True)

    assert not Enrolment.objects.filter(learner=lea).exists()


def test_lea_cannot_check_or_import_a_file(programme, lea, karim):
    with pytest.raises(NotAllowed):
        check_enrolment_file(programme, csv_file("lea@example.org,2026-09-07,4"), by=lea)
    report = check_enrolment_file(programme, csv_file("lea@example.org,2026-09-07,4"),
                                  by=karim)

    with pytest.raises(NotAllowed):
        import_enrolments(programme, report, by=lea, only_valid_rows=True)


def test_oscar_cannot_check_a_file_for_another_organisation(programme, oscar):
    with pytest.raises(NotAllowed):
        check_enrolment_file(programme, csv_file("lea@example.org,2026-09-07,4"), by=oscar)


def test_an_address_typed_with_capitals_finds_the_person(programme, organisation, karim):
    camille = member(organisation, "learner", email="Camille.Noir@Example.org")

    [row] = check_enrolment_file(programme, csv_file("camille.noir@example.org,2026-09-07,3"),
                                 by=karim).rows

    assert row.learner == camille
