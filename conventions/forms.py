"""Forms of the dialogue de gestion: the years of a proposal, the objectives of each year, a
comment, the agreement and the closing (each confirmed by a box to tick)."""

from decimal import Decimal

from django import forms

from dossiers.forms import FrenchNumberField
from siae_portal.text_limits import comment_form_field

from .calculations import convention_years_valid
from .models import CUSTOMIZABLE, REQUIRED_INDICATORS, Convention, Indicator
from .selectors import PROPOSED_INDICATORS
from .services import ObjectiveInput

# simple_history keeps a reason of at most 100 characters.
REASON_MAX_LENGTH = 100
FOUR_PLACES = Decimal("0.0001")
ROW_LABELS = {
    "etp": "Postes d'insertion conventionnés (ETP)",
    Indicator.EXITS: "Sorties prévues",
    Indicator.OFFICIAL: "Taux de sortie dynamique (%)",
    Indicator.DURABLE: "Taux d'emploi durable (%)",
    Indicator.TRANSITION: "Taux de sortie vers l'emploi de transition (%)",
    Indicator.POSITIVE: "Taux de sortie positive (%)",
}


class YearsForm(forms.Form):
    """The years a proposal covers (read from the query string, then sent again with the objectives)."""

    first_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None:
            message = convention_years_valid(first, last)
            if message:
                raise forms.ValidationError(message)
        return data

    @property
    def years(self) -> list[int]:
        return list(range(self.cleaned_data["first_year"], self.cleaned_data["last_year"] + 1))


class ObjectivesForm(forms.Form):
    """Per year: the ETP and the objectives (rates typed in percent, French style); per rate
    indicator, the definition it is measured with. `reason` when the convention is agreed."""

    def __init__(self, *args, years, definitions=None, initial_values=None, with_reference=False,
                 with_reason=False, **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.years = list(years)
        initial_values = initial_values or {}
        for year in self.years:
            self.fields[f"etp_{year}"] = FrenchNumberField(
                label=f"{ROW_LABELS['etp']} en {year}", initial=initial_values.get((year, "etp"))
            )
            for indicator in PROPOSED_INDICATORS:
                self.fields[f"{indicator}_{year}"] = FrenchNumberField(
                    label=f"{ROW_LABELS[indicator]} en {year}",
                    required=indicator in REQUIRED_INDICATORS,
                    initial=initial_values.get((year, str(indicator))),
                )
        self.has_definitions = definitions is not None and definitions.exists()
        if self.has_definitions:
            for indicator in CUSTOMIZABLE:
                self.fields[f"definition_{indicator}"] = forms.ModelChoiceField(
                    label=f"Définition : {Indicator(indicator).label}",
                    queryset=definitions,
                    required=False,
                    empty_label="Définition officielle",
                    initial=initial_values.get(("definition", str(indicator))),
                )
        if with_reference:
            self.fields["reference"] = forms.CharField(
                label="Numéro de convention (facultatif)",
                max_length=Convention._meta.get_field("reference").max_length,
                required=False,
                help_text="Numéro d'agrément ou de convention de l'État, s'il est connu.",
            )
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label="Motif de la modification",
                max_length=REASON_MAX_LENGTH,
                help_text="Obligatoire : la convention est conclue. Il est gardé dans l'historique.",
                error_messages={"required": "Indiquez le motif de la modification : la convention est conclue."},
            )

    def rows(self):
        """(label, optional, [bound field per year]) for the table of the template."""
        return [
            (ROW_LABELS[key], key not in ("etp", *REQUIRED_INDICATORS), [self[f"{key}_{year}"] for year in self.years])
            for key in ("etp", *PROPOSED_INDICATORS)
        ]

    def definition_fields(self):
        return [self[f"definition_{indicator}"] for indicator in CUSTOMIZABLE] if self.has_definitions else []

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if value is None or not isinstance(value, Decimal):
                continue
            key = name.rsplit("_", 1)[0]
            if value < 0:
                self.add_error(name, "La valeur ne peut pas être négative.")
            elif key == Indicator.EXITS and value != value.to_integral_value():
                self.add_error(name, "Le nombre de sorties prévues est un nombre entier.")
            elif key == Indicator.EXITS and value > 9999:
                self.add_error(name, "Ce nombre de sorties est trop grand.")
            elif key == "etp" and value > 99999:
                self.add_error(name, "Ce nombre d'ETP est trop grand.")
            elif key in PROPOSED_INDICATORS and key != Indicator.EXITS and value > 100:
                self.add_error(name, "Un taux est compris entre 0 et 100 %.")
        return data

    def objective_inputs(self) -> list[ObjectiveInput]:
        """One input per year and indicator; target None for an optional objective left empty."""
        data = self.cleaned_data
        items = []
        for year in self.years:
            for indicator in PROPOSED_INDICATORS:
                value = data.get(f"{indicator}_{year}")
                definition = data.get(f"definition_{indicator}") if indicator in CUSTOMIZABLE else None
                if value is not None and indicator != Indicator.EXITS:
                    value = (value / 100).quantize(FOUR_PLACES)
                items.append(ObjectiveInput(year, str(indicator), value, definition))
        return items

    def etp(self) -> dict:
        return {year: self.cleaned_data[f"etp_{year}"] for year in self.years}


def objectives_initial(convention) -> dict:
    """The ObjectivesForm's initial values from a convention's years and objectives."""
    values = {}
    for row in convention.convention_years.prefetch_related("objectives"):
        values[(row.year, "etp")] = row.insertion_posts_etp
        for objective in row.objectives.all():
            target = objective.target if objective.indicator == Indicator.EXITS else objective.target * 100
            values[(row.year, objective.indicator)] = target
            if objective.definition_id:
                values.setdefault(("definition", objective.indicator), objective.definition_id)
    return values


class CommentForm(forms.Form):
    text = comment_form_field("Votre commentaire", rows=4)


class AgreeForm(forms.Form):
    reference = forms.CharField(
        label="Numéro de convention",
        max_length=Convention._meta.get_field("reference").max_length,
        required=False,
        help_text="Numéro d'agrément ou de convention de l'État (facultatif).",
    )
    confirm = forms.BooleanField(
        label="Je confirme que ces objectifs sont ceux convenus avec la structure.",
        help_text="Définitif : une fois conclue, un objectif ne change plus qu'avec un motif, par la DDTEFP.",
        error_messages={"required": "Cochez la case pour confirmer : la conclusion est définitive."},
    )


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je confirme la clôture de la convention.",
        help_text="Définitif : une convention close ne se modifie plus ; ses années peuvent être couvertes "
        "par une nouvelle convention.",
        error_messages={"required": "Cochez la case pour confirmer la clôture."},
    )
