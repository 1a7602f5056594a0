from django.urls import reverse

from parcours.accounts.tests.factories import UserFactory
from parcours.api.services import create_access_token


def test_staff_see_tokens_but_cannot_create_or_edit_them(client, lea):
    token, raw = create_access_token(lea, by=lea, name="Script")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:api_personalaccesstoken_changelist"))
    detail = client.get(reverse("admin:api_personalaccesstoken_change", args=[token.pk]))
    add = client.get(reverse("admin:api_personalaccesstoken_add"))

    assert listing.status_code == 200
    assert "Script" in listing.content.decode()
    assert detail.status_code == 200
    assert raw.split("_", 2)[2] not in detail.content.decode()
    assert 'name="secret_hash"' not in detail.content.decode()
    assert add.status_code == 403


def test_staff_revoke_a_leaked_token_from_the_admin(client, lea):
    token, _raw = create_access_token(lea, by=lea, name="Leaked")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(reverse("admin:api_personalaccesstoken_changelist"),
                {"action": "revoke", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None
