"""Pure computations on dossiers (no Django import): progress per axis, deadlines and snapshot comparison."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from siae_portal.numbers import format_number
from siae_portal.words import plural

AXES = (1, 2, 3, 4)


@dataclass(frozen=True)
class AxisProgress:
    axis: int
    answered: int
    questions: int
    required_answered: int
    required: int

    @property
    def complete(self) -> bool:
        return self.required_answered == self.required

    @property
    def percent(self) -> int:
        """Share of required questions answered, in whole percent (100 when nothing is required)."""
        return 100 if not self.required else round(100 * self.required_answered / self.required)


def progress_by_axis(questions: Iterable[tuple[int, int, bool]], answered_ids: set) -> dict[int, AxisProgress]:
    """`questions`: (question id, axis, required) of the questions that apply to the dossier."""
    counts = {axis: [0, 0, 0, 0] for axis in AXES}
    for question_id, axis, required in questions:
        row = counts[axis]
        row[1] += 1
        is_answered = question_id in answered_ids
        row[0] += is_answered
        if required:
            row[3] += 1
            row[2] += is_answered
    return {axis: AxisProgress(axis, *row) for axis, row in counts.items()}


def overall_progress(by_axis: Mapping[int, AxisProgress]) -> AxisProgress:
    """All axes together (axis 0)."""
    rows = by_axis.values()
    return AxisProgress(
        0,
        sum(r.answered for r in rows),
        sum(r.questions for r in rows),
        sum(r.required_answered for r in rows),
        sum(r.required for r in rows),
    )


# A deadline within this many days is shown as close.
DEADLINE_SOON_DAYS = 7
# Beyond this many days late, the delay is not counted any more.
LATE_DAYS_SHOWN = 31


@dataclass(frozen=True)
class Deadline:
    """One step of a campaign (review by the network, transmission to the DDTEFP) seen on a day."""

    due: date
    today: date
    done: bool  # the step is behind the dossier: no more pressure

    @property
    def days_left(self) -> int:
        """Days until the deadline: 0 on the day itself, negative once it has passed."""
        return (self.due - self.today).days

    @property
    def late(self) -> bool:
        return not self.done and self.days_left < 0

    @property
    def soon(self) -> bool:
        return not self.done and 0 <= self.days_left <= DEADLINE_SOON_DAYS

    @property
    def delay_text(self) -> str:
        """In French, how far the deadline is: "aujourd'hui", "dans 3 jours", "dépassée de 2 jours",
        or just "dépassée" beyond a month (the date itself is shown beside)."""
        days = self.days_left
        if days == 0:
            return "aujourd'hui"
        n = abs(days)
        span = f"{n} jour{'s' if n > 1 else ''}"
        if days > 0:
            return f"dans {span}"
        return f"dépassée de {span}" if n <= LATE_DAYS_SHOWN else "dépassée"


# The deadline reminders (send_reminders) leave this many days before a deadline.
REMINDER_DAYS = (15, 7, 1)


def reminder_stage(due: date, today: date) -> int | None:
    """The reminder due on `today` for a deadline on `due`: the most urgent of REMINDER_DAYS already
    reached (7 from the 7th day before until the 2nd: a missed day is caught up by the next run, and
    only the most urgent reminder leaves), or None more than 15 days before or once the deadline
    has passed (the campaign is closed for that step)."""
    days_left = (due - today).days
    reached = [days for days in REMINDER_DAYS if 0 <= days_left <= days]
    return min(reached) if reached else None


# The « À faire » panel lists the dossiers to transmit whose deadline is this close (or passed).
TODO_DEADLINE_DAYS = 15


def countdown(days_left: int) -> str:
    """A deadline as a countdown: "J-5" five days before, "jour J" on the day, "J+2" two days after."""
    if days_left == 0:
        return "jour J"
    return f"J-{days_left}" if days_left > 0 else f"J+{-days_left}"


def days_late(transmitted_on: date | None, due: date) -> int:
    """Whole days between the deadline and a transmission made after it: 0 when the dossier was
    transmitted on time (the deadline day included) or not yet."""
    if transmitted_on is None:
        return 0
    return max(0, (transmitted_on - due).days)


def late_transmission_text(days: int) -> str:
    """ "transmis en retard (1 jour)", "transmis en retard (1 250 jours)"; "" when on time."""
    if days <= 0:
        return ""
    return f"transmis en retard ({format_number(days)} jour{plural(days)})"


UNCHANGED = "unchanged"
CHANGED = "changed"
ADDED = "added"
REMOVED = "removed"


@dataclass(frozen=True)
class DiffRow:
    key: str
    axis: int
    label: str
    before: str
    after: str
    change: str


def _key(item: Mapping) -> str:
    return item.get("code") or f"q{item['question_id']}"


def _shown(item: Mapping | None) -> str:
    if item is None:
        return ""
    value = item.get("value") or ""
    if item.get("file_name"):
        value = f"{value} [pièce jointe : {item['file_name']}]".strip()
    return value


def diff_snapshots(before: list[Mapping], after: list[Mapping]) -> list[DiffRow]:
    """Question-by-question comparison of two frozen answer lists (dicts with question_id, code,
    axis, label, value, file_name), in the order of `after` then the questions that disappeared."""
    old = {_key(item): item for item in before}
    new = {_key(item): item for item in after}
    rows = []
    for key, item in new.items():
        previous = old.get(key)
        was, now = _shown(previous), _shown(item)
        if previous is None:
            change = ADDED if now else UNCHANGED
        else:
            change = UNCHANGED if was == now else CHANGED
        rows.append(DiffRow(key, item["axis"], item["label"], was, now, change))
    for key, item in old.items():
        if key not in new:
            rows.append(DiffRow(key, item["axis"], item["label"], _shown(item), "", REMOVED))
    rows.sort(key=lambda r: r.axis)
    return rows
