"""/healthz tells a monitor whether the database answers and the task queue moves."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError, connection
from django.urls import reverse

from parcours.core.tests.tasks_for_tests import succeeds

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def url():
    return reverse("core:healthz")


def test_healthz_lives_at_the_root(url):
    assert url == "/healthz"


def test_an_anonymous_monitor_hears_that_all_is_well(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["tasks"] == {"pending": 0, "scheduled": 0, "oldest_pending_age_seconds": None}


def test_the_age_of_the_oldest_waiting_task_is_reported(client, db, url):
    with time_machine.travel(START, tick=False):
        succeeds.enqueue("first")
    with time_machine.travel(START + timedelta(seconds=40), tick=False):
        succeeds.enqueue("second")

    with time_machine.travel(START + timedelta(seconds=100), tick=False):
        body = client.get(url).json()

    assert body["tasks"]["pending"] == 2
    assert body["tasks"]["oldest_pending_age_seconds"] == 100.0
    assert body["status"] == "ok"


def test_a_retry_waiting_out_its_backoff_is_scheduled_not_late(client, db, url):
    with time_machine.travel(START, tick=False):
        succeeds.using(run_after=START + timedelta(minutes=10)).enqueue("retry")

    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        before = client.get(url).json()["tasks"]
    with time_machine.travel(START + timedelta(minutes=12), tick=False):
        after = client.get(url).json()["tasks"]

    assert before == {"pending": 0, "scheduled": 1, "oldest_pending_age_seconds": None}
    assert after == {"pending": 1, "scheduled": 0, "oldest_pending_age_seconds": 120.0}


def test_a_queue_nobody_works_on_is_reported_degraded_but_the_site_still_serves(
    client, db, url
):
    with time_machine.travel(START, tick=False):
        succeeds.enqueue("forgotten")

    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        response = client.get(url)

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["tasks"]["oldest_pending_age_seconds"] == 1800.0


def test_tasks_that_ran_are_not_counted(client, url, run_tasks):
    succeeds.enqueue("done")
    run_tasks()

    assert client.get(url).json()["tasks"]["pending"] == 0


def test_an_unreachable_database_answers_503_in_json(client, db, url):
    refused = OperationalError("connection to server at 127.0.0.1, port 5432 failed")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = client.get(url)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["tasks"]["pending"] is None
    assert "5432" not in response.content.decode()


def test_healthz_only_answers_reads(client, db, url):
    assert client.post(url).status_code == 405


def test_a_load_balancer_probes_over_plain_http_when_https_is_on(client, db, url, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(url).status_code == 200
    assert client.get("/login/").status_code == 301
