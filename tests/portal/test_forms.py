"""A select's empty choice says "Choisir…" (siae_portal.forms), never Django's `---------`; every
page of the portal is checked too, by tests/portal/test_url_table.py."""

import pytest
from django import forms
from django.utils.choices import CallableChoiceIterator

from indicators.forms.records import ExitRecordForm
from siae_portal.forms import EMPTY_CHOICE_LABEL, EmptyChoiceMixin


class Sample(EmptyChoiceMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("", "---------"), ("EI", "EI")])
    filter = forms.ChoiceField(choices=[("", "Tous les types"), ("EI", "EI")])
    year = forms.ChoiceField(choices=lambda: [("", "---------"), ("2009", "2009")])


def test_the_django_empty_choice_is_renamed_and_a_chosen_label_kept():
    form = Sample()
    assert list(form.fields["kind"].choices) == [("", "Choisir…"), ("EI", "EI")]
    assert list(form.fields["filter"].choices)[0] == ("", "Tous les types")
    assert '<option value="" selected>Choisir…</option>' in str(form["kind"])


def test_choices_computed_at_each_rendering_stay_a_callable():
    assert isinstance(Sample().fields["year"].choices, CallableChoiceIterator)


@pytest.mark.django_db
def test_a_model_form_names_its_empty_choice(structure):
    form = ExitRecordForm(structure=structure)
    motive = str(form["exit_motive"])
    assert f">{EMPTY_CHOICE_LABEL}</option>" in motive and "---------" not in motive
