"""The cast every test shares.

Léa (learner), Karim (coach) and Sophie (manager) work in one organisation;
Oscar is a manager in another organisation and must never see their data.
"""

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from parcours.accounts.tests.factories import PASSWORD, OrganisationFactory, member


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Cap Avenir Formation", slug="cap-avenir")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Horizon Conseil", slug="horizon")


@pytest.fixture
def lea(organisation):
    return member(organisation, "learner", email="lea@example.org", display_name="Léa Martin")


@pytest.fixture
def karim(organisation):
    return member(organisation, "coach", email="karim@example.org", display_name="Karim Benali")


@pytest.fixture
def sophie(organisation):
    return member(organisation, "manager", email="sophie@example.org",
                  display_name="Sophie Laurent")


@pytest.fixture
def oscar(other_organisation):
    return member(other_organisation, "manager", email="oscar@example.org",
                  display_name="Oscar Dupont")


@pytest.fixture
def run_tasks(db, monkeypatch):
    """Commit as the request would, then run every due task as the worker would.

    Tests run inside a transaction that never commits, so the `on_commit` hooks that
    enqueue tasks are played here first, like Django's captureOnCommitCallbacks.
    """

    # Between tasks the worker closes connections it takes for stale; inside a test's
    # transaction autocommit is off, so every connection looks stale, and on PostgreSQL
    # closing it would end the test's transaction too.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        while connection.run_on_commit:
            pending, connection.run_on_commit = connection.run_on_commit, []
            for _savepoints, callback, _robust in pending:
                callback()
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    return run


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is slow on purpose; tests check behaviour, not hash strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def token_for(db):
    """A fresh raw token for a person, as they would copy it from the tokens page."""
    from parcours.api.services import create_access_token

    def make(user, **options) -> str:
        options.setdefault("name", "Script")
        _row, raw = create_access_token(user, by=user, **options)
        return raw

    return make


@pytest.fixture
def api_as(client, token_for):
    """A client calling the API with a person's token: `api_as(sophie).get("/api/v1/me")`.

    `locale="en"` first switches the person to English, for tests that read messages.
    """

    class Caller:
        def __init__(self, user, *, locale: str | None = None):
            if locale is not None:
                user.locale = locale
                user.save(update_fields=["locale"])
            self.headers = {"Authorization": f"Bearer {token_for(user)}"}

        def get(self, path, **data):
            return client.get(path, data, headers=self.headers)

        def post(self, path, body=None):
            return client.post(path, body or {}, content_type="application/json",
                               headers=self.headers)

        def put(self, path, body):
            return client.put(path, body, content_type="application/json",
                              headers=self.headers)

        def patch(self, path, body):
            return client.patch(path, body, content_type="application/json",
                                headers=self.headers)

        def upload(self, path, data):
            return client.post(path, data, headers=self.headers)

    return Caller
