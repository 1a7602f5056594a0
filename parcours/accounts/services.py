"""What people do with accounts and organisations. Every write goes through here."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Invitation, Membership, MembershipRole, Organisation, User
from parcours.accounts.selectors import InvitationUsed, require_permission
from parcours.accounts.tasks import send_invitation_email
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission, Role


class UnknownRole(DomainError):
    default_message = _("Choose at least one valid role.")


class AlreadyMember(Conflict):
    default_message = _("This person is already a member of the organisation with these roles.")


class InvitationForSomeoneElse(DomainError):
    status_code = 403
    default_message = _(
        "This invitation was sent to another email address. Sign out and sign in with the "
        "invited address, or ask for an invitation to your own."
    )


class EmailAlreadyRegistered(Conflict):
    default_message = _("An account already exists for this email address. Sign in to accept.")


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen or any(role not in Role.values for role in chosen):
        raise UnknownRole()
    return chosen


@transaction.atomic
def create_organisation(
    name: str, *, slug: str | None = None, default_locale: str | None = None,
    time_zone: str | None = None,
) -> Organisation:
    """Open a new tenant. Platform staff do this (admin, demo seeding), not members."""
    return Organisation.objects.create(
        name=name,
        slug=slug or slugify(name)[:60],
        default_locale=default_locale or settings.LANGUAGE_CODE,
        time_zone=time_zone or settings.TIME_ZONE,
    )


@transaction.atomic
def add_member(organisation: Organisation, user: User, *, roles: Iterable[str]) -> Membership:
    """Give a person these roles in the organisation (keeping the ones they had).

    No acting user: only trusted paths call it (accepting an invitation, staff tools,
    demo seeding). People add members by inviting them.
    """
    chosen = _clean_roles(roles)
    membership, _created = Membership.objects.get_or_create(organisation=organisation, user=user)
    held = set(membership.roles.values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in chosen if role not in held]
    )
    return membership


@transaction.atomic
def invite_member(
    organisation: Organisation, *, by: User, email: str, roles: Iterable[str],
    locale: str | None = None,
) -> Invitation:
    """Invite someone by email; a newer invitation replaces a pending one."""
    require_permission(by, organisation, Permission.INVITE_MEMBERS)
    email = User.objects.normalize_email(email).strip().lower()
    chosen = _clean_roles(roles)
    existing = set(
        MembershipRole.objects.filter(
            membership__organisation=organisation, membership__user__email__iexact=email
        ).values_list("role", flat=True)
    )
    if existing and set(chosen) <= existing:
        raise AlreadyMember()
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email,
        accepted_at__isnull=True, revoked_at__isnull=True,
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        roles=chosen,
        locale=locale or organisation.default_locale,
        invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record_event(by, Verb.INVITED, invitation, organisation=organisation,
                 context={"roles": chosen})
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by: User) -> Invitation:
    require_permission(by, invitation.organisation, Permission.INVITE_MEMBERS)
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


def _accept(invitation: Invitation, user: User) -> Membership:
    # Lock the row: two clicks on the same link must not both succeed.
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending or locked.is_expired():
        raise InvitationUsed()
    membership = add_member(locked.organisation, user, roles=locked.roles)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record_event(user, Verb.JOINED, locked.organisation, organisation=locked.organisation,
                 context={"invitation": locked.pk, "roles": locked.roles})
    invitation.refresh_from_db()
    return membership


@transaction.atomic
def accept_invitation(invitation: Invitation, *, by: User) -> Membership:
    """A signed-in person accepts an invitation sent to their address."""
    if by.email.lower() != invitation.email.lower():
        raise InvitationForSomeoneElse()
    return _accept(invitation, by)


@transaction.atomic
def join_with_invitation(
    invitation: Invitation, *, display_name: str, password: str, locale: str, time_zone: str,
) -> User:
    """Someone new creates their account from the invitation link and joins."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise EmailAlreadyRegistered()
    user = User(email=invitation.email, display_name=display_name.strip(), locale=locale,
                time_zone=time_zone)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    record_event(user, Verb.REGISTERED, user, organisation=invitation.organisation)
    _accept(invitation, user)
    return user


@transaction.atomic
def record_login(user: User) -> None:
    """Note a sign-in in each organisation the person belongs to (it is activity there)."""
    organisations = list(Organisation.objects.filter(memberships__user=user))
    for organisation in organisations:
        record_event(user, Verb.LOGGED_IN, organisation, organisation=organisation)
    if not organisations:
        record_event(user, Verb.LOGGED_IN, ("parcours.site", "parcours"), organisation=None)


@transaction.atomic
def update_profile(
    user: User, *, by: User, display_name: str, locale: str, time_zone: str
) -> User:
    if by.pk != user.pk:
        raise NotAllowed()
    user.display_name = display_name.strip()
    user.locale = locale
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "locale", "time_zone"])
    return user


@transaction.atomic
def change_language(user: User, *, locale: str) -> User:
    if locale not in dict(settings.LANGUAGES):
        raise DomainError(_("This language is not available."))
    user.locale = locale
    user.save(update_fields=["locale"])
    return user
