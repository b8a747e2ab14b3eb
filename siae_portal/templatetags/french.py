"""`{{ n|pluriel }}`, `{{ n|pluriel:"a,ont" }}`: French plural agreement (siae_portal.words),
a builtin of every template (settings.TEMPLATES)."""

from django import template

from siae_portal.words import plural

register = template.Library()


@register.filter(name="pluriel")
def pluriel(count, suffixes="s"):
    return plural(count, suffixes)
