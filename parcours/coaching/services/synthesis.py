"""Writing the synthesis document: a draft from the record, the coach's edits, sharing
it with the beneficiary."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.coaching.models import Engagement, SynthesisDocument
from parcours.coaching.selectors import Capacity, capacity_in
from parcours.coaching.synthesis import draft_text
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb


class SynthesisEmpty(DomainError):
    default_message = _("The synthesis cannot be empty.")


class NothingToShare(DomainError):
    default_message = _("Write or draft the synthesis before sharing it.")


def _require_coach(engagement: Engagement, by: User) -> None:
    if capacity_in(by, engagement) != Capacity.COACH:
        raise NotAllowed(_("Only the engagement's coaches write its synthesis."))


@transaction.atomic
def draft_synthesis(engagement: Engagement, *, by: User) -> SynthesisDocument:
    """(Re)write the draft from the record, in the beneficiary's language."""
    _require_coach(engagement, by)
    language = engagement.beneficiary.locale if engagement.beneficiary else by.locale
    with translation.override(language):
        body = draft_text(engagement)
    document, _created = SynthesisDocument.objects.update_or_create(
        engagement=engagement, defaults={"body": body, "edited_by": by})
    return document


@transaction.atomic
def edit_synthesis(engagement: Engagement, *, by: User, body: str) -> SynthesisDocument:
    _require_coach(engagement, by)
    if not body.strip():
        raise SynthesisEmpty()
    document, _created = SynthesisDocument.objects.update_or_create(
        engagement=engagement, defaults={"body": body.strip(), "edited_by": by})
    return document


@transaction.atomic
def share_synthesis(engagement: Engagement, *, by: User) -> SynthesisDocument:
    _require_coach(engagement, by)
    document = SynthesisDocument.objects.select_for_update().filter(
        engagement=engagement).first()
    if document is None or not document.body.strip():
        raise NothingToShare()
    document.shared_at = timezone.now()
    document.save(update_fields=["shared_at", "updated_at"])
    record_event(by, Verb.PUBLISHED, document, organisation=engagement.organisation,
                 context={"engagement": engagement.pk})
    return document
