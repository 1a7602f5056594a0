import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from parcours.accounts.tests.factories import UserFactory
from parcours.api.models import PersonalAccessToken
from parcours.api.selectors import access_token_for, access_tokens_of, user_for_token
from parcours.api.services import (
    TokenLifetimeInvalid,
    TokenNameMissing,
    create_access_token,
    revoke_access_token,
)
from parcours.core.errors import NotAllowed


def test_a_new_token_is_kept_only_as_a_hash(lea):
    token, raw = create_access_token(lea, by=lea, name="HR export")

    row = PersonalAccessToken.objects.filter(pk=token.pk).values().get()
    assert raw.startswith(f"pcs_{token.prefix}_")
    assert row["secret_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    secret = raw.split("_", 2)[2]
    assert not any(secret in str(value) for value in row.values())


def test_the_raw_token_opens_the_api_as_its_owner(lea):
    _token, raw = create_access_token(lea, by=lea, name="Script")

    assert user_for_token(raw) == lea


def test_two_tokens_never_share_a_prefix_or_a_secret(lea):
    first, first_raw = create_access_token(lea, by=lea, name="One")
    second, second_raw = create_access_token(lea, by=lea, name="Two")

    assert first.prefix != second.prefix
    assert first_raw != second_raw


def test_nobody_creates_a_token_for_someone_else(lea, sophie):
    with pytest.raises(NotAllowed):
        create_access_token(lea, by=sophie, name="Spy")

    assert not PersonalAccessToken.objects.exists()


def test_a_token_needs_a_name(lea):
    with pytest.raises(TokenNameMissing):
        create_access_token(lea, by=lea, name="   ")


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_a_token_lasts_between_one_day_and_ten_years(lea, days):
    with pytest.raises(TokenLifetimeInvalid):
        create_access_token(lea, by=lea, name="Script", expires_in_days=days)


def test_a_token_with_a_lifetime_expires_that_many_days_later(lea):
    token, _raw = create_access_token(lea, by=lea, name="Script", expires_in_days=30)

    assert token.expires_at - token.created_at == timedelta(days=30)


def test_a_revoked_token_opens_nothing(lea):
    token, raw = create_access_token(lea, by=lea, name="Script")

    revoke_access_token(token, by=lea)

    assert user_for_token(raw) is None


def test_an_expired_token_opens_nothing(lea):
    _token, raw = create_access_token(lea, by=lea, name="Script", expires_in_days=1)

    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert user_for_token(raw) is None


def test_the_token_of_a_deactivated_account_opens_nothing(lea):
    _token, raw = create_access_token(lea, by=lea, name="Script")
    lea.is_active = False
    lea.save()

    assert user_for_token(raw) is None


def test_a_right_prefix_with_a_wrong_secret_opens_nothing(lea):
    token, _raw = create_access_token(lea, by=lea, name="Script")

    assert user_for_token(f"pcs_{token.prefix}_guessed-secret") is None


@pytest.mark.parametrize(
    "raw", ["", "pcs", "pcs_", "pcs__secret", "pcs_abc_", "abc_def_ghi", "Bearer pcs_a_b"]
)
def test_malformed_tokens_open_nothing(db, raw):
    assert user_for_token(raw) is None


def test_last_use_is_noted_at_most_once_a_minute(lea):
    token, raw = create_access_token(lea, by=lea, name="Script")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        user_for_token(raw)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_only_its_owner_revokes_a_token(lea, sophie):
    token, raw = create_access_token(lea, by=lea, name="Script")

    with pytest.raises(NotAllowed):
        revoke_access_token(token, by=sophie)

    assert user_for_token(raw) == lea


def test_platform_staff_may_revoke_a_leaked_token(lea):
    token, raw = create_access_token(lea, by=lea, name="Script")
    staff = UserFactory(is_staff=True)

    revoke_access_token(token, by=staff)

    assert user_for_token(raw) is None


def test_revoking_twice_keeps_the_first_revocation_time(lea):
    token, _raw = create_access_token(lea, by=lea, name="Script")
    revoke_access_token(token, by=lea)
    first = token.revoked_at

    revoke_access_token(token, by=lea)

    token.refresh_from_db()
    assert token.revoked_at == first


def test_a_person_sees_only_their_own_tokens(lea, karim):
    mine, _raw = create_access_token(lea, by=lea, name="Mine")
    create_access_token(karim, by=karim, name="Karim's")

    assert list(access_tokens_of(lea)) == [mine]


def test_someone_elses_token_is_not_found(lea, karim):
    token, _raw = create_access_token(karim, by=karim, name="Karim's")

    with pytest.raises(Http404):
        access_token_for(lea, token.pk)
