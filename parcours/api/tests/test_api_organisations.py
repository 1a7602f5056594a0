def test_sophie_lists_her_organisation_with_her_roles(api_as, sophie):
    response = api_as(sophie).get("/api/v1/organisations")

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "cap-avenir",
            "name": "Cap Avenir Formation",
            "default_locale": "fr",
            "time_zone": "Europe/Paris",
            "roles": ["manager"],
        }
    ]


def test_oscar_sees_only_his_own_organisation_in_the_list(api_as, oscar, sophie):
    response = api_as(oscar).get("/api/v1/organisations")

    assert [o["slug"] for o in response.json()] == ["horizon"]


def test_lea_reads_her_organisation(api_as, lea):
    response = api_as(lea).get("/api/v1/organisations/cap-avenir")

    assert response.status_code == 200
    assert response.json()["roles"] == ["learner"]


def test_oscar_gets_403_on_an_organisation_he_does_not_belong_to(api_as, oscar, organisation):
    response = api_as(oscar).get("/api/v1/organisations/cap-avenir")

    assert response.status_code == 403
    assert response.json()["detail"]


def test_an_unknown_organisation_gets_the_same_403_so_existence_does_not_leak(
    api_as, oscar, organisation
):
    caller = api_as(oscar)

    unknown = caller.get("/api/v1/organisations/no-such-place")
    outside = caller.get("/api/v1/organisations/cap-avenir")

    assert unknown.status_code == outside.status_code == 403
    assert unknown.json() == outside.json()


def test_organisations_need_a_token(client, organisation):
    assert client.get("/api/v1/organisations").status_code == 401
    assert client.get("/api/v1/organisations/cap-avenir").status_code == 401


def test_an_unexpected_failure_still_answers_json_not_an_html_page(api_as, sophie, monkeypatch):
    def broken(user):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("parcours.api.api.organisations_with_roles", broken)

    response = api_as(sophie).get("/api/v1/organisations")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "fire" not in response.json()["detail"]
