"""Forms of the dashboards: the year, and the filters and sort of the structures' table."""

from crispy_forms.helper import FormHelper
from django import forms

from dossiers.forms import ScopedDepartementMixin, departement_filter_field
from dossiers.models import Network
from siae_portal.reference import FIRST_YEAR, STRUCTURE_KINDS

from ..dashboards import default_year

SORT_CHOICES = [
    ("name", "Structure"),
    ("kind", "Type"),
    ("departement", "Département"),
    ("exits", "Sorties"),
    ("eligible", "Sorties éligibles"),
    ("official", "Taux officiel"),
    ("uriae", "Taux URIAE"),
    ("durable", "Taux d'emploi durable"),
]


def year_choices():
    return [(year, str(year)) for year in range(default_year() + 1, FIRST_YEAR - 1, -1)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int, required=False, choices=year_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def valid_data(self) -> dict:
        """The fields that are valid (a wrong value in one field does not drop the others)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def selected_year(self, latest=None) -> int:
        """The year asked for; otherwise `latest()` (the latest year with exits), shown as the
        form's initial value; otherwise the last complete year."""
        year = self.valid_data().get("year")
        if not year:
            year = (latest() if latest else None) or default_year()
            self.initial["year"] = year
        return year


class DashboardFilterForm(ScopedDepartementMixin, YearForm):
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous les types"), *STRUCTURE_KINDS])
    departement = departement_filter_field()
    network = forms.ModelChoiceField(
        label="Réseau",
        required=False,
        queryset=Network.objects.order_by("code"),
        empty_label="Tous les réseaux",
        to_field_name="code",
    )
    sort = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=SORT_CHOICES + [(f"-{code}", f"{label} (décroissant)") for code, label in SORT_CHOICES],
    )

    def filter(self, structures):
        data = self.valid_data()
        if data.get("kind"):
            structures = structures.filter(kind=data["kind"])
        if data.get("departement"):
            structures = structures.filter(departement=data["departement"])
        if data.get("network"):
            structures = structures.filter(networks=data["network"])
        return structures

    @property
    def selected_sort(self) -> str:
        return self.valid_data().get("sort") or "name"
