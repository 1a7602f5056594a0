"""What people do with their personal access tokens. Every write goes through here."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.api.models import PersonalAccessToken
from parcours.api.tokens import hash_token, new_token
from parcours.core.errors import DomainError, NotAllowed

TOKEN_NAME_MAX_LENGTH = PersonalAccessToken._meta.get_field("name").max_length
TOKEN_MAX_DAYS = 3650


class TokenNameMissing(DomainError):
    default_message = _("Give the token a name, so you know later what uses it.")


class TokenNameTooLong(DomainError):
    default_message = _("Keep the token name under 100 characters.")


class TokenLifetimeInvalid(DomainError):
    default_message = _("A token lasts between 1 and 3650 days; leave empty for no expiry.")


@transaction.atomic
def create_access_token(
    user: User, *, by: User, name: str, expires_in_days: int | None = None
) -> tuple[PersonalAccessToken, str]:
    """Give a person a new token for the API; return the row and the raw token.

    The raw token is returned only here: show it to the person once, then forget it.
    Only the person themself may create their tokens (an API call acts as them).
    """
    if by.pk != user.pk:
        raise NotAllowed()
    name = (name or "").strip()
    if not name:
        raise TokenNameMissing()
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise TokenNameTooLong()
    if expires_in_days is not None and not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise TokenLifetimeInvalid()
    now = timezone.now()
    prefix, raw = new_token()
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=hash_token(raw),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return token, raw


@transaction.atomic
def revoke_access_token(token: PersonalAccessToken, *, by: User) -> PersonalAccessToken:
    """Stop a token from working, at once and for good.

    Its owner revokes it; platform staff may too (a token leaked in a public place).
    Revoking a revoked token changes nothing.
    """
    if by.pk != token.user_id and not by.is_staff:
        raise NotAllowed()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
