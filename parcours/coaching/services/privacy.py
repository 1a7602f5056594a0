"""Retention and anonymisation of coaching records.

An organisation sets how long it keeps closed engagements; once that time has run out,
the daily `anonymise_engagements` job erases what identifies the beneficiary or records
what they confided (private and shared notes, comments, messages and their files,
activity answers, the synthesis, action items, meeting places) and keeps what funders'
reports need (the type, the funder, the dates, the hours per phase). A record says what
was erased and when; a learning event says it happened.
"""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.coaching.models import (
    ActionItem,
    ActivityAssignment,
    AnonymisationRecord,
    Appointment,
    Document,
    Engagement,
    EngagementStatus,
    Message,
    Note,
    NoteVisibility,
    RetentionPolicy,
    SynthesisDocument,
)
from parcours.coaching.privacy import due_for_anonymisation, retention_days
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission

logger = logging.getLogger(__name__)


class RetentionInvalid(DomainError):
    default_message = _("The retention period is a whole number of days, one at least.")


class NotClosedYet(Conflict):
    default_message = _("Only a closed engagement can be anonymised.")


@transaction.atomic
def set_retention(organisation: Organisation, *, by: User, days: int) -> RetentionPolicy:
    require_permission(by, organisation, Permission.MANAGE_COACHING)
    if not isinstance(days, int) or days < 1:
        raise RetentionInvalid()
    policy, _created = RetentionPolicy.objects.update_or_create(
        organisation=organisation, defaults={"days": days, "updated_by": by})
    return policy


def _erase(rows) -> int:
    """Delete, and count the rows of that model only (not what cascaded with them)."""
    return rows.delete()[1].get(rows.model._meta.label, 0)


@transaction.atomic
def anonymise_engagement(engagement: Engagement, *, by: User | None = None,
                         now=None) -> AnonymisationRecord:
    """Erase the personal content of a closed engagement and say so. `by` is None when the
    retention job does it."""
    now = now or timezone.now()
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    if engagement.status != EngagementStatus.CLOSED:
        raise NotClosedYet()
    files = [document.file.name for document in Document.objects.filter(
        engagement=engagement).only("file")]
    erased = {
        "private_notes": _erase(Note.objects.filter(engagement=engagement,
                                                    visibility=NoteVisibility.PRIVATE)),
        "shared_notes": _erase(Note.objects.filter(engagement=engagement)),
        "documents": _erase(Document.objects.filter(engagement=engagement)),
        "messages": _erase(Message.objects.filter(engagement=engagement)),
        "activities": _erase(ActivityAssignment.objects.filter(engagement=engagement)),
        "action_items": _erase(ActionItem.objects.filter(engagement=engagement)),
        "synthesis": _erase(SynthesisDocument.objects.filter(engagement=engagement)),
    }
    erased["appointments_scrubbed"] = Appointment.objects.filter(
        engagement=engagement).update(place="", meeting_url="", cancel_reason="")
    engagement.beneficiary = None
    engagement.title = str(_("Anonymised engagement #%(number)d") % {"number": engagement.pk})
    engagement.objectives = ""
    engagement.status = EngagementStatus.ANONYMISED
    engagement.anonymised_at = now
    engagement.save(update_fields=["beneficiary", "title", "objectives", "status",
                                   "anonymised_at", "updated_at"])
    record = AnonymisationRecord.objects.create(
        organisation=engagement.organisation, engagement=engagement,
        engagement_reference=engagement.pk, anonymised_at=now,
        retention_days=retention_days(engagement.organisation), erased=erased)
    record_event(by, Verb.ANONYMISED, engagement, organisation=engagement.organisation,
                 context={"engagement": engagement.pk})
    # Files go once the rows are gone for good: a rolled-back anonymisation keeps them.
    storage = Document._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files if name])
    return record


def anonymise_due(*, today: date | None = None) -> list[AnonymisationRecord]:
    """The daily job: every closed engagement past its organisation's retention period.
    Each one in its own transaction, so one failure does not hold back the others."""
    today = today or timezone.localdate()
    records = []
    for engagement in due_for_anonymisation(today):
        try:
            records.append(anonymise_engagement(engagement))
        except Exception:
            logger.exception("Could not anonymise engagement %s", engagement.pk)
    return records
