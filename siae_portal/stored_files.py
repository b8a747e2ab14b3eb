"""Uploaded files follow their rows, for toolbox resources and dossier attachments alike.

When a row is deleted (anywhere: a view, the admin, a cascade, a queryset) or its file is replaced or
cleared, the old file is removed from the storage once the transaction commits: never when it rolls
back (the row still points at it), and never while another row still refers to the same name.
`QuerySet.update()` sends no signal and is not covered.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save


def delete_file_on_commit(field, name: str, *, using: str) -> None:
    """Delete the stored file `name` of `field` (a FileField) after the current transaction commits,
    unless a row of its model refers to it then (one query)."""
    if not name:
        return
    model = field.model

    def delete():
        if model._base_manager.using(using).filter(**{field.name: name}).exists():
            return
        field.storage.delete(name)

    # robust: a file that cannot be removed is logged, it does not turn a committed change into an error.
    transaction.on_commit(delete, using=using, robust=True)


def _stored_name(value):
    """The name in the storage of a field's raw value; None when unknown (a file not saved yet)."""
    if value is None or isinstance(value, str):
        return value or ""
    return None


def delete_unreferenced_files(model, *field_names: str) -> None:
    """Connect the signals that remove the files of `field_names` once rows of `model` stop referring
    to them. The names as loaded are remembered on the instance (no query on save)."""
    fields = [model._meta.get_field(name) for name in field_names]

    def remember(sender, instance, **kwargs):
        # A deferred field is absent from __dict__: its loaded name is unknown and it is left alone.
        instance._loaded_file_names = {
            field.attname: _stored_name(instance.__dict__[field.attname])
            for field in fields
            if field.attname in instance.__dict__
        }

    def after_save(sender, instance, created, using, update_fields=None, **kwargs):
        loaded = instance.__dict__.setdefault("_loaded_file_names", {})
        for field in fields:
            if update_fields is not None and field.name not in update_fields:
                continue
            current = getattr(instance, field.attname).name or ""
            previous = loaded.get(field.attname)
            if not created and previous and previous != current:
                delete_file_on_commit(field, previous, using=using)
            loaded[field.attname] = current

    def after_delete(sender, instance, using, **kwargs):
        loaded = instance.__dict__.get("_loaded_file_names", {})
        for field in fields:
            names = {loaded.get(field.attname)}
            if field.attname in instance.__dict__:
                file = getattr(instance, field.attname)
                if file._committed:  # else a file given to the instance but never stored
                    names.add(file.name)
            for name in names - {None, ""}:
                delete_file_on_commit(field, name, using=using)

    uid = f"delete_unreferenced_files:{model._meta.label}"
    post_init.connect(remember, sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(after_save, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(after_delete, sender=model, weak=False, dispatch_uid=uid)
