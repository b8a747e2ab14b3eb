"""Structures à suivre (early warning): the signals, their thresholds, and the read that finds them.

Every threshold is a constant of this module (the README lists them). `signals_for()` is pure: it
turns one structure's plain figures into its signals, each with a French reason. `watchlist()`
fetches those figures for every structure a user follows in a constant number of queries
(exits through `selectors.motive_counts()`, rates through `calculations.compute_rate()`)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from conventions.selectors import objective_results
from dossiers import workflow
from dossiers.models import Dossier, Structure, structure_ids_in_networks
from siae_portal.collation import French
from siae_portal.numbers import format_number
from siae_portal.reference import TARGET_DURABLE_RATE, TARGET_DYNAMIC_RATE

from .calculations import DURABLE_RATE, OFFICIAL, Rate, compute_rate
from .selectors import motive_counts

# The thresholds, in one place.
LOW_OFFICIAL_RATE = TARGET_DYNAMIC_RATE  # 60 %: below it this year and the year before
FALLING_YEARS = 3  # the official rate fell three years in a row (four yearly rates, each lower)
LOW_DURABLE_RATE = TARGET_DURABLE_RATE  # 25 %
UNANSWERED_DAYS = 30  # changes or a complement requested and not answered for this many days
SMALL_POSTS_ETP = Decimal("5")  # "small": fewer than 5 insertion posts (ETP)
# The home page panel reads a summary of the watchlist computed at most this long ago (the full page
# is always computed on the spot): for a network of 500 structures the watchlist costs about half a
# second, and the signals are about whole years of exits, not the last minutes.
PANEL_CACHE_SECONDS = 600
# Statuses in which the structure owes an answer.
AWAITING_ANSWER = frozenset({workflow.CHANGES_REQUESTED, workflow.COMPLEMENT_REQUESTED})


@dataclass(frozen=True)
class Signal:
    code: str
    reason: str


@dataclass
class StructureFigures:
    """What the signals read about one structure: its official and durable rates per year (years
    without exits are absent), its posts, whether it has a late or unanswered dossier, and how
    many structures of its kind share its département within its networks (None: in no network)."""

    official: dict = field(default_factory=dict)  # {year: Rate}
    durable: dict = field(default_factory=dict)  # {year: Rate}
    insertion_posts_etp: Decimal = Decimal("0")
    late_dossier: bool = False
    unanswered_dossier: bool = False
    peers_in_networks: int | None = None  # other structures of its kind, département and networks
    missed_objectives: list = field(default_factory=list)  # [(label, target, actual, is_rate)]


def _percent(rate: Rate) -> str:
    return f"{rate.rate * 100:.1f} %".replace(".", ",") + f" ({rate.numerator}/{rate.denominator})"


def _below(rate: Rate | None, threshold: float) -> bool:
    return rate is not None and rate.denominator > 0 and rate.rate < threshold


def signals_for(figures: StructureFigures, year: int) -> list[Signal]:
    """The signals of one structure for `year` (pure: no query)."""
    signals = []
    posts = format_number(figures.insertion_posts_etp)  # "17", "2,5" (stored as 17.00, 2.50)
    this, before = figures.official.get(year), figures.official.get(year - 1)
    if _below(this, LOW_OFFICIAL_RATE) and _below(before, LOW_OFFICIAL_RATE):
        signals.append(
            Signal(
                "low_official",
                f"Taux de sortie dynamique officiel sous {LOW_OFFICIAL_RATE * 100:.0f} % en {year - 1} et en {year} : "
                f"{_percent(before)} puis {_percent(this)}.",
            )
        )
    years = [year - n for n in range(FALLING_YEARS, -1, -1)]
    rates = [figures.official.get(y) for y in years]
    if all(r is not None and r.denominator for r in rates) and all(
        later.rate < earlier.rate for earlier, later in zip(rates, rates[1:], strict=False)
    ):
        trail = ", ".join(f"{y} : {_percent(r)}" for y, r in zip(years, rates, strict=True))
        signals.append(
            Signal("falling_official", f"Taux officiel en baisse {FALLING_YEARS} années de suite ({trail}).")
        )
    durable = figures.durable.get(year)
    if _below(durable, LOW_DURABLE_RATE):
        signals.append(
            Signal(
                "low_durable",
                f"Taux d'emploi durable sous {LOW_DURABLE_RATE * 100:.0f} % en {year} : {_percent(durable)}.",
            )
        )
    for label, target, actual, is_rate in figures.missed_objectives:
        shown = (lambda v: f"{v * 100:.1f} %".replace(".", ",")) if is_rate else (lambda v: f"{v:g}")
        signals.append(
            Signal(
                "missed_objective",
                f"Objectif de la convention manqué au-delà d'une sortie de marge ({label}) : "
                f"{shown(actual)} pour un objectif de {shown(target)}.",
            )
        )
    if figures.late_dossier:
        signals.append(Signal("late_dossier", "Dossier en retard sur le calendrier de la campagne."))
    if figures.unanswered_dossier:
        signals.append(
            Signal(
                "unanswered_dossier",
                f"Modifications ou complément demandés, sans réponse depuis {UNANSWERED_DAYS} jours.",
            )
        )
    if figures.insertion_posts_etp > 0 and year not in figures.official:
        signals.append(
            Signal(
                "no_exit",
                f"Aucune sortie enregistrée en {year} pour {posts} postes d'insertion (données manquantes ?).",
            )
        )
    if figures.insertion_posts_etp < SMALL_POSTS_ETP and not figures.peers_in_networks:
        where = (
            "et rattachée à aucun réseau"
            if figures.peers_in_networks is None
            else "et seule de son type dans son département au sein de ses réseaux"
        )
        signals.append(
            Signal(
                "small_isolated",
                f"Petite structure ({posts} postes, moins de {SMALL_POSTS_ETP}) {where}.",
            )
        )
    return signals


@dataclass
class WatchRow:
    structure: Structure
    signals: list


def watchlist(structures, year: int, today: date | None = None) -> list[WatchRow]:
    """The structures of `structures` (a queryset, already scoped to the user) matching at least
    one signal for `year`, by name. At most seven queries whatever the number of structures."""
    today = today or date.today()
    listed = list(structures.order_by(French("name")).only("pk", "name", "kind", "departement", "insertion_posts_etp"))
    if not listed:
        return []
    ids = [s.pk for s in listed]
    counts = motive_counts(ids, year - FALLING_YEARS, year, "structure", "year")
    figures = {s.pk: StructureFigures(insertion_posts_etp=s.insertion_posts_etp) for s in listed}
    for (structure_id, exit_year), by_motive in counts.items():
        figures[structure_id].official[exit_year] = compute_rate(by_motive, OFFICIAL)
        figures[structure_id].durable[exit_year] = compute_rate(by_motive, DURABLE_RATE)
    dossiers = Dossier.objects.filter(structure_id__in=ids)
    for structure_id in dossiers.late(today).values_list("structure_id", flat=True).distinct():
        figures[structure_id].late_dossier = True
    cutoff = today - timedelta(days=UNANSWERED_DAYS)
    unanswered = dossiers.filter(status__in=AWAITING_ANSWER, updated_at__date__lt=cutoff)
    for structure_id in unanswered.values_list("structure_id", flat=True).distinct():
        figures[structure_id].unanswered_dossier = True
    _count_peers(listed, figures)
    for structure_id, results in objective_results(ids, year, today=today).items():
        figures[structure_id].missed_objectives = [
            (r.definition, r.target, r.actual, r.is_rate) for r in results if r.status == "missed"
        ]
    rows = [WatchRow(s, signals_for(figures[s.pk], year)) for s in listed]
    return [row for row in rows if row.signals]


def _count_peers(listed, figures):
    """Other structures of the same kind and département sharing a network: one query over the
    memberships of the listed structures' départements."""
    through = Structure.networks.through
    departements = {s.departement for s in listed}
    members = defaultdict(set)  # (network, departement, kind) -> structure ids
    networks_of = defaultdict(set)
    for structure_id, network_id, departement, kind in through.objects.filter(
        structure__departement__in=departements
    ).values_list("structure_id", "network_id", "structure__departement", "structure__kind"):
        members[network_id, departement, kind].add(structure_id)
        networks_of[structure_id].add(network_id)
    for s in listed:
        if not networks_of[s.pk]:
            continue  # in no network: stays None
        peers = set()
        for network_id in networks_of[s.pk]:
            peers |= members[network_id, s.departement, s.kind]
        figures[s.pk].peers_in_networks = len(peers - {s.pk})


