import pytest

from parcours.api.services import create_access_token
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


@pytest.fixture
def api_as(client):
    """A client calling the API with a person's token: `api_as(lea).get("/api/v1/…")`."""

    class Caller:
        def __init__(self, user):
            _row, raw = create_access_token(user, by=user, name="Script")
            self.headers = {"Authorization": f"Bearer {raw}"}

        def get(self, path, **data):
            return client.get(path, data, headers=self.headers)

        def post(self, path, body=None):
            return client.post(path, body or {}, content_type="application/json",
                               headers=self.headers)

        def put(self, path, body):
            return client.put(path, body, content_type="application/json",
                              headers=self.headers)

    return Caller
