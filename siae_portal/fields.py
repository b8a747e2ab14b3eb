"""Model fields declared the same way in several models, built once here. Each helper returns the
plain Django field the models declared before, with the same options: the migrations do not change."""

from django.db import models


def optional_foreign_key(to, on_delete, verbose_name: str, *, related_name: str = "+", **options) -> models.ForeignKey:
    """A foreign key that may be left empty, in the database (`null`) and in forms (`blank`); by
    default with no reverse accessor (`related_name="+"`)."""
    return models.ForeignKey(
        to, on_delete=on_delete, null=True, blank=True, related_name=related_name, verbose_name=verbose_name, **options
    )


def insertion_posts_field() -> models.DecimalField:
    """The conventioned insertion posts, in full-time equivalents: a structure's, a convention year's."""
    return models.DecimalField("postes d'insertion conventionnés (ETP)", max_digits=7, decimal_places=2, default=0)
