"""docs/domain.md describes what the code does: its lists are the code's, and every function, file or
permission it points at exists (its worked example is recomputed in tests/indicators/test_domain_example.py)."""

import importlib
import re

import pytest
import rules

from dossiers import workflow
from dossiers.emails import RECIPIENTS
from dossiers.models import Dossier
from siae_portal.reference import EXIT_CATEGORIES, EXIT_MOTIVES
from tests.domain_doc import DOC, ROOT, table

# The short module names the document uses (it says so in its introduction).
SHORT_NAMES = {
    "reference": "siae_portal.reference",
    "workflow": "dossiers.workflow",
    "services": "dossiers.services",
    "calculations": "indicators.calculations",
    "selectors": "indicators.selectors",
    "dashboards": "indicators.dashboards",
    "reports": "indicators.reports",
}
APPS = ("accounts", "dossiers", "indicators", "toolbox", "siae_portal")


def codes(cell: str) -> set[str]:
    return {code.strip() for code in cell.split(",")}


def test_the_exit_nomenclature_is_the_reference_one():
    category_labels = dict(EXIT_CATEGORIES)
    expected = [[category_labels[m.category], m.code, m.label] for m in EXIT_MOTIVES]
    assert table("## 5. Nomenclature des sorties") == expected


def test_the_statuses_are_the_model_ones():
    rows = table("### Statuts")
    assert [(code, label) for code, label, *_ in rows] == list(Dossier.Status.choices)
    assert {code for code, _, writes, _ in rows if writes == "oui"} == workflow.EDITABLE_STATUSES
    assert {code for code, *_, sees in rows if sees == "oui"} == workflow.AGENT_VISIBLE_STATUSES


def test_the_transitions_are_the_workflow_table():
    actors = {"structure": workflow.SIAE, "conseiller": workflow.ADVISOR, "agent": workflow.AGENT}
    told = {"rédacteurs": "editors", "conseillers": "advisors", "agents": "agents"}
    rows = table("### Transitions")
    assert [row[0] for row in rows] == list(workflow.TRANSITIONS)
    for name, label, sources, target, actor, requires, tells in rows:
        transition = workflow.TRANSITIONS[name]
        assert (label, codes(sources), target) == (transition.label, transition.sources, transition.target)
        assert actors[actor.split()[0]] == transition.actor
        assert ("commentaire" in requires) == transition.comment_required
        assert ("réseau" in requires) == transition.needs_network
        assert ("obligatoires" in requires) == transition.needs_complete_answers
        assert ("fige une version" in requires) == transition.freezes_snapshot
        assert [audience for word, audience in told.items() if word in tells] == [RECIPIENTS[name]]


def _resolve(dotted: str):
    module_name, _, rest = dotted.partition(".")
    module_name = SHORT_NAMES.get(module_name, module_name)
    parts = rest.split(".")
    # The longest importable module prefix, then attributes.
    for cut in range(len(parts), -1, -1):
        try:
            target = importlib.import_module(".".join([module_name, *parts[:cut]]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name in set(re.findall(r"`([a-z_]+(?:\.[A-Za-z_]+)+)`", DOC))
        if name.split(".")[0] in (*APPS, *SHORT_NAMES)
    ),
)
def test_what_the_document_points_at_exists(name):
    if rules.perm_exists(name):  # a django-rules permission, such as dossiers.change_dossier
        return
    assert _resolve(name) is not None


def test_the_files_the_document_names_exist():
    paths = set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.(?:py|md))`", DOC))
    assert "dossiers/workflow.py" in paths and "tests/indicators/test_domain_example.py" in paths
    assert sorted(path for path in paths if not (ROOT / path).is_file()) == []
