import re

import pytest
from django.urls import reverse

from parcours.api.models import PersonalAccessToken
from parcours.api.selectors import user_for_token
from parcours.api.services import create_access_token
from parcours.api.tokens import hash_token

TOKENS = "/account/tokens/"
RAW_TOKEN = re.compile(r"pcs_[0-9a-f]+_[A-Za-z0-9_-]{20,}")


def test_the_token_pages_have_stable_names():
    assert reverse("api:tokens") == TOKENS
    assert reverse("api:token_revoke", args=[7]) == "/account/tokens/7/revoke/"


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(TOKENS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_lea_sees_her_tokens_and_not_karims(client, lea, karim):
    create_access_token(lea, by=lea, name="My spreadsheet")
    create_access_token(karim, by=karim, name="Karim's export")
    client.force_login(lea)

    response = client.get(TOKENS)

    assert response.status_code == 200
    assert "My spreadsheet" in response.content.decode()
    assert "Karim's export" not in response.content.decode()


def test_a_new_token_is_shown_once_then_never_again(client, lea):
    client.force_login(lea)

    response = client.post(TOKENS, {"name": "Nightly sync", "expires_in_days": "90"})

    assert response.status_code == 200  # shown in the answer, not behind a redirect
    [raw] = set(RAW_TOKEN.findall(response.content.decode()))
    token = PersonalAccessToken.objects.get(user=lea)
    assert token.name == "Nightly sync"
    assert token.secret_hash == hash_token(raw)
    assert user_for_token(raw) == lea
    assert "no-store" in response["Cache-Control"]
    again = client.get(TOKENS).content.decode()
    assert raw not in again
    assert f"pcs_{token.prefix}_" in again


def test_a_form_error_keeps_what_was_typed(client, lea):
    client.force_login(lea)

    response = client.post(TOKENS, {"name": "Nightly sync", "expires_in_days": "0"})

    html = response.content.decode()
    assert 'value="Nightly sync"' in html
    assert 'aria-invalid="true"' in html
    assert not PersonalAccessToken.objects.exists()


def test_a_token_without_a_name_is_refused(client, lea):
    client.force_login(lea)

    response = client.post(TOKENS, {"name": "", "expires_in_days": "30"})

    assert 'value="30"' in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_lea_confirms_then_revokes_her_token_and_the_api_refuses_it(client, lea):
    token, raw = create_access_token(lea, by=lea, name="Old script")
    client.force_login(lea)

    confirmation = client.get(reverse("api:token_revoke", args=[token.pk]))
    assert confirmation.status_code == 200
    assert "Old script" in confirmation.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # looking at the question revokes nothing

    response = client.post(reverse("api:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_elses_token_is_not_found(client, lea, karim, method):
    token, raw = create_access_token(karim, by=karim, name="Karim's export")
    client.force_login(lea)

    response = getattr(client, method)(reverse("api:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    assert user_for_token(raw) == karim
