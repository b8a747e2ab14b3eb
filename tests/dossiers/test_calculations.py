from dossiers.calculations import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    diff_snapshots,
    overall_progress,
    progress_by_axis,
)


def test_progress_counts_required_and_all_answers_per_axis():
    questions = [(1, 1, True), (2, 1, False), (3, 2, True), (4, 2, True), (5, 4, False)]
    progress = progress_by_axis(questions, answered_ids={1, 2, 4})
    assert (progress[1].answered, progress[1].questions, progress[1].required_answered, progress[1].required) == (
        2,
        2,
        1,
        1,
    )
    assert progress[1].complete and progress[1].percent == 100
    assert (progress[2].required_answered, progress[2].required, progress[2].percent) == (1, 2, 50)
    assert not progress[2].complete
    # An axis without required question is complete; an empty axis too.
    assert progress[3].complete and progress[3].percent == 100 and progress[3].questions == 0
    assert progress[4].complete and progress[4].answered == 0
    total = overall_progress(progress)
    assert (total.answered, total.questions, total.required_answered, total.required) == (3, 5, 2, 3)
    assert total.percent == 67


def _item(code, value, axis=1, file_name=""):
    return {
        "question_id": hash(code) % 1000,
        "code": code,
        "axis": axis,
        "label": code,
        "value": value,
        "file_name": file_name,
    }


def test_diff_is_question_by_question():
    before = [_item("a", "x"), _item("b", "y"), _item("gone", "z", axis=4), _item("f", "", file_name="v1.pdf")]
    after = [_item("a", "x"), _item("b", "y2"), _item("new", "w", axis=2), _item("f", "", file_name="v2.pdf")]
    rows = {row.key: row for row in diff_snapshots(before, after)}
    assert rows["a"].change == UNCHANGED
    assert (rows["b"].change, rows["b"].before, rows["b"].after) == (CHANGED, "y", "y2")
    assert rows["new"].change == ADDED and rows["new"].before == ""
    assert rows["gone"].change == REMOVED and rows["gone"].after == ""
    assert rows["f"].change == CHANGED and "v2.pdf" in rows["f"].after
    assert [r.axis for r in diff_snapshots(before, after)] == sorted(r.axis for r in rows.values())


def test_diff_of_a_first_version_against_nothing():
    rows = diff_snapshots([], [_item("a", "x"), _item("b", "")])
    assert [(r.key, r.change) for r in rows] == [("a", ADDED), ("b", UNCHANGED)]
