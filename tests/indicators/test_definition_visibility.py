"""`CustomRateDefinition.objects.visible_to()`: the one place that says which custom rate
definitions a reader sees (the list, the dashboards, the exit list, the API and the command)."""

import pytest

from indicators.models import CustomRateDefinition
from tests.personas import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def definitions(uriae, coorace):
    return {
        "portail": CustomRateDefinition.objects.create(name="portail"),
        "uriae": CustomRateDefinition.objects.create(name="uriae", network=uriae),
        "coorace": CustomRateDefinition.objects.create(name="coorace", network=coorace),
        "archivée": CustomRateDefinition.objects.create(name="archivée", network=uriae, is_active=False),
    }


# Editor and reader work in the URIAE structure, other_editor in the COORACE one.
VISIBLE = {
    "editor": {"portail", "uriae", "archivée"},
    "reader": {"portail", "uriae", "archivée"},
    "other_editor": {"portail", "coorace"},
    "advisor": {"portail", "uriae", "archivée"},
    "other_advisor": {"portail", "coorace"},
    "agent": {"portail"},
    "other_agent": {"portail"},
    "portal_admin": {"portail", "uriae", "coorace", "archivée"},
    "orphan": {"portail"},
}


def _names(queryset):
    names = [d.name for d in queryset]
    assert len(names) == len(set(names))  # each once, whatever the joins
    return set(names)


@pytest.mark.parametrize("role", ROLES)
def test_visible_to_each_persona(request, definitions, structure, other_structure, role):
    user = request.getfixturevalue(role)
    assert _names(CustomRateDefinition.objects.visible_to(user)) == VISIBLE[role]
    assert _names(CustomRateDefinition.objects.visible_to(user).active()) == VISIBLE[role] - {"archivée"}


@pytest.mark.parametrize("role", ["agent", "other_agent", "orphan", "other_advisor"])
def test_a_structure_adds_the_definitions_of_its_networks(request, definitions, structure, role):
    """On a structure's dashboard, whoever sees it also sees what its networks compute."""
    user = request.getfixturevalue(role)
    seen = _names(CustomRateDefinition.objects.visible_to(user, structure=structure).active())
    assert seen == VISIBLE[role] - {"archivée"} | {"uriae"}


def test_without_a_reader_only_the_portal_and_the_network_in_scope(definitions):
    assert _names(CustomRateDefinition.objects.visible_to(None)) == {"portail"}
    assert _names(CustomRateDefinition.objects.visible_to(None, network_code="COORACE")) == {"portail", "coorace"}
    assert _names(CustomRateDefinition.objects.visible_to(None, network_code="URIAE").active()) == {"portail", "uriae"}


def test_visible_to_is_one_query(django_assert_num_queries, definitions, editor, structure):
    editor.scope  # noqa: B018 - memberships read once, before counting
    with django_assert_num_queries(1):
        list(CustomRateDefinition.objects.visible_to(editor, structure=structure).active().order_by("name"))
