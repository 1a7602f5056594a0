"""Reads for privacy: how long an organisation keeps closed engagements, the record of
what was anonymised, and everything coaching holds about a beneficiary (their right of
access and to portability), as a dictionary for JSON and as a PDF.

Private notes are the coaches' working notes: they are not in the export, as they are
nowhere a beneficiary or a manager looks (tests prove it).
"""

import io
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.coaching.hours import format_minutes
from parcours.coaching.models import (
    ActionItem,
    ActivityAssignment,
    AnonymisationRecord,
    Appointment,
    AppointmentStatus,
    Document,
    Engagement,
    EngagementStatus,
    Message,
    Note,
    NoteComment,
    NoteVisibility,
    RetentionPolicy,
)
from parcours.core.roles import Permission


def retention_days(organisation: Organisation) -> int:
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return policy.days if policy else settings.COACHING_RETENTION_DAYS


def anonymisation_records(organisation: Organisation, *, viewer: User,
                          limit: int = 50) -> list[AnonymisationRecord]:
    require_permission(viewer, organisation, Permission.MANAGE_COACHING)
    return list(AnonymisationRecord.objects.filter(organisation=organisation)[:limit])


def last_day(engagement: Engagement) -> date:
    """The day retention counts from: the end of the engagement, or its closing if later."""
    days = [day for day in (engagement.ends_on,
                            engagement.closed_at and timezone.localdate(engagement.closed_at))
            if day]
    return max(days) if days else engagement.starts_on


def due_for_anonymisation(today: date) -> list[Engagement]:
    """Closed engagements whose organisation's retention period has run out."""
    policies = dict(RetentionPolicy.objects.values_list("organisation_id", "days"))
    closed = Engagement.objects.filter(status=EngagementStatus.CLOSED).select_related(
        "organisation")
    return [engagement for engagement in closed
            if last_day(engagement) + timedelta(days=policies.get(
                engagement.organisation_id, settings.COACHING_RETENTION_DAYS)) <= today]


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def _name(user) -> str:
    return (user.display_name or user.email) if user else ""


def personal_data(user: User, organisation: Organisation) -> dict:
    """The beneficiary's engagements in this organisation with what was shared with
    them: appointments, shared notes and comments, action items, activities, messages and
    documents, and the synthesis once shared."""
    shared_notes = Note.objects.filter(visibility=NoteVisibility.SHARED).order_by(
        "created_at").prefetch_related(Prefetch(
            "comments", queryset=NoteComment.objects.select_related("author").order_by(
                "created_at")))
    engagements = (Engagement.objects.filter(organisation=organisation, beneficiary=user)
                   .select_related("engagement_type", "synthesis")
                   .prefetch_related(
                       "coaches", "phases",
                       Prefetch("appointments", queryset=Appointment.objects.select_related(
                           "coach", "phase").order_by("starts_at")),
                       Prefetch("notes", queryset=shared_notes, to_attr="shared_notes"),
                       Prefetch("action_items", queryset=ActionItem.objects.order_by(
                           "created_at")),
                       Prefetch("activity_assignments",
                                queryset=ActivityAssignment.objects.select_related(
                                    "activity").order_by("created_at")),
                       Prefetch("messages", queryset=Message.objects.select_related(
                           "author").order_by("created_at")),
                       Prefetch("documents", queryset=Document.objects.select_related(
                           "uploaded_by").order_by("created_at")))
                   .order_by("starts_on"))
    return {
        "person": {"name": user.display_name, "email": user.email, "language": user.locale,
                   "time_zone": user.time_zone},
        "organisation": organisation.name,
        "exported_at": timezone.now().isoformat(),
        "engagements": [_engagement_data(engagement) for engagement in engagements],
    }


