"""Reads about people and organisations, each with its access check built in."""

from django.core import signing
from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Invitation, Membership, MembershipRole, Organisation, User
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.models import LearningEvent
from parcours.core.roles import Permission, roles_allow

INVITATION_SALT = "parcours.accounts.invitation"


class InvitationInvalid(DomainError):
    status_code = 404
    default_message = _("This invitation link is not valid. Ask for a new one.")


class InvitationExpired(InvitationInvalid):
    status_code = 410
    default_message = _(
        "This invitation has expired. Ask the person who invited you for a new one."
    )


class InvitationUsed(InvitationInvalid):
    status_code = 410
    default_message = _("This invitation has already been used. Sign in to continue.")


def organisations_of(user: User) -> QuerySet[Organisation]:
    """The organisations a person belongs to: the only ones they may see."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def organisations_with_roles(user: User) -> list[tuple[Organisation, list[str]]]:
    """Each organisation the person belongs to, with their roles there, in two queries."""
    if not user.is_authenticated:
        return []
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.order_by("role")))
        .order_by("organisation__name")
    )
    return [(m.organisation, [r.role for r in m.roles.all()]) for m in memberships]


def roles_in(user: User, organisation: Organisation) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        MembershipRole.objects.filter(
            membership__user=user, membership__organisation=organisation
        ).values_list("role", flat=True)
    )


def require_permission(user: User, organisation: Organisation, permission: str) -> frozenset[str]:
    """Return the person's roles in the organisation, or refuse (deny by default)."""
    roles = roles_in(user, organisation)
    if not roles_allow(roles, permission):
        raise NotAllowed()
    return roles


def organisation_for(user: User, slug: str) -> Organisation:
    """The organisation with this short name, if the person belongs to it.

    Someone outside gets a 404, not a 403: they must not learn it exists.
    """
    try:
        return organisations_of(user).get(slug=slug)
    except Organisation.DoesNotExist as missing:
        raise Http404(_("No such organisation.")) from missing


def members_of(organisation: Organisation, *, viewer: User) -> list[Membership]:
    """Members with their roles and last activity, in two queries whatever their number."""
    require_permission(viewer, organisation, Permission.VIEW_MEMBERS)
    return _members_with_activity(organisation)


def members_page(
    organisation: Organisation, *, viewer: User, offset: int, limit: int
) -> tuple[int, list[Membership]]:
    """One page of members and the total, for paginated lists (the API)."""
    require_permission(viewer, organisation, Permission.VIEW_MEMBERS)
    total = Membership.objects.filter(organisation=organisation).count()
    return total, _members_with_activity(organisation, offset=offset, limit=limit)


def _members_with_activity(
    organisation: Organisation, *, role: str | None = None, offset: int = 0,
    limit: int | None = None,
) -> list[Membership]:
    last_activity = (
        LearningEvent.objects.filter(actor=OuterRef("user_id"), organisation=organisation)
        .values("actor")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    memberships = Membership.objects.filter(organisation=organisation)
    if role is not None:
        memberships = memberships.filter(roles__role=role)
    return list(
        memberships.select_related("user")
        .prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.order_by("role")))
        .annotate(last_activity=Subquery(last_activity))
        .order_by("user__display_name", "user__email")[
            offset : None if limit is None else offset + limit
        ]
    )


def pending_invitations_of(organisation: Organisation, *, viewer: User) -> list[Invitation]:
    require_permission(viewer, organisation, Permission.INVITE_MEMBERS)
    return list(
        Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        ).select_related("invited_by")
    )


def invitation_for_manager(
    user: User, organisation: Organisation, invitation_id: int
) -> Invitation:
    require_permission(user, organisation, Permission.INVITE_MEMBERS)
    try:
        return Invitation.objects.get(pk=invitation_id, organisation=organisation)
    except Invitation.DoesNotExist as missing:
        raise Http404(_("No such invitation.")) from missing


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to, if it can still be used."""
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SALT)
        invitation = Invitation.objects.select_related("organisation").get(pk=invitation_id)
    except (signing.BadSignature, Invitation.DoesNotExist, TypeError, ValueError) as bad:
        raise InvitationInvalid() from bad
    if invitation.revoked_at is not None:
        raise InvitationInvalid()
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    if invitation.is_expired():
        raise InvitationExpired()
    return invitation


def activity_of(organisation: Organisation, *, viewer: User, since, limit: int = 100):
    """What happened in the organisation since a moment, newest first."""
    require_permission(viewer, organisation, Permission.VIEW_ACTIVITY)
    return list(
        LearningEvent.objects.filter(organisation=organisation, occurred_at__gte=since)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:limit]
    )
