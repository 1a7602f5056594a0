"""Reads of the feedback part: one's own request, and the managers' report."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.core.roles import Permission
from parcours.engagement.models import FeedbackAnswer, FeedbackRequest

RATINGS = (1, 2, 3, 4, 5)
COMMENTS_SHOWN = 200


def feedback_request_for(user: User, request_id: int, *, lock: bool = False) -> FeedbackRequest:
    """The request, for its recipient only: anyone else gets a 404 (they must not learn
    that it exists)."""
    if not user.is_authenticated:
        raise Http404
    requests = FeedbackRequest.objects.select_related("organisation")
    if lock:
        requests = requests.select_for_update(of=("self",))
    request = requests.filter(pk=request_id, recipient=user).first()
    if request is None:
        raise Http404
    return request


def feedback_page(user: User, request_id: int) -> tuple[FeedbackRequest, FeedbackAnswer | None]:
    """The request and its answer if given, for its recipient only (one query)."""
    if not user.is_authenticated:
        raise Http404
    request = (FeedbackRequest.objects.select_related("organisation", "answer")
               .filter(pk=request_id, recipient=user).first())
    if request is None:
        raise Http404
    return request, getattr(request, "answer", None)


@dataclass
class FeedbackComment:
    rating: int
    comment: str
    answered_at: datetime


@dataclass
class FeedbackRow:
    """What the learners said about one module (all paths taking it together)."""

    subject_type: str
    title: str
    asked: int
    answered: int
    total: int
    distribution: dict[int, int]
    comments: list[FeedbackComment] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(self.total) / self.answered).quantize(Decimal("0.01"))

    @property
    def response_rate(self) -> int:
        return self.answered * 100 // self.asked if self.asked else 0

    def share(self, rating: int) -> int:
        """Percentage of the answers giving this rating (for the bars)."""
        return self.distribution[rating] * 100 // self.answered if self.answered else 0


def feedback_report(organisation: Organisation, *, viewer: User) -> list[FeedbackRow]:
    """Per module: how many were asked, answered, the average and the distribution of
    the ratings, and the comments (latest first). Two queries whatever the size."""
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    per_rating = {f"r{rating}": Count("pk", filter=Q(answer__rating=rating))
                  for rating in RATINGS}
    figures = (FeedbackRequest.objects.filter(organisation=organisation)
               .values("subject_type", "title")
               .annotate(asked=Count("pk"), answered=Count("answer"),
                         total=Sum("answer__rating"), **per_rating)
               .order_by("subject_type", "title"))
    rows = {
        (row["subject_type"], row["title"]): FeedbackRow(
            subject_type=row["subject_type"], title=row["title"], asked=row["asked"],
            answered=row["answered"], total=row["total"] or 0,
            distribution={rating: row[f"r{rating}"] for rating in RATINGS})
        for row in figures
    }
    comments = (FeedbackAnswer.objects.filter(request__organisation=organisation)
                .exclude(comment="")
                .values_list("request__subject_type", "request__title", "rating", "comment",
                             "answered_at")
                .order_by("-answered_at", "-pk")[:COMMENTS_SHOWN])
    for subject_type, title, rating, comment, answered_at in comments:
        rows[(subject_type, title)].comments.append(
            FeedbackComment(rating=rating, comment=comment, answered_at=answered_at))
    return list(rows.values())
