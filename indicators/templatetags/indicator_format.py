from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(rate, digits=1):
    """A rate between 0 and 1 as French users read it ("58,8 %"), or "pas de taux" when None."""
    if rate is None or rate == "":
        return "pas de taux"
    # Round first: Django's number_format truncates floats (1/6 would read 16,6 %).
    return f"{number_format(round(rate * 100, int(digits)), int(digits))}\u00a0%"


@register.filter
def below(rate, target):
    """True when a rate exists and misses its target."""
    return rate is not None and target is not None and rate < target
