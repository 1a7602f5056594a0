import pytest

from parcours.assessments import services


@pytest.fixture
def bank(organisation, sophie):
    return services.create_bank(organisation, by=sophie, title="Français A2")


@pytest.fixture
def sign_in(client):
    """Sign a person in, reading pages in English (what these tests assert)."""

    def sign_in_as(user):
        user.locale = "en"
        user.save(update_fields=["locale"])
        client.force_login(user)
        return client

    return sign_in_as
