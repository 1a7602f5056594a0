import pytest

from parcours.assessments import services


@pytest.fixture
def bank(organisation, sophie):
    return services.create_bank(organisation, by=sophie, title="Français A2")
