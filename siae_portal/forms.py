"""What every form of the portal shares: a select's empty choice reads "Choisir…", not Django's
`---------` (which model forms add to every optional or default-less choice and foreign key)."""

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.choices import CallableChoiceIterator

EMPTY_CHOICE_LABEL = "Choisir…"
DJANGO_EMPTY_LABEL = BLANK_CHOICE_DASH[0][1]


def name_empty_choice(field: forms.Field) -> None:
    """Give `field`'s Django empty choice the portal's label; a label the form chose is kept
    ("Tous les départements"), and choices computed at each rendering (a callable) are left alone."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = EMPTY_CHOICE_LABEL
    elif isinstance(field, forms.ChoiceField) and not isinstance(field.choices, CallableChoiceIterator):
        if any(label == DJANGO_EMPTY_LABEL for _, label in field.choices):
            field.choices = [
                (value, EMPTY_CHOICE_LABEL if label == DJANGO_EMPTY_LABEL else label) for value, label in field.choices
            ]


class EmptyChoiceMixin:
    """For a form whose fields come from a model: every select's empty choice says "Choisir…"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            name_empty_choice(field)
