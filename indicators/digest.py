"""The weekly digest (`python manage.py send_digest`): for each advisor and agent who did not opt out
(`User.receives_digest`, on the account page), what happened in its memberships' structures: the
dossiers transmitted in the last 7 days, the watchlist signals it was not told yet, the dossiers late.
Nothing is sent when there is nothing to say; one digest per ISO week (the Notification key)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from accounts.models import Membership, Notification, User
from dossiers.models import Dossier, DossierTransition
from siae_portal.collation import French
from siae_portal.commands import Outcome

from .watchlist import WatchRow, member_structures, signals_for_user

DIGEST_DAYS = 7
TEMPLATE = "indicators/emails/digest"
TRANSMISSIONS = ("submit", "resubmit")


@dataclass
class Digest:
    transmissions: list = field(default_factory=list)  # DossierTransition, oldest first
    new_signals: list = field(default_factory=list)  # WatchRow holding only the signals not told yet
    late: list = field(default_factory=list)  # Dossier
    facts: list = field(default_factory=list)  # "<structure id>:<signal code>" of every current signal

    @property
    def is_empty(self) -> bool:
        return not (self.transmissions or self.new_signals or self.late)


def week_key(today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"digest:{year}-W{week:02d}"


def digest_recipients():
    """The active users holding an active advisor or agent membership who receive the digest."""
    return User.objects.filter(
        is_active=True,
        receives_digest=True,
        memberships__is_active=True,
        memberships__role__in=[Membership.Role.ADVISOR, Membership.Role.AGENT],
    ).distinct()


def told_signals(user) -> set:
    """The signals the user's latest sent digest reported (its `facts`)."""
    latest = Notification.objects.sent().filter(user=user, template=TEMPLATE).order_by("-sent_at").first()
    return set(latest.facts) if latest else set()


def digest_for(user, today: date) -> Digest:
    """What the digest of `user` says on `today` (the last full year's signals, as the watchlist)."""
    structures = member_structures(user)
    transmissions = (
        DossierTransition.objects.filter(
            dossier__structure__in=structures,
            name__in=TRANSMISSIONS,
            created_at__date__gte=today - timedelta(days=DIGEST_DAYS),
            created_at__date__lt=today,
        )
        .select_related("dossier__structure", "dossier__campaign")
        .order_by("created_at", "pk")
    )
    rows = signals_for_user(user, today.year - 1, today, memberships_only=True)
    told = told_signals(user)
    new_signals = []
    for row in rows:
        fresh = [signal for signal in row.signals if f"{row.structure.pk}:{signal.code}" not in told]
        if fresh:
            new_signals.append(WatchRow(row.structure, fresh))
    # Only the dossiers the reader may see: an agent never hears of a draft (Dossier.visible_to).
    late = (
        Dossier.objects.visible_to(user)
        .filter(structure__in=structures)
        .late(today)
        .select_related("structure", "campaign")
    )
    return Digest(
        transmissions=list(transmissions),
        new_signals=new_signals,
        late=list(late.order_by("campaign__year", French("structure__name"), "pk")),
        facts=sorted(f"{row.structure.pk}:{signal.code}" for row in rows for signal in row.signals),
    )


def send_digests(today: date) -> Outcome:
    outcome = Outcome()
    key = week_key(today)
    already = Notification.objects.sent().filter(key=key).values("user_id")
    for user in digest_recipients().exclude(pk__in=already).order_by("email"):
        digest = digest_for(user, today)
        if not digest.is_empty:
            context = {"digest": digest, "since": today - timedelta(days=DIGEST_DAYS), "today": today}
            outcome.send(TEMPLATE, context, [user], key, facts=digest.facts)
    return outcome
