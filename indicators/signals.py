"""The rollup's receivers (connected in apps.py): a deleted exit and a structure whose kind
changes refresh the rollup in the write's transaction (see rollup.py)."""

from django.db import transaction
from django.db.models import QuerySet

from . import rollup


def exit_deleted(sender, instance, origin=None, **kwargs):
    from dossiers.models import Structure

    # A structure's deletion takes its rollup rows with it (CASCADE): nothing to recompute.
    if isinstance(origin, Structure) or (isinstance(origin, QuerySet) and origin.model is Structure):
        return
    rollup.touch({(instance.structure_id, instance.exit_date.year)})


def structure_before_save(sender, instance, raw=False, **kwargs):
    """Remember the kind in the database: eligibility depends on it."""
    if raw or instance.pk is None:
        instance._rollup_old_kind = None
        return
    instance._rollup_old_kind = sender.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()


def structure_saved(sender, instance, created=False, raw=False, **kwargs):
    old = getattr(instance, "_rollup_old_kind", None)
    if raw or created or old is None or old == instance.kind:
        return
    # The save's UPDATE already ran: its transaction (the admin's, or the one opened here under
    # autocommit, see Structure.save) also holds the recomputed rollup.
    with transaction.atomic():
        rollup.refresh([instance.pk])
