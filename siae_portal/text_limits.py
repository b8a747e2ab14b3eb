"""The longest text, in characters, that each free-text field of the portal holds.

Each limit is enforced three times: by the form (a `maxlength` on the field, and Django's French
message "Assurez-vous que cette valeur comporte au plus N caractères"), by the model
(`full_clean`, hence the admin) and by the database (a CHECK constraint on the length), so that
no path (a service, a script, the shell) stores more. The figures leave room for what the
fields are for, several times over, while keeping a PDF summary or a page to a readable size.
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# One answer of a dossier (about eight printed pages).
ANSWER_MAX_LENGTH = 20_000
# A structure's activity, a toolbox resource's presentation, a rate definition's description.
DESCRIPTION_MAX_LENGTH = 5_000
# A comment on an axis, the comment of a workflow step, the reason a proposal is refused.
COMMENT_MAX_LENGTH = 5_000
# What administrators write in a questionnaire: a question's help and its list of options.
HELP_TEXT_MAX_LENGTH = 2_000
OPTIONS_MAX_LENGTH = 5_000


def bounded_text_field(verbose_name: str, limit: int, **options) -> models.TextField:
    """A TextField of at most `limit` characters in forms and in `full_clean` (pair it with
    `length_constraint` in the model's Meta for the database)."""
    return models.TextField(verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **options)


def length_constraint(field: str, limit: int, name: str) -> models.CheckConstraint:
    """The database's own check that `field` holds at most `limit` characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=name,
        violation_error_message=f"Ce texte dépasse {limit:_} caractères.".replace("_", "\u202f"),
    )


def comment_form_field(label: str, *, rows: int = 3, **options) -> forms.CharField:
    """The box a user writes a comment in (an axis comment, a workflow step's comment, a refusal's
    reason): a textarea of at most COMMENT_MAX_LENGTH characters, the limit of the models that
    store it; left empty, it says so unless `error_messages` says otherwise."""
    options.setdefault("error_messages", {"required": "Le commentaire est vide."})
    return forms.CharField(
        label=label, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": rows}), **options
    )
