"""`{% filter_form form "aria label" q="col-md-4" kind="col-md-3" submit="col-md-2" %}`: the row of
filters above a list, the way every list of the portal shows one (a GET form, each named field in
its grid column in the order given, then the submit button in its own column). `button` changes
the button's text (« Filtrer ») and `role="search"` marks a form that searches. A builtin of every
template (settings.TEMPLATES)."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/filter_form.html")
def filter_form(form, label, *, submit, button="Filtrer", role="", **columns):
    return {
        "label": label,
        "role": role,
        "fields": [(form[name], column) for name, column in columns.items()],
        "submit": submit,
        "button": button,
    }
