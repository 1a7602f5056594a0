"""In-app feedback on a finished module: asking for it and answering it.

Sessions are not asked here: classroom already has its end-of-session survey (Qualiopi),
so the `feedback_request` trigger links that survey instead of asking twice."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.models import FeedbackAnswer, FeedbackRequest, FeedbackSubject
from parcours.engagement.selectors.feedback import feedback_request_for

MAX_COMMENT_LENGTH = 4000


class RatingInvalid(DomainError):
    default_message = _("Choose a rating from 1 to 5.")


class CommentTooLong(DomainError):
    default_message = _("Keep the comment under 4000 characters.")


class FeedbackAlreadyGiven(Conflict):
    default_message = _("You have already given your opinion on this. Thank you!")


def request_module_feedback(enrolment, module_title: str) -> tuple[FeedbackRequest, bool]:
    """Ask the learner of the enrolment about a module they finished; once per module
    (the existing request when they were asked already). Called by the trigger inside
    the transaction of the step that finished the module."""
    return FeedbackRequest.objects.get_or_create(
        recipient_id=enrolment.learner_id, subject_type=FeedbackSubject.MODULE,
        subject_key=f"{enrolment.pk}:{module_title}"[:120],
        defaults={"organisation_id": enrolment.organisation_id, "title": module_title,
                  "programme_id": enrolment.programme_id, "enrolment_id": enrolment.pk},
    )


@transaction.atomic
def answer_feedback(request_id: int, *, by: User, rating, comment: str = "") -> FeedbackAnswer:
    """The recipient rates what they were asked about (1 to 5) with an optional comment,
    once. Anyone else is told the request does not exist. Records `rated`."""
    request = feedback_request_for(by, request_id, lock=True)
    if FeedbackAnswer.objects.filter(request=request).exists():
        raise FeedbackAlreadyGiven()
    if isinstance(rating, bool) or rating not in (1, 2, 3, 4, 5):
        raise RatingInvalid()
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise CommentTooLong()
    answer = FeedbackAnswer.objects.create(request=request, rating=rating, comment=comment,
                                           answered_at=timezone.now())
    record_event(by, Verb.RATED, request, organisation=request.organisation,
                 result={"score": rating, "response": comment},
                 context={"feedback_request": request.pk, "about": request.subject_type,
                          "programme": request.programme_id,
                          "enrolment": request.enrolment_id})
    return answer
