from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from siae_portal.reference import DEPARTEMENTS, STRUCTURE_KINDS, departement_label

from .models import Structure
from .validators import normalize_siret

IDENTITY_FIELDS = ["siret", "kind", "departement", "insertion_posts_etp"]


class StructureForm(forms.ModelForm):
    """Edit a structure. SIAE editors change its description; identity fields (SIRET, kind,
    département, conventioned posts) are the administrators' (they move the structure between
    scopes or come from the convention)."""

    siret = forms.CharField(label="SIRET", max_length=20, help_text="14 chiffres ; les espaces sont ignorés.")

    class Meta:
        model = Structure
        fields = [
            "name",
            "siret",
            "kind",
            "departement",
            "commune",
            "address",
            "networks",
            "insertion_posts_etp",
            "activity",
        ]
        widgets = {
            "networks": forms.CheckboxSelectMultiple,
            "activity": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, can_edit_identity=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit_identity:
            for name in IDENTITY_FIELDS:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_siret(self):
        return normalize_siret(self.cleaned_data["siret"])


class StructureFilterForm(forms.Form):
    q = forms.CharField(label="Nom, commune ou SIRET", required=False)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous les types"), *STRUCTURE_KINDS])
    departement = forms.ChoiceField(
        label="Département",
        required=False,
        choices=[("", "Tous les départements")] + [(code, departement_label(code)) for code in DEPARTEMENTS],
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["departement"]:
            queryset = queryset.filter(departement=data["departement"])
        return queryset.search(data["q"])
