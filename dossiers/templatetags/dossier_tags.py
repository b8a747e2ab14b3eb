from django import template
from django.utils import timezone

from siae_portal.collation import French

from ..forms import question_field_name

register = template.Library()


@register.filter
def field_for(form, question):
    """The bound field of `question` in an AxisForm."""
    return form[question_field_name(question)]


@register.filter
def clear_field_for(form, question):
    """The "remove the attachment" box of a file question, if it has one."""
    name = f"{question_field_name(question)}_clear"
    return form[name] if name in form.fields else None


@register.inclusion_tag("dossiers/includes/home_dossiers.html", takes_context=True)
def home_dossiers(context):
    """The home page panel: the latest campaign's dossiers of the user's scope, by status."""
    from django.db.models import Count, Q

    from ..calculations import Deadline
    from ..models import Campaign, Dossier
    from ..selectors import startable_dossiers
    from ..workflow import is_late

    request = context["request"]
    user = request.user
    campaign = Campaign.objects.opened().first()
    if campaign is None or user.scope.is_empty:
        return {"campaign": campaign, "show": False}
    dossiers = Dossier.objects.visible_to(user).filter(campaign=campaign)
    rows = dossiers.values_list("status").annotate(
        n=Count("pk"),
        late_transmissions=Count("pk", filter=Q(first_submitted_at__date__gt=campaign.submission_deadline)),
    )
    rows = list(rows.values_list("status", "n", "late_transmissions"))
    counts = {status: n for status, n, _ in rows}
    statuses = [(value, label, counts.get(value, 0)) for value, label in Dossier.Status.choices if counts.get(value)]
    # Every dossier here shares the campaign: lateness follows from the status alone.
    today = timezone.localdate()
    dates = {"review_due": campaign.review_deadline, "submission_due": campaign.submission_deadline, "today": today}
    # The same dossiers as the list's « En retard seulement » filter (`DossierQuerySet.flagged_late`).
    late = sum(n for status, n in counts.items() if is_late(status, **dates)) + sum(r[2] for r in rows)
    own = []
    if user.scope.structure_ids:
        own = list(
            Dossier.objects.visible_to(user)
            .filter(campaign=campaign, structure_id__in=user.scope.structure_ids)
            .select_related("structure", "campaign")
            .order_by(French("structure__name"))
        )
    return {
        "show": True,
        "campaign": campaign,
        "statuses": statuses,
        "total": sum(counts.values()),
        "late": late,
        # The campaign's date, for the heading: never "done", never flagged late (`neutral`).
        "submission_deadline": Deadline(campaign.submission_deadline, today, done=False),
        "own": own,
        "startable": startable_dossiers(user) if user.scope.editor_structure_ids else [],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("dossiers/includes/structure_dossiers.html", takes_context=True)
def structure_dossiers(context, structure):
    """The structure page panel: its dossiers across campaigns, and the one to open."""
    from ..models import Campaign, Dossier

    user = context["request"].user
    dossiers = list(
        Dossier.objects.visible_to(user)
        .filter(structure=structure)
        .select_related("campaign")
        .order_by("-campaign__year")
    )
    latest = Campaign.objects.opened().first()
    can_start = (
        latest is not None
        and user.has_perm("dossiers.open_dossier", structure)
        and all(d.campaign_id != latest.pk for d in dossiers)
    )
    return {
        "structure": structure,
        "dossiers": dossiers,
        "latest": latest,
        "can_start": can_start,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("dossiers/includes/home_todo.html", takes_context=True)
def home_todo(context):
    """The « À faire » panel of the home page: what awaits the user in each of its roles."""
    from ..selectors import todo_for

    user = context["request"].user
    scope = user.scope
    if not (scope.is_siae or scope.is_advisor or scope.is_agent):
        return {"show": False}
    parts = todo_for(user)
    return {"show": True, "parts": parts, "empty": not any(part.total for part in parts.values())}
