"""The form of a custom rate definition."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from dossiers.models import Network
from siae_portal.forms import EmptyChoiceMixin
from siae_portal.reference import EXIT_MOTIVES, RETRAIT

from ..models import CustomRateDefinition

DENOMINATOR_MOTIVES = [(m.code, m.label) for m in EXIT_MOTIVES if m.category != RETRAIT]


class CustomRateDefinitionForm(EmptyChoiceMixin, forms.ModelForm):
    excluded_motives = forms.MultipleChoiceField(
        label="motifs retirés du dénominateur",
        required=False,
        choices=DENOMINATOR_MOTIVES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les retraits (décès, congé de longue durée…) sont toujours retirés.",
    )

    class Meta:
        model = CustomRateDefinition
        fields = ["name", "description", "excluded_motives", "durable_requires_full_time", "network", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = user.scope
        if scope.is_admin:
            self.fields["network"].queryset = Network.objects.order_by("code")
            self.fields["network"].empty_label = "aucun : définition du portail, visible de tous"
        else:
            # An advisor defines rates for its own network(s) only.
            self.fields["network"].queryset = Network.objects.filter(pk__in=scope.network_ids).order_by("code")
            self.fields["network"].required = True
            self.fields["network"].empty_label = None
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean_excluded_motives(self):
        return sorted(self.cleaned_data["excluded_motives"])
