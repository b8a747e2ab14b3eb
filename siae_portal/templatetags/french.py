"""Builtins of every template (settings.TEMPLATES) for words as French users write them:
`{{ n|pluriel }}`, `{{ n|pluriel:"a,ont" }}` (plural agreement, siae_portal.words) and
`{{ code|departement }}` ("59 - Nord", siae_portal.reference)."""

from django import template

from siae_portal.reference import departement_label
from siae_portal.words import plural

register = template.Library()


@register.filter(name="pluriel")
def pluriel(count, suffixes="s"):
    return plural(count, suffixes)


@register.filter(name="departement")
def departement(code):
    return departement_label(code) if code else ""
