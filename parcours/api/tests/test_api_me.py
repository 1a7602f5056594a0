import json
import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from parcours.accounts.services import add_member
from parcours.api.services import create_access_token, revoke_access_token

ME = "/api/v1/me"


def test_a_request_without_a_token_gets_401_json(client, lea):
    response = client.get(ME)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_request_with_a_made_up_token_gets_401_json(client, lea):
    response = client.get(ME, headers={"Authorization": "Bearer pcs_0000_not-a-token",
                                       "Accept-Language": "en"})

    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_revoked_token_gets_401(client, lea):
    token, raw = create_access_token(lea, by=lea, name="Script")
    revoke_access_token(token, by=lea)

    response = client.get(ME, headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_expired_token_gets_401(client, lea):
    _token, raw = create_access_token(lea, by=lea, name="Script", expires_in_days=7)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(ME, headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 401


def test_a_signed_in_browser_session_is_not_enough_for_the_api(client, lea):
    client.force_login(lea)

    response = client.get(ME)

    assert response.status_code == 401


def test_me_describes_the_caller_and_their_roles_in_each_organisation(
    api_as, sophie, other_organisation
):
    add_member(other_organisation, sophie, roles=["coach", "learner"])

    response = api_as(sophie).get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == sophie.pk
    assert body["email"] == "sophie@example.org"
    assert body["display_name"] == "Sophie Laurent"
    assert body["locale"] == "fr"
    assert body["time_zone"] == "Europe/Paris"
    assert [(o["slug"], o["roles"]) for o in body["organisations"]] == [
        ("cap-avenir", ["manager"]),
        ("horizon", ["coach", "learner"]),
    ]


def test_the_api_answers_in_the_callers_language(api_as, lea):
    lea.locale = "en"
    lea.save()

    response = api_as(lea).get(ME)

    assert response["Content-Language"] == "en"


def test_the_openapi_document_is_valid_json_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Parcours API"
    assert "/api/v1/me" in document["paths"]
    assert "/api/v1/organisations/{slug}/invitations" in document["paths"]
    assert document["components"]["securitySchemes"]["AccessTokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_uses_swagger_served_by_parcours_not_a_cdn(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_an_unknown_api_address_gets_a_json_404(api_as, lea):
    response = api_as(lea).get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_wrong_method_gets_a_json_405(api_as, lea):
    caller = api_as(lea)

    response = caller.post(ME, {})

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["detail"]


def test_the_api_root_points_to_its_description_and_docs(client):
    response = client.get("/api/v1/")

    assert response.json() == {"openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs"}
