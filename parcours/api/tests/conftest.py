import pytest

from parcours.api.services import create_access_token


@pytest.fixture
def token_for(db):
    """A fresh raw token for a person, as they would copy it from the tokens page."""

    def make(user, **options) -> str:
        options.setdefault("name", "Script")
        _row, raw = create_access_token(user, by=user, **options)
        return raw

    return make


@pytest.fixture
def api_as(client, token_for):
    """A client calling the API with a person's token: `api_as(sophie).get("/api/v1/me")`."""

    class Caller:
        def __init__(self, user):
            self.headers = {"Authorization": f"Bearer {token_for(user)}"}

        def get(self, path, **data):
            return client.get(path, data, headers=self.headers)

        def post(self, path, body):
            return client.post(path, body, content_type="application/json",
                               headers=self.headers)

    return Caller
