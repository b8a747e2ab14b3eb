"""{% filter_form %}: the GET row of filters above a list, each field in its column, then the button."""

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError


class Filters(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    year = forms.IntegerField(label="Année", required=False)


def render(source, data=None):
    """The rendered tag, its white space folded (crispy's field markup spans several lines)."""
    return " ".join(Template(source).render(Context({"form": Filters(data=data)})).split())


def test_each_named_field_stands_in_its_column_in_the_order_given_then_the_button():
    html = render('{% filter_form form "Filtrer les sorties" year="col-md-3" q="col-md-6" submit="col-md-3" %}')
    assert html.startswith('<form method="get" class="row g-2 align-items-end mb-3" aria-label="Filtrer les sorties">')
    assert 'role="search"' not in html
    year = html.index('<div class="col-md-3"> <div id="div_id_year"')
    q = html.index('<div class="col-md-6"> <div id="div_id_q"')
    button = html.index(
        '<div class="col-md-3 mb-3"><button type="submit" class="btn btn-outline-primary w-100">Filtrer</button></div>'
    )
    assert year < q < button
    assert html.count('<div class="col-md-') == 3 and html.endswith("</form>")


def test_a_search_form_has_its_role_and_its_button_text():
    html = render('{% filter_form form "Chercher" role="search" q="col-lg-4" submit="col-lg-2" button="Rechercher" %}')
    assert 'role="search" aria-label="Chercher">' in html
    assert '<button type="submit" class="btn btn-outline-primary w-100">Rechercher</button>' in html
    assert "div_id_year" not in html


def test_the_fields_keep_the_submitted_values():
    assert 'value="livret"' in render('{% filter_form form "F" q="col" submit="col" %}', {"q": "livret"})


def test_a_field_the_form_lacks_or_a_missing_submit_column_is_an_error():
    with pytest.raises(KeyError):
        render('{% filter_form form "F" nope="col" submit="col" %}')
    with pytest.raises(TemplateSyntaxError):
        Template('{% filter_form form "F" q="col" %}')
