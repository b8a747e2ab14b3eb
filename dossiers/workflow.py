"""The dossier's state machine as a table: which transitions exist, from which states, who may
make them and what they require. Pure Python (no Django import), tested on its own; the writes
live in `dossiers.services`."""

from dataclasses import dataclass
from datetime import date

from .calculations import Deadline

DRAFT = "draft"
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
SUBMITTED = "submitted"
COMPLEMENT_REQUESTED = "complement_requested"
ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True)
class Status:
    value: str
    label: str
    badge: str  # the Bootstrap class of its badge, the same on every page


# The one list of statuses, in workflow order: `Dossier.Status` (choices and constraint), the
# badges and the tests are built from it.
STATUS_TABLE = [
    Status(DRAFT, "brouillon", "text-bg-secondary"),
    Status(IN_REVIEW, "en relecture par le réseau", "text-bg-info"),
    Status(CHANGES_REQUESTED, "modifications demandées", "text-bg-warning"),
    Status(APPROVED, "validé par le réseau", "text-bg-success"),
    Status(SUBMITTED, "transmis à la DDTEFP", "text-bg-info"),
    Status(COMPLEMENT_REQUESTED, "complément demandé", "text-bg-warning"),
    Status(ACKNOWLEDGED, "reçu complet", "text-bg-success"),
]
STATUSES = [(status.value, status.label) for status in STATUS_TABLE]
STATUS_LABELS = dict(STATUSES)
STATUS_BADGES = {status.value: status.badge for status in STATUS_TABLE}

# The SIAE writes only in these states; elsewhere the dossier is read-only for it.
EDITABLE_STATUSES = frozenset({DRAFT, CHANGES_REQUESTED, COMPLEMENT_REQUESTED})
# A DDTEFP agent sees a dossier only once it has been transmitted.
AGENT_VISIBLE_STATUSES = frozenset({SUBMITTED, COMPLEMENT_REQUESTED, ACKNOWLEDGED})


def submission_deadline(status: str, due: date, today: date) -> Deadline:
    """The transmission to the DDTEFP: done once the dossier has been transmitted."""
    return Deadline(due, today, done=status in AGENT_VISIBLE_STATUSES)


def review_deadline(status: str, due: date, today: date) -> Deadline:
    """The network's review: it only presses while the dossier waits in review."""
    return Deadline(due, today, done=status != IN_REVIEW)


def is_late(status: str, *, review_due: date, submission_due: date, today: date) -> bool:
    """Behind the campaign's calendar (`DossierQuerySet.late` is the same rule in SQL)."""
    return submission_deadline(status, submission_due, today).late or review_deadline(status, review_due, today).late


def transmitted_without_approval(steps) -> bool:
    """Whether the dossier was transmitted from another status than « validé par le réseau »:
    allowed, but the agent must know. `steps`: its history as (transition name, from status)
    pairs; a dossier is transmitted once by `submit` (a complement goes back by `resubmit`).
    `DossierQuerySet.with_approval_flag` is the same rule in SQL."""
    return any(name == "submit" and source != APPROVED for name, source in steps)


# Roles a user holds towards one dossier.
SIAE = "siae"
ADVISOR = "advisor"
AGENT = "agent"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    actor: str
    label: str
    comment_required: bool = False
    needs_network: bool = False
    needs_complete_answers: bool = False
    freezes_snapshot: bool = False
    button_class: str = "btn-primary"
    # Irreversible moves: the box the user ticks to confirm, saying what cannot be undone.
    confirmation: str = ""


TRANSMISSION_CONFIRMATION = (
    "Je confirme la transmission à la DDTEFP : la version transmise est figée et ne se modifie plus."
)

TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "ask_review",
            frozenset({DRAFT}),
            IN_REVIEW,
            SIAE,
            "Demander une relecture au réseau",
            needs_network=True,
            button_class="btn-outline-primary",
        ),
        Transition(
            "return_to_review",
            frozenset({CHANGES_REQUESTED}),
            IN_REVIEW,
            SIAE,
            "Renvoyer en relecture au réseau",
            needs_network=True,
        ),
        Transition(
            "request_changes",
            frozenset({IN_REVIEW}),
            CHANGES_REQUESTED,
            ADVISOR,
            "Demander des modifications",
            comment_required=True,
            button_class="btn-outline-danger",
        ),
        Transition(
            "approve", frozenset({IN_REVIEW}), APPROVED, ADVISOR, "Valider le dossier", button_class="btn-success"
        ),
        Transition(
            "resume",
            frozenset({APPROVED}),
            DRAFT,
            SIAE,
            "Annuler la validation et reprendre la rédaction",
            button_class="btn-outline-secondary",
            confirmation="Je confirme l'annulation de la validation : il faudra une nouvelle relecture "
            "pour que le réseau valide le dossier.",
        ),
        Transition(
            "submit",
            frozenset({DRAFT, CHANGES_REQUESTED, APPROVED}),
            SUBMITTED,
            SIAE,
            "Transmettre à la DDTEFP",
            needs_complete_answers=True,
            freezes_snapshot=True,
            confirmation=TRANSMISSION_CONFIRMATION,
        ),
        Transition(
            "request_complement",
            frozenset({SUBMITTED}),
            COMPLEMENT_REQUESTED,
            AGENT,
            "Demander un complément",
            comment_required=True,
            button_class="btn-outline-danger",
        ),
        Transition(
            "resubmit",
            frozenset({COMPLEMENT_REQUESTED}),
            SUBMITTED,
            SIAE,
            "Transmettre le complément à la DDTEFP",
            needs_complete_answers=True,
            freezes_snapshot=True,
            confirmation=TRANSMISSION_CONFIRMATION,
        ),
        Transition(
            "acknowledge",
            frozenset({SUBMITTED}),
            ACKNOWLEDGED,
            AGENT,
            "Accuser réception : dossier complet",
            button_class="btn-success",
            confirmation="Je confirme que le dossier est complet : la structure ne pourra plus le compléter.",
        ),
    ]
}


def available_transitions(status: str, roles: frozenset | set) -> list[Transition]:
    """The transitions that a user holding `roles` may offer from `status`, in table order."""
    return [t for t in TRANSITIONS.values() if status in t.sources and t.actor in roles]


def is_allowed(name: str, status: str, roles: frozenset | set) -> bool:
    transition = TRANSITIONS.get(name)
    return transition is not None and status in transition.sources and transition.actor in roles


def transition_errors(
    transition: Transition, *, comment: str, has_network: bool, missing_answers: list[str]
) -> list[str]:
    """Why a permitted transition cannot be made now (French messages); empty when it can."""
    errors = []
    if transition.comment_required and not (comment or "").strip():
        errors.append(
            "Un commentaire est obligatoire pour cette action : dites à la structure ce qu'il faut reprendre."
        )
    if transition.needs_network and not has_network:
        errors.append(
            "Votre structure n'adhère à aucun réseau : la relecture n'est pas possible, "
            "vous pouvez transmettre directement à la DDTEFP."
        )
    if transition.needs_complete_answers and missing_answers:
        listed = " ; ".join(m.rstrip(". ") for m in missing_answers)
        errors.append(
            f"Le dossier ne peut pas être transmis : {len(missing_answers)} réponse(s) obligatoire(s) "
            f"manquante(s) : {listed}."
        )
    return errors