def _engagement_data(engagement: Engagement) -> dict:
    used = sum(a.actual_minutes or 0 for a in engagement.appointments.all()
               if a.status == AppointmentStatus.CLOSED)
    synthesis = getattr(engagement, "synthesis", None)
    return {
        "title": engagement.title,
        "type": engagement.engagement_type.name,
        "objectives": engagement.objectives,
        "funder": engagement.funder,
        "status": engagement.status,
        "starts_on": engagement.starts_on.isoformat(),
        "ends_on": engagement.ends_on.isoformat() if engagement.ends_on else None,
        "coaches": [_name(coach) for coach in engagement.coaches.all()],
        "contracted_minutes": engagement.contracted_minutes,
        "used_minutes": used,
        "phases": [{"name": phase.name, "planned_minutes": phase.planned_minutes}
                   for phase in engagement.phases.all()],
        "appointments": [{
            "starts_at": _when(a.starts_at), "ends_at": _when(a.ends_at), "mode": a.mode,
            "place": a.place, "status": a.status, "coach": _name(a.coach),
            "actual_minutes": a.actual_minutes,
            "phase": a.phase.name if a.phase else None,
        } for a in engagement.appointments.all()],
        "shared_notes": [{
            "written_at": _when(note.created_at), "body": note.body,
            "comments": [{"by": _name(c.author), "at": _when(c.created_at), "body": c.body}
                         for c in note.comments.all()],
        } for note in engagement.shared_notes],
        "action_items": [{
            "title": item.title, "detail": item.detail, "for": item.assignee,
            "due_on": item.due_on.isoformat() if item.due_on else None,
            "done_at": _when(item.done_at),
        } for item in engagement.action_items.all()],
        "activities": [{
            "activity": assignment.activity.title, "status": assignment.status,
            "answers": assignment.answers, "returned_at": _when(assignment.returned_at),
            "comment": assignment.comment,
        } for assignment in engagement.activity_assignments.all()],
        "messages": [{"from": _name(m.author), "at": _when(m.created_at), "body": m.body}
                     for m in engagement.messages.all()],
        "documents": [{"name": d.original_name, "type": d.content_type,
                       "by": _name(d.uploaded_by), "at": _when(d.created_at)}
                      for d in engagement.documents.all()],
        "synthesis": (synthesis.body if synthesis is not None and synthesis.shared_at
                      else None),
    }


def personal_data_pdf(data: dict, *, language: str) -> bytes:
    """The same data, readable: one section per engagement."""
    from parcours.coaching.synthesis import new_pdf, write_heading, write_paragraph

    with translation.override(language):
        pdf = new_pdf(_("My coaching data"))
        write_heading(pdf, _("My coaching data"), size=16)
        write_paragraph(pdf, f"{data['person']['name']} <{data['person']['email']}> — "
                             f"{data['organisation']}")
        for engagement in data["engagements"]:
            write_heading(pdf, engagement["title"], size=13)
            write_paragraph(pdf, _("Hours used: %(used)s of %(contracted)s") % {
                "used": format_minutes(engagement["used_minutes"]),
                "contracted": format_minutes(engagement["contracted_minutes"])})
            if engagement["objectives"]:
                write_paragraph(pdf, _("Objectives: %(text)s") % {
                    "text": engagement["objectives"]})
            sections = [
                (_("Appointments"), [f"{a['starts_at'][:16].replace('T', ' ')} — {a['status']}"
                                     + (f" ({format_minutes(a['actual_minutes'])})"
                                        if a["actual_minutes"] else "")
                                     for a in engagement["appointments"]]),
                (_("Shared notes"), [note["body"] for note in engagement["shared_notes"]]),
                (_("Action items"), [item["title"] for item in engagement["action_items"]]),
                (_("Activities"), [f"{a['activity']} — {a['status']}"
                                   for a in engagement["activities"]]),
                (_("Messages"), [f"{m['from']}: {m['body']}" for m in engagement["messages"]]),
                (_("Documents"), [d["name"] for d in engagement["documents"]]),
            ]
            for title, lines in sections:
                if lines:
                    write_heading(pdf, title, size=11)
                    for line in lines:
                        write_paragraph(pdf, f"• {line}")
        buffer = io.BytesIO()
        pdf.output(buffer)
        return buffer.getvalue()
