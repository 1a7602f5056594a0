"""Léa's open action items sit on her dashboard, next to her path."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from parcours.coaching.services.actions import create_action_item, tick_action_item
from parcours.coaching.tests.factories import engagement


def _dashboard(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("journeys:dashboard", args=["cap-avenir"]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_beneficiary_sees_her_open_actions_on_her_dashboard(client, organisation, lea,
                                                                karim):
    followed = engagement(organisation, lea, karim)
    create_action_item(followed, by=karim, title="Appeler la conseillère France Travail",
                       due_on=timezone.localdate() + timedelta(days=3))
    assert "Appeler la conseillère France Travail" in _dashboard(client, lea)


def test_a_ticked_action_leaves_the_dashboard(client, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    item = create_action_item(followed, by=karim, title="Mettre à jour le CV")
    tick_action_item(item, by=lea)
    assert "Mettre à jour le CV" not in _dashboard(client, lea)