def watched_structures(user):
    """The structures whose signals `user` may read: its network's (advisor), its département's
    (agent), all (administrator); none for SIAE staff."""
    if user.scope.is_admin:
        return Structure.objects.all()
    return member_structures(user)


def member_structures(user):
    """The structures of `user`'s advisor and agent memberships only (an administrator's digest holds
    what its memberships give it, not the whole country)."""
    scope = user.scope
    if not (scope.is_advisor or scope.is_agent):
        return Structure.objects.none()
    condition = Q(departement__in=scope.departements)
    if scope.network_ids:
        condition |= Q(pk__in=structure_ids_in_networks(scope.network_ids))
    return Structure.objects.filter(condition)


def signals_for_user(user, year: int, today: date | None = None, *, memberships_only=False) -> list[WatchRow]:
    """The weekly digest's signals: the watchlist of `user`'s scope for `year` (rows with `.structure`
    and `.signals`, each signal a `code` and a French `reason`); with `memberships_only`, of the
    structures of its memberships (`member_structures`)."""
    structures = member_structures(user) if memberships_only else watched_structures(user)
    return watchlist(structures, year, today)


@dataclass(frozen=True)
class PanelLine:
    structure_pk: int
    name: str
    signal_count: int


@dataclass(frozen=True)
class PanelSummary:
    """What the home page panel shows: the first `size` structures with signals, how many there
    are in all, and when they were computed."""

    lines: tuple
    total: int
    computed_at: object  # an aware datetime


def _scope_key(scope) -> str:
    """The same key for every user who watches the same structures (one network's advisors, one
    département's agents, the administrators)."""
    if scope.is_admin:
        return "all"
    networks = ",".join(str(pk) for pk in sorted(scope.network_ids))
    return f"n{networks}:d{','.join(sorted(scope.departements))}"


def panel_summary(user, year: int, size: int, today: date | None = None) -> PanelSummary:
    """The watchlist summary of `user`'s scope for the home page panel, read from the cache when it
    was computed less than PANEL_CACHE_SECONDS ago for the same scope, year and day."""
    today = today or date.today()
    key = f"watchlist-panel:{_scope_key(user.scope)}:{year}:{today.isoformat()}:{size}"
    summary = cache.get(key)
    if summary is None:
        rows = watchlist(watched_structures(user), year, today)
        summary = PanelSummary(
            lines=tuple(PanelLine(row.structure.pk, row.structure.name, len(row.signals)) for row in rows[:size]),
            total=len(rows),
            computed_at=timezone.now(),
        )
        cache.set(key, summary, PANEL_CACHE_SECONDS)
    return summary
