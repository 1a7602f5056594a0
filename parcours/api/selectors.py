"""Reads about personal access tokens, with their access checks built in."""

import hmac
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.api.models import PersonalAccessToken
from parcours.api.tokens import hash_token, split_token

# A program may call the API many times a second; noting each call would turn every
# read into a write. "Last used" is for people, to the minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def access_tokens_of(user: User) -> QuerySet[PersonalAccessToken]:
    """A person's tokens, newest first (revoked and expired ones too, for the record)."""
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-id")


def access_token_for(user: User, token_id: int) -> PersonalAccessToken:
    """One of the person's tokens. Someone else's token is a 404, like a missing one."""
    try:
        return access_tokens_of(user).get(pk=token_id)
    except PersonalAccessToken.DoesNotExist as missing:
        raise Http404(_("No such access token.")) from missing


def user_for_token(raw: str) -> User | None:
    """The active person a raw token belongs to, or None if it opens nothing.

    Refuses malformed, unknown, revoked and expired tokens, and people whose account
    was deactivated. Notes when the token was last used, at most once a minute.
    """
    parts = split_token(raw or "")
    if parts is None:
        return None
    token = (
        PersonalAccessToken.objects.select_related("user").filter(prefix=parts.prefix).first()
    )
    # Compare in constant time: the prefix is public, the hash must not leak byte by byte.
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(raw)):
        return None
    now = timezone.now()
    if not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        # A conditional UPDATE, not save(): two simultaneous calls write at most once
        # and never overwrite a revocation made in between.
        PersonalAccessToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION),
            pk=token.pk,
        ).update(last_used_at=now)
    return token.user
