"""The engagement pages: types, the managers' list, the engagement in each capacity,
closing an appointment, notes, actions, my coaching."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.coaching.models import (
    ActionItem,
    AppointmentStatus,
    Engagement,
    EngagementStatus,
    EngagementType,
    Note,
    NoteVisibility,
)
from parcours.coaching.services.actions import ActionDraft
from parcours.coaching.services.appointments import close_appointment
from parcours.coaching.services.notes import comment_on_note, write_note
from parcours.coaching.tests import factories


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim, title="Bilan de Léa",
                                funder="CPF")


def url(name, *args):
    return reverse(f"coaching:{name}", args=["cap-avenir", *args])


def as_(client, user):
    client.force_login(user)
    return client


# --- Engagement types --------------------------------------------------------------------


def test_a_manager_creates_a_type_typing_hours_as_people_say_them(client, sophie):
    response = as_(client, sophie).post(url("type_new"), {
        "name": "Outplacement", "kind": "outplacement", "description": "",
        "contracted_minutes": "22 h 30", "default_actions": "Update the CV\nList targets",
        "documents_to_produce": "", "notice_hours": 24, "min_minutes": 30,
        "max_minutes": 120, "default_minutes": 60, "buffer_minutes": 10})
    kind = EngagementType.objects.get(name="Outplacement")
    assert response.status_code == 302
    assert (kind.contracted_minutes, kind.default_actions) == (1350,
                                                               ["Update the CV", "List targets"])


def test_a_bad_duration_is_refused_and_what_was_typed_stays(client, sophie):
    response = as_(client, sophie).post(url("type_new"), {
        "name": "Outplacement typed", "kind": "outplacement", "contracted_minutes": "lots",
        "notice_hours": 24, "min_minutes": 30, "max_minutes": 120, "default_minutes": 60,
        "buffer_minutes": 10})
    assert response.status_code == 400
    assert "Outplacement typed" in response.content.decode()
    assert not EngagementType.objects.exists()


def test_a_refused_rule_shows_its_reason_on_the_form(client, sophie):
    sophie.locale = "en"  # the page speaks the person's language
    sophie.save(update_fields=["locale"])
    response = as_(client, sophie).post(url("type_new"), {
        "name": "Odd", "kind": "coaching", "contracted_minutes": "10", "notice_hours": 24,
        "min_minutes": 90, "max_minutes": 60, "default_minutes": 60, "buffer_minutes": 10,
        }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The shortest appointment" in response.content.decode()


def test_a_manager_adds_reorders_and_removes_phases(client, organisation, sophie):
    kind = factories.engagement_type(organisation)
    as_(client, sophie)
    client.post(url("type_phase_add", kind.pk), {"new-name": "Follow-up",
                                                  "new-planned_minutes": "2 h",
                                                  "new-note_template": "## Six months on"})
    follow_up = kind.phases.get(name="Follow-up")
    assert (follow_up.position, follow_up.planned_minutes) == (4, 120)
    assert follow_up.note_template.body == "## Six months on"
    client.post(url("type_phase_move", kind.pk, follow_up.pk), {"direction": "up"})
    assert list(kind.phases.order_by("position").values_list("name", flat=True)) == [
        "Preliminary", "Investigation", "Follow-up", "Conclusion"]
    client.post(url("type_phase_remove", kind.pk, follow_up.pk))
    assert not kind.phases.filter(name="Follow-up").exists()
    page = client.get(url("type", kind.pk))
    assert page.status_code == 200 and "Investigation" in page.content.decode()


def test_coaches_and_learners_cannot_reach_the_types(client, organisation, karim, lea):
    for person in (karim, lea):
        assert as_(client, person).get(url("types")).status_code == 403


def test_another_organisations_type_is_a_404(client, other_organisation, sophie):
    foreign = factories.engagement_type(other_organisation)
    assert as_(client, sophie).get(url("type", foreign.pk)).status_code == 404


# --- Engagements list and opening ----------------------------------------------------------


def test_the_managers_list_filters_by_status_coach_and_type(client, organisation, sophie,
                                                             karim, lea, engagement):
    other_coach = member(organisation, "coach", display_name="Nadia Coach")
    closed = factories.engagement(organisation, member(organisation, "learner"), other_coach,
                                  type_=engagement.engagement_type, title="Old one",
                                  status=EngagementStatus.CLOSED, closed_at=timezone.now())
    as_(client, sophie)
    active = client.get(url("engagements")).content.decode()
    assert "Bilan de Léa" in active and "Old one" not in active
    everything = client.get(url("engagements"), {"status": "all"}).content.decode()
    assert "Old one" in everything
    by_coach = client.get(url("engagements"), {"status": "all", "coach": other_coach.pk})
    assert closed.title in by_coach.content.decode()
    assert "Bilan de Léa" not in by_coach.content.decode()


def test_the_managers_list_runs_a_fixed_number_of_queries(client, organisation, sophie,
                                                          karim, engagement,
                                                          django_assert_max_num_queries):
    for _ in range(5):
        factories.engagement(organisation, member(organisation, "learner"), karim,
                             type_=engagement.engagement_type)
    as_(client, sophie)
    client.get(url("engagements"))
    with django_assert_max_num_queries(12):
        response = client.get(url("engagements"))
    assert response.content.decode().count("Karim Benali") >= 6


def test_a_coach_cannot_reach_the_managers_list(client, karim, lea):
    assert as_(client, karim).get(url("engagements")).status_code == 403
    assert as_(client, lea).get(url("engagements")).status_code == 403


def test_a_coach_opens_an_engagement_they_coach(client, organisation, karim, lea):
    kind = factories.engagement_type(organisation)
    response = as_(client, karim).post(url("engagement_new"), {
        "engagement_type": kind.pk, "beneficiary": lea.pk, "coaches": [karim.pk],
        "title": "", "objectives": "Change careers", "contracted_minutes": "",
        "funder": "CPF", "starts_on": "2026-09-01", "ends_on": ""})
    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert engagement.contracted_minutes == 24 * 60
    assert engagement.phases.count() == 3


def test_a_coach_opening_one_for_another_coach_is_told_why(client, organisation, karim, lea):
    kind = factories.engagement_type(organisation)
    other = member(organisation, "coach")
    response = as_(client, karim).post(url("engagement_new"), {
        "engagement_type": kind.pk, "beneficiary": lea.pk, "coaches": [other.pk],
        "title": "Kept title", "starts_on": "2026-09-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Kept title" in response.content.decode()
    assert not Engagement.objects.exists()


def test_a_learner_cannot_open_engagements(client, lea):
    assert as_(client, lea).get(url("engagement_new")).status_code == 403


# --- The engagement page in each capacity --------------------------------------------------


def test_the_coach_sees_hours_notes_both_kinds_and_appointments_to_close(client, engagement,
                                                                         karim):
    past = factories.appointment(engagement, karim,
                                 starts_at=timezone.now() - timedelta(hours=2))
    write_note(engagement, by=karim, body="Private thought", visibility=NoteVisibility.PRIVATE)
    write_note(engagement, by=karim, body="Shared summary", visibility=NoteVisibility.SHARED)
    page = as_(client, karim).get(url("engagement", engagement.pk)).content.decode()
    assert "Private thought" in page and "Shared summary" in page
    assert url("close_appointment", past.pk) in page
    assert "24 h" in page


def test_the_beneficiary_sees_hours_left_and_shared_notes_only(client, engagement, karim, lea):
    past = factories.appointment(engagement, karim, minutes=90,
                                 starts_at=timezone.now() - timedelta(hours=3))
    close_appointment(past, by=karim, actual_minutes=90, shared_note="Well done today",
                      private_note="Check motivation")
    lea.locale = "en"
    lea.save()
    page = as_(client, lea).get(url("engagement", engagement.pk)).content.decode()
    assert "22 h 30 left" in page
    assert "Well done today" in page
    assert "Check motivation" not in page
    assert "CPF" not in page  # the funder is the organisation's business


def _queries_of(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # the session and the menu warm up first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _one_more_appointment_with_everything(engagement, karim, days):
    appointment = factories.appointment(engagement, karim,
                                        starts_at=timezone.now() - timedelta(days=days))
    close_appointment(appointment, by=karim, actual_minutes=60, shared_note=f"N{days}",
                      private_note=f"P{days}", action_items=[ActionDraft(title=f"A{days}")])
    note = Note.objects.filter(appointment=appointment, visibility="shared").get()
    comment_on_note(note, by=engagement.beneficiary, body="Thanks")


@pytest.mark.parametrize("who", ["karim", "lea", "sophie"])
def test_the_engagement_page_runs_a_fixed_number_of_queries(request, client, engagement,
                                                            karim, who,
                                                            django_assert_max_num_queries):
    _one_more_appointment_with_everything(engagement, karim, 1)
    as_(client, request.getfixturevalue(who))
    path = url("engagement", engagement.pk)
    few = _queries_of(client, path)
    for days in range(2, 8):
        _one_more_appointment_with_everything(engagement, karim, days)
    assert _queries_of(client, path) == few
    with django_assert_max_num_queries(25):
        client.get(path)


def test_other_people_get_a_404_on_the_engagement(client, organisation, engagement, oscar):
    for person in (member(organisation, "learner"), member(organisation, "coach"), oscar):
        assert as_(client, person).get(url("engagement", engagement.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, engagement):
    response = client.get(url("engagement", engagement.pk))
    assert response.status_code == 302 and "login" in response.url


def test_my_coaching_goes_straight_to_the_only_engagement(client, engagement, lea):
    response = as_(client, lea).get(url("my_coaching"))
    assert response.status_code == 302
    assert response.url == url("engagement", engagement.pk)


def test_my_coaching_lists_several(client, organisation, engagement, lea, karim):
    factories.engagement(organisation, lea, karim, type_=engagement.engagement_type,
                         title="Second engagement")
    page = as_(client, lea).get(url("my_coaching")).content.decode()
    assert "Bilan de Léa" in page and "Second engagement" in page


# --- Closing an appointment ----------------------------------------------------------------


def test_the_closing_screen_is_prefilled_and_records_everything(client, engagement, karim):
    past = factories.appointment(engagement, karim, minutes=90,
                                 starts_at=timezone.now() - timedelta(hours=3))
    as_(client, karim)
    form = client.get(url("close_appointment", past.pk))
    assert form.context["form"].initial["actual_minutes"] == 90
    response = client.post(url("close_appointment", past.pk), {
        "actual_minutes": "90", "phase": engagement.phases.get(name="Investigation").pk,
        "shared_note": "Three trades explored", "private_note": "Tired",
        "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
        "actions-0-title": "Call two bakers", "actions-0-assignee": "beneficiary",
        "actions-0-due_on": "2026-12-04", "actions-1-title": "", "actions-1-assignee":
        "beneficiary", "actions-2-title": "", "actions-2-assignee": "beneficiary"})
    assert response.status_code == 302
    past.refresh_from_db()
    assert (past.status, past.actual_minutes) == (AppointmentStatus.CLOSED, 90)
    assert Note.objects.filter(appointment=past).count() == 2
    assert ActionItem.objects.get(appointment=past).title == "Call two bakers"


def test_closing_a_future_appointment_says_why_and_keeps_the_notes(client, engagement, karim):
    future = factories.appointment(engagement, karim)
    karim.locale = "en"
    karim.save()
    response = as_(client, karim).post(url("close_appointment", future.pk), {
        "actual_minutes": "60", "shared_note": "Typed with care",
        "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "has not started yet" in content and "Typed with care" in content


def test_the_beneficiary_and_managers_cannot_close_appointments(client, engagement, karim,
                                                                lea, sophie):
    past = factories.appointment(engagement, karim,
                                 starts_at=timezone.now() - timedelta(hours=2))
    assert as_(client, lea).get(url("close_appointment", past.pk)).status_code == 403
    assert as_(client, sophie).get(url("close_appointment", past.pk)).status_code == 403


# --- Notes and actions ---------------------------------------------------------------------


def test_a_coach_writes_then_edits_a_note_and_its_history_shows(client, engagement, karim):
    as_(client, karim)
    client.post(url("note_new", engagement.pk), {"body": "First", "visibility": "shared"})
    note = Note.objects.get()
    client.post(url("note_edit", note.pk), {"body": "Second"})
    history = client.get(url("note_history", note.pk)).content.decode()
    assert "First" in history and "Second" in history


def test_the_beneficiary_comments_on_a_shared_note(client, engagement, karim, lea):
    note = write_note(engagement, by=karim, body="Shared", visibility=NoteVisibility.SHARED)
    as_(client, lea).post(url("note_comment", note.pk), {"body": "Thanks!"})
    assert note.comments.get().body == "Thanks!"


def test_the_beneficiary_ticks_an_action_from_the_dashboard_panel(client, engagement, lea):
    item = ActionItem.objects.create(engagement=engagement, title="Read the guide")
    response = as_(client, lea).post(url("action_tick", item.pk), {"next": "dashboard"})
    item.refresh_from_db()
    assert item.is_done
    assert response.url == reverse("journeys:dashboard", args=["cap-avenir"])


def test_another_learner_cannot_tick_an_action(client, organisation, engagement):
    item = ActionItem.objects.create(engagement=engagement, title="Read the guide")
    stranger = member(organisation, "learner")
    assert as_(client, stranger).post(url("action_tick", item.pk)).status_code == 404


def test_a_coach_adds_an_action(client, engagement, karim):
    response = as_(client, karim).post(url("action_new", engagement.pk), {
        "title": "Visit the job fair", "assignee": "beneficiary", "due_on": "", "detail": ""})
    assert response.status_code == 302
    assert engagement.action_items.get(title="Visit the job fair")


def test_note_text_is_sanitised_markdown(client, engagement, karim, lea):
    write_note(engagement, by=karim, visibility=NoteVisibility.SHARED,
               body="**Strong** <script>alert(1)</script> [x](javascript:alert(1))")
    page = as_(client, lea).get(url("engagement", engagement.pk)).content.decode()
    assert "<strong>Strong</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page


def test_the_manager_sees_the_engagement_and_assigns_a_coach(client, organisation, engagement,
                                                             sophie, karim):
    second = member(organisation, "coach", display_name="Nadia Coach")
    as_(client, sophie)
    page = client.get(url("engagement", engagement.pk)).content.decode()
    assert "Nadia Coach" in page  # offered in the coach picker
    client.post(url("engagement_coach_add", engagement.pk), {"coach": second.pk})
    assert set(engagement.coaches.all()) == {karim, second}
    client.post(url("engagement_coach_remove", engagement.pk, karim.pk))
    assert list(engagement.coaches.all()) == [second]


def test_a_coach_cannot_assign_coaches_through_the_page(client, organisation, engagement,
                                                        karim):
    second = member(organisation, "coach")
    response = as_(client, karim).post(url("engagement_coach_add", engagement.pk),
                                       {"coach": second.pk})
    assert response.status_code == 403
    assert list(engagement.coaches.all()) == [karim]


def test_the_closing_screen_says_an_appointment_is_closed_already(client, engagement, karim):
    past = factories.appointment(engagement, karim,
                                 starts_at=timezone.now() - timedelta(hours=2))
    close_appointment(past, by=karim, actual_minutes=60)
    karim.locale = "en"
    karim.save()
    page = as_(client, karim).get(url("close_appointment", past.pk)).content.decode()
    assert "already closed" in page


def test_a_coach_marks_an_appointment_missed(client, engagement, karim):
    past = factories.appointment(engagement, karim,
                                 starts_at=timezone.now() - timedelta(hours=2))
    as_(client, karim).post(url("mark_missed", past.pk))
    past.refresh_from_db()
    assert past.status == AppointmentStatus.MISSED


def test_a_coach_turns_an_action_into_a_path_step(client, organisation, engagement, karim,
                                                  lea):
    from parcours.journeys.services.enrolment import enrol_learner
    from parcours.journeys.tests.paths_for_tests import MONDAY, speaking_programme

    enrolment = enrol_learner(speaking_programme(organisation), lea, by=karim,
                              start_on=MONDAY, minutes_per_week=120)
    item = ActionItem.objects.create(engagement=engagement, title="Write a cover letter")
    as_(client, karim)
    form = client.get(url("action_to_step", item.pk)).content.decode()
    assert "Prendre la parole en public" in form
    response = client.post(url("action_to_step", item.pk), {
        "enrolment": enrolment.pk, "kind": "assignment", "estimated_minutes": 45})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.path_step.title == "Write a cover letter"
    assert item.path_step.estimated_minutes == 45


def test_the_closed_engagement_page_offers_no_changes(client, engagement, karim):
    as_(client, karim).post(url("engagement_close", engagement.pk))
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.CLOSED
    page = client.get(url("engagement", engagement.pk)).content.decode()
    assert url("note_new", engagement.pk) not in page
    assert url("action_new", engagement.pk) not in page


def test_another_parts_panel_is_plugged_in_when_it_exists(client, engagement, karim, settings,
                                                          tmp_path):
    panels = tmp_path / "coaching" / "engagements"
    panels.mkdir(parents=True)
    (panels / "_panel_booking.html").write_text(
        "<section id='booking-panel'>Book with {{ engagement.title }}</section>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0].get("DIRS", [])]}]
    page = as_(client, karim).get(url("engagement", engagement.pk)).content.decode()
    assert "Book with Bilan de Léa" in page


def test_the_coach_edits_the_engagement_and_its_booking_rules(client, engagement, karim):
    response = as_(client, karim).post(url("engagement_edit", engagement.pk), {
        "title": "Bilan de Léa (2)", "objectives": "VAE", "contracted_minutes": "30 h",
        "funder": "OPCO", "starts_on": engagement.starts_on.isoformat(), "ends_on": "",
        "notice_hours": 12, "min_minutes": 30, "max_minutes": 120, "default_minutes": 60,
        "buffer_minutes": 0})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert (engagement.title, engagement.contracted_minutes, engagement.notice_hours) == (
        "Bilan de Léa (2)", 1800, 12)


def test_an_engagement_cannot_be_edited_to_end_before_it_starts(client, engagement, karim):
    response = as_(client, karim).post(url("engagement_edit", engagement.pk), {
        "title": "Typed title", "contracted_minutes": "24", "starts_on": "2026-09-10",
        "ends_on": "2026-09-01", "notice_hours": 12, "min_minutes": 30, "max_minutes": 120,
        "default_minutes": 60, "buffer_minutes": 0})
    assert response.status_code == 400
    assert "Typed title" in response.content.decode()


def test_an_archived_type_is_not_offered_for_new_engagements(client, organisation, sophie):
    kind = factories.engagement_type(organisation)
    as_(client, sophie).post(url("type", kind.pk), {
        "name": kind.name, "kind": kind.kind, "contracted_minutes": "24 h", "archived": "on",
        "notice_hours": 24, "min_minutes": 30, "max_minutes": 180, "default_minutes": 60,
        "buffer_minutes": 15})
    kind.refresh_from_db()
    assert kind.archived
    form = client.get(url("engagement_new")).context["form"]
    assert kind not in form.fields["engagement_type"].queryset


def test_the_coach_who_opens_an_engagement_with_another_coach_leads_it(client, organisation,
                                                                       karim, lea):
    kind = factories.engagement_type(organisation)
    other = member(organisation, "coach", display_name="Aaron First-in-the-list")
    as_(client, karim).post(url("engagement_new"), {
        "engagement_type": kind.pk, "beneficiary": lea.pk, "coaches": [other.pk, karim.pk],
        "starts_on": "2026-09-01"})
    assert Engagement.objects.get().coach_links.get(lead=True).coach == karim


@pytest.mark.parametrize("who", ["lea", "sophie"])
def test_the_beneficiary_and_managers_cannot_reach_the_coaches_writing_pages(
        request, client, engagement, karim, who):
    note = write_note(engagement, by=karim, body="Shared", visibility=NoteVisibility.SHARED)
    item = ActionItem.objects.create(engagement=engagement, title="Read the guide")
    as_(client, request.getfixturevalue(who))
    for path in (url("note_new", engagement.pk), url("note_edit", note.pk),
                 url("action_new", engagement.pk), url("action_edit", item.pk),
                 url("action_to_step", item.pk)):
        assert client.get(path).status_code == 403, path
    client.post(url("note_new", engagement.pk), {"body": "Sneaky", "visibility": "shared"})
    assert not Note.objects.exclude(pk=note.pk).exists()


def test_the_beneficiary_cannot_edit_or_close_their_engagement(client, engagement, lea):
    as_(client, lea)
    assert client.get(url("engagement_edit", engagement.pk)).status_code == 403
    client.post(url("engagement_close", engagement.pk))
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE


@pytest.mark.parametrize("who", ["karim", "lea", "sophie"])
def test_everyone_on_the_engagement_is_warned_at_80_and_100_percent(request, client,
                                                                    engagement, karim, who):
    engagement.contracted_minutes = 600
    engagement.save()
    past = factories.appointment(engagement, karim, minutes=480,
                                 starts_at=timezone.now() - timedelta(days=2))
    close_appointment(past, by=karim, actual_minutes=480)
    person = request.getfixturevalue(who)
    person.locale = "en"
    person.save()
    as_(client, person)
    page = client.get(url("engagement", engagement.pk)).content.decode()
    assert "80 % of the contracted hours are used." in page
    more = factories.appointment(engagement, karim, starts_at=timezone.now() - timedelta(1))
    close_appointment(more, by=karim, actual_minutes=150)
    page = client.get(url("engagement", engagement.pk)).content.decode()
    assert "The contracted hours are used up, and exceeded by 0 h 30." in page


def test_a_long_engagement_shows_its_latest_notes_and_pages_the_rest(client, engagement,
                                                                     karim, lea):
    from parcours.coaching.selectors.engagements import NOTES_SHOWN

    for number in range(NOTES_SHOWN + 5):
        write_note(engagement, by=karim, body=f"Shared number {number:03d}",
                   visibility=NoteVisibility.SHARED)
    write_note(engagement, by=karim, body="Private one")
    lea.locale = "en"
    lea.save()
    as_(client, lea)
    page = client.get(url("engagement", engagement.pk)).content.decode()
    assert "Shared number 024" in page and "Shared number 000" not in page
    assert f"See all {NOTES_SHOWN + 5} notes" in page  # the private one is not counted
    everything = client.get(url("notes", engagement.pk)).content.decode()
    assert "Shared number 000" in everything and "Private one" not in everything
    assert client.get(url("notes", engagement.pk), {"from": "abc"}).status_code == 200


def test_another_learner_cannot_read_the_notes_page(client, organisation, engagement):
    as_(client, member(organisation, "learner"))
    assert client.get(url("notes", engagement.pk)).status_code == 404
