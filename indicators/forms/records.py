"""Forms of the exit records: one exit, the list's filters, the import, the positionings."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone

from siae_portal.forms import EmptyChoiceMixin
from siae_portal.reference import ELIGIBILITY_HOURS, EXIT_MOTIVES, KINDS_ELIGIBLE_BY_HOURS, PRESCRIBERS
from siae_portal.uploads import detect_file_type

from ..importer import MAX_FILE_SIZE
from ..models import PATHWAY_FIELDS, ExitRecord

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ExitRecordForm(EmptyChoiceMixin, forms.ModelForm):
    class Meta:
        model = ExitRecord
        fields = [
            "reference",
            "entry_date",
            "exit_date",
            "exit_motive",
            "hours_worked",
            "prescriber",
            *PATHWAY_FIELDS,
        ]
        widgets = {
            "entry_date": DATE_WIDGET,
            "exit_date": DATE_WIDGET,
        }

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        for name in ("hours_worked", "support_hours_internal", "support_hours_external"):
            # French users type a decimal comma: a localized text input, not a browser number input.
            decimal_field = self.fields[name]
            decimal_field.localize = True
            decimal_field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
            decimal_field.widget.is_localized = True
            decimal_field.validators.append(MinValueValidator(0, "Le nombre d'heures ne peut pas être négatif."))
        self.fields["entry_date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.fields["exit_date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        if structure.kind in KINDS_ELIGIBLE_BY_HOURS:
            self.fields["hours_worked"].required = True
            self.fields["hours_worked"].help_text = (
                f"Obligatoire pour une structure de type {structure.kind} : "
                f"une sortie compte à partir de {ELIGIBILITY_HOURS} heures."
            )
        else:
            self.fields["hours_worked"].help_text = "Facultatif pour une structure de type " + structure.kind + "."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                "Parcours",
                Row(Column("reference"), Column("prescriber")),
                Row(Column("entry_date"), Column("exit_date"), Column("hours_worked")),
                Row(Column("exit_motive"), Column("full_time")),
                "signed_statement",
            ),
            Fieldset(
                "Accompagnement et formation",
                Row(Column("support_hours_internal"), Column("support_hours_external")),
                Row(Column("training_entries"), Column("training_support_actions")),
            ),
            Fieldset(
                "Situation observée après la sortie",
                Row(Column("situation_3_months"), Column("situation_6_months"), Column("situation_12_months")),
            ),
        )
        self.helper.add_input(Submit("submit", "Enregistrer"))

    def clean(self):
        data = super().clean()
        entry, exit_ = data.get("entry_date"), data.get("exit_date")
        today = timezone.localdate()
        if entry and entry > today:
            self.add_error("entry_date", "La date d'entrée ne peut pas être dans le futur.")
        if exit_ and exit_ > today:
            self.add_error("exit_date", "La date de sortie ne peut pas être dans le futur.")
        if entry and exit_ and exit_ < entry:
            self.add_error("exit_date", "La date de sortie est antérieure à la date d'entrée.")
        reference = data.get("reference")
        if reference and entry:
            duplicates = ExitRecord.objects.filter(structure=self.structure, reference=reference, entry_date=entry)
            if self.instance.pk:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error("reference", "Une sortie existe déjà pour cette référence et cette date d'entrée.")
        return data

    def save(self, commit=True):
        self.instance.structure = self.structure
        return super().save(commit)


class ExitFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Année de sortie", required=False, coerce=int, empty_value=None)
    motive = forms.ChoiceField(
        label="Motif de sortie",
        required=False,
        choices=[("", "Tous les motifs"), *((m.code, m.label) for m in EXIT_MOTIVES)],
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Toutes les années"), *((y, str(y)) for y in years)]

    def filter(self, records):
        if not self.is_valid():
            return records
        if self.cleaned_data["year"]:
            records = records.filter(exit_date__year=self.cleaned_data["year"])
        if self.cleaned_data["motive"]:
            records = records.filter(exit_motive=self.cleaned_data["motive"])
        return records


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier des sorties",
        help_text="CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252) ou Excel (.xlsx), 20 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx).")
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError("Le fichier dépasse 20 Mo : découpez-le par année.")
        if name.endswith(".xlsx"):
            head = upload.read(16)
            if detect_file_type(head, upload) != "xlsx":
                raise forms.ValidationError("Ce fichier n'est pas un classeur Excel (.xlsx) valide.")
            upload.seek(0)
        return upload


class PositioningForm(forms.Form):
    prescriber = forms.ChoiceField(choices=PRESCRIBERS, widget=forms.HiddenInput)
    positioned = forms.IntegerField(label="personnes positionnées", min_value=0, max_value=100000)
    hired = forms.IntegerField(label="personnes embauchées", min_value=0, max_value=100000)

    def clean(self):
        data = super().clean()
        if data.get("positioned") is not None and data.get("hired") is not None:
            if data["hired"] > data["positioned"]:
                self.add_error("hired", "Le nombre de personnes embauchées dépasse celui des personnes positionnées.")
        return data


class BasePositioningFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        prescribers = [form.cleaned_data.get("prescriber") for form in self.forms if form.cleaned_data]
        if len(prescribers) != len(set(prescribers)):
            raise forms.ValidationError("Chaque prescripteur ne figure qu'une fois.")


PositioningFormSet = forms.formset_factory(
    PositioningForm, formset=BasePositioningFormSet, extra=0, min_num=len(PRESCRIBERS), max_num=len(PRESCRIBERS)
)
