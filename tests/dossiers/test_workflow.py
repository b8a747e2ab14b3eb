"""The state machine table, without a database."""

import pytest

from dossiers import workflow as wf

ALL = frozenset({wf.SIAE, wf.ADVISOR, wf.AGENT})

# (transition, from, to, actor): the workflow, line by line.
EXPECTED = [
    ("ask_review", wf.DRAFT, wf.IN_REVIEW, wf.SIAE),
    ("request_changes", wf.IN_REVIEW, wf.CHANGES_REQUESTED, wf.ADVISOR),
    ("approve", wf.IN_REVIEW, wf.APPROVED, wf.ADVISOR),
    ("return_to_review", wf.CHANGES_REQUESTED, wf.IN_REVIEW, wf.SIAE),
    ("resume", wf.APPROVED, wf.DRAFT, wf.SIAE),
    ("submit", wf.DRAFT, wf.SUBMITTED, wf.SIAE),
    ("submit", wf.CHANGES_REQUESTED, wf.SUBMITTED, wf.SIAE),
    ("submit", wf.APPROVED, wf.SUBMITTED, wf.SIAE),
    ("request_complement", wf.SUBMITTED, wf.COMPLEMENT_REQUESTED, wf.AGENT),
    ("resubmit", wf.COMPLEMENT_REQUESTED, wf.SUBMITTED, wf.SIAE),
    ("acknowledge", wf.SUBMITTED, wf.ACKNOWLEDGED, wf.AGENT),
]


@pytest.mark.parametrize(("name", "source", "target", "actor"), EXPECTED)
def test_each_transition_exists_for_its_actor_only(name, source, target, actor):
    transition = wf.TRANSITIONS[name]
    assert transition.target == target
    assert wf.is_allowed(name, source, {actor})
    for other in ALL - {actor}:
        assert not wf.is_allowed(name, source, {other})


def test_no_other_transition_exists():
    pairs = {(t.name, s) for t in wf.TRANSITIONS.values() for s in t.sources}
    assert pairs == {(name, source) for name, source, _, _ in EXPECTED}


@pytest.mark.parametrize("status", [s for s, _ in wf.STATUSES])
def test_nothing_is_allowed_from_a_wrong_state(status):
    for name, transition in wf.TRANSITIONS.items():
        assert wf.is_allowed(name, status, ALL) == (status in transition.sources)


def test_unknown_transition_is_never_allowed():
    assert not wf.is_allowed("delete", wf.DRAFT, ALL)


def test_acknowledged_is_final():
    assert wf.available_transitions(wf.ACKNOWLEDGED, ALL) == []


def test_available_transitions_by_role():
    assert [t.name for t in wf.available_transitions(wf.DRAFT, {wf.SIAE})] == ["ask_review", "submit"]
    assert [t.name for t in wf.available_transitions(wf.IN_REVIEW, {wf.ADVISOR})] == ["request_changes", "approve"]
    assert wf.available_transitions(wf.DRAFT, {wf.ADVISOR, wf.AGENT}) == []
    # From "modifications demandées", one action sends the dossier back to review (as a complement
    # goes back to the DDTEFP), or it is transmitted without the network's approval.
    assert [t.name for t in wf.available_transitions(wf.CHANGES_REQUESTED, {wf.SIAE})] == [
        "return_to_review",
        "submit",
    ]
    assert [t.name for t in wf.available_transitions(wf.APPROVED, {wf.SIAE})] == ["resume", "submit"]
    assert [t.name for t in wf.available_transitions(wf.SUBMITTED, {wf.AGENT})] == [
        "request_complement",
        "acknowledge",
    ]


def test_editable_states_for_the_siae():
    assert wf.EDITABLE_STATUSES == {wf.DRAFT, wf.CHANGES_REQUESTED, wf.COMPLEMENT_REQUESTED}
    assert wf.AGENT_VISIBLE_STATUSES == {wf.SUBMITTED, wf.COMPLEMENT_REQUESTED, wf.ACKNOWLEDGED}


def _errors(name, comment="", has_network=True, missing=()):
    return wf.transition_errors(
        wf.TRANSITIONS[name], comment=comment, has_network=has_network, missing_answers=list(missing)
    )


@pytest.mark.parametrize("name", ["request_changes", "request_complement"])
def test_a_comment_is_required_to_ask_for_more(name):
    assert "commentaire est obligatoire" in _errors(name, comment="   ")[0]
    assert _errors(name, comment="Précisez l'axe 3.") == []


@pytest.mark.parametrize("name", ["ask_review", "return_to_review"])
def test_review_needs_a_network(name):
    assert "aucun réseau" in _errors(name, has_network=False)[0]
    assert _errors(name, has_network=True) == []
    # Transmission does not need one.
    assert _errors("submit", has_network=False) == []


@pytest.mark.parametrize("name", ["submit", "resubmit"])
def test_transmission_lists_the_missing_required_answers(name):
    errors = _errors(name, missing=["axe 1 · Présentation", "axe 3 · Plan de formation"])
    assert len(errors) == 1
    assert "2 réponse(s) obligatoire(s) manquante(s)" in errors[0]
    assert "axe 1 · Présentation" in errors[0] and "axe 3 · Plan de formation" in errors[0]
    assert _errors(name) == []


def test_model_statuses_follow_the_table():
    from dossiers.models import Dossier

    assert [(value, str(label)) for value, label in Dossier.Status.choices] == wf.STATUSES


def test_each_status_is_listed_once_in_workflow_order_with_its_label_and_badge():
    values = [status.value for status in wf.STATUS_TABLE]
    assert values == [
        wf.DRAFT,
        wf.IN_REVIEW,
        wf.CHANGES_REQUESTED,
        wf.APPROVED,
        wf.SUBMITTED,
        wf.COMPLEMENT_REQUESTED,
        wf.ACKNOWLEDGED,
    ]
    assert wf.STATUS_LABELS[wf.SUBMITTED] == "transmis à la DDTEFP"
    # Waiting on the SIAE reads as a warning, done steps as a success, steps in progress as information.
    assert {wf.STATUS_BADGES[s] for s in (wf.CHANGES_REQUESTED, wf.COMPLEMENT_REQUESTED)} == {"text-bg-warning"}
    assert {wf.STATUS_BADGES[s] for s in (wf.APPROVED, wf.ACKNOWLEDGED)} == {"text-bg-success"}
    assert {wf.STATUS_BADGES[s] for s in (wf.IN_REVIEW, wf.SUBMITTED)} == {"text-bg-info"}
    assert wf.STATUS_BADGES[wf.DRAFT] == "text-bg-secondary"
