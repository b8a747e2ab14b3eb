from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from siae_portal.forms import EmptyChoiceMixin
from siae_portal.numbers import NumberError, format_number, parse_number
from siae_portal.reference import STRUCTURE_KINDS, departement_label
from siae_portal.text_limits import ANSWER_MAX_LENGTH, comment_form_field
from siae_portal.uploads import ACCEPTED_LABEL, MAX_UPLOAD_SIZE, megabytes, validate_upload
from siae_portal.validators import normalize_siret

from .models import Dossier, Question, Structure
from .selectors import departements_in_scope

# Fields that decide who sees the structure (département, networks) or come from the convention.
IDENTITY_FIELDS = ["siret", "kind", "departement", "networks", "insertion_posts_etp"]


class StructureForm(EmptyChoiceMixin, forms.ModelForm):
    """Edit a structure. SIAE editors change its description; identity fields (SIRET, kind,
    département, networks, conventioned posts) are the administrators' (they move the structure
    between scopes or come from the convention)."""

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


KIND_FILTER_CHOICES = [("", "Tous les types"), *STRUCTURE_KINDS]


def departement_filter_field():
    """A filter's département field; its choices are the user's (see `ScopedDepartementMixin`)."""
    return forms.ChoiceField(label="Département", required=False)


class ScopedDepartementMixin:
    """A filter form built for `user`: its `departement` field lists only the départements of the
    user's scope (an agent's own, its network's for an advisor, all for an administrator); any
    other code is refused as an unknown choice."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [
            ("", "Tous les départements"),
            *((code, departement_label(code)) for code in departements_in_scope(user)),
        ]


class StructureFilterForm(ScopedDepartementMixin, forms.Form):
    q = forms.CharField(label="Nom, commune ou SIRET", required=False)
    kind = forms.ChoiceField(label="Type", required=False, choices=KIND_FILTER_CHOICES)
    departement = departement_filter_field()

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["departement"]:
            queryset = queryset.filter(departement=data["departement"])
        return queryset.search(data["q"])


# --- Dossiers -----------------------------------------------------------------------------------

REQUIRED_HINT = "Réponse obligatoire pour transmettre le dossier."


class FrenchNumberField(forms.CharField):
    """A number as French users type it (`1 250 000`, `12,5`): cleaned to a Decimal (see
    siae_portal.numbers), shown with French grouping and a decimal comma."""

    def prepare_value(self, value):
        try:
            return format_number(parse_number(value)) if isinstance(value, str) else format_number(value)
        except NumberError:
            return value  # what the user typed, shown back beside its error

    def to_python(self, value):
        try:
            return parse_number(super().to_python(value))
        except NumberError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


def question_field_name(question) -> str:
    return f"q_{question.pk}"


class AxisForm(forms.Form):
    """The questions of one axis for one structure, all optional while drafting (required ones
    are enforced at transmission). A file question also gets a "remove" box when answered."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, questions, answers, version, attachment_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["version"].initial = version
        for question in questions:
            answer = answers.get(question.pk)
            name = question_field_name(question)
            self.fields[name] = self._field_for(question)
            help_parts = [question.help_text] if question.help_text else []
            if question.required:
                help_parts.append(REQUIRED_HINT)
            if question.answer_type == Question.AnswerType.FILE:
                help_parts.append(f"Formats acceptés : {ACCEPTED_LABEL}, {megabytes(MAX_UPLOAD_SIZE)} au plus.")
                if answer is not None and answer.attachment:
                    link = attachment_url(answer) if attachment_url else ""
                    self.fields[f"{name}_clear"] = forms.BooleanField(
                        label=f"Retirer la pièce jointe « {answer.attachment_name} »", required=False
                    )
                    help_parts.append(
                        format_html('Pièce actuelle : <a href="{}">{}</a>.', link, answer.attachment_name)
                    )
            elif answer is not None:
                self.fields[name].initial = answer.value
            self.fields[name].help_text = mark_safe(" ".join(conditional_escape(p) for p in help_parts))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    @staticmethod
    def _field_for(question):
        label = question.label + (" *" if question.required else "")
        kind = question.answer_type
        types = Question.AnswerType
        if kind == types.LONG_TEXT:
            return forms.CharField(
                label=label, required=False, max_length=ANSWER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
            )
        if kind == types.SHORT_TEXT:
            return forms.CharField(label=label, required=False, max_length=250)
        if kind == types.YES_NO:
            return forms.ChoiceField(
                label=label, required=False, choices=[("oui", "Oui"), ("non", "Non")], widget=forms.RadioSelect
            )
        if kind == types.NUMBER:
            return FrenchNumberField(
                label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        if kind == types.DATE:
            return forms.DateField(
                label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )
        if kind == types.CHOICE:
            options = question.option_list
            return forms.ChoiceField(
                label=label, required=False, choices=[("", "— non renseigné —"), *[(o, o) for o in options]]
            )
        return forms.FileField(label=label, required=False)

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            if question.answer_type != Question.AnswerType.FILE:
                continue
            name = question_field_name(question)
            uploaded = cleaned.get(name)
            if uploaded:
                try:
                    validate_upload(uploaded)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def answer_values(self):
        """({question: text} for non-file questions, {question: file}, {questions to clear})."""
        values, files, clears = {}, {}, set()
        for question in self.questions:
            name = question_field_name(question)
            value = self.cleaned_data.get(name)
            if question.answer_type == Question.AnswerType.FILE:
                if value:
                    files[question] = value
                elif self.cleaned_data.get(f"{name}_clear"):
                    clears.add(question)
                continue
            if value is None:
                text = ""
            elif question.answer_type == Question.AnswerType.NUMBER:
                text = format(value.normalize(), "f")
            elif question.answer_type == Question.AnswerType.DATE:
                text = value.isoformat()
            else:
                text = str(value).strip()
            values[question] = text
        return values, files, clears


def confirmation_field(label: str, error: str) -> forms.BooleanField:
    """The box an irreversible action asks to tick: without JavaScript, nothing happens unticked."""
    return forms.BooleanField(label=label, error_messages={"required": error})


class TransitionForm(forms.Form):
    """A workflow step's form: its comment, and the confirmation box of an irreversible step
    (`Transition.confirmation`). Each step's form on the page has its own ids."""

    comment = comment_form_field(
        "Commentaire", required=False, help_text="Obligatoire pour demander des modifications ou un complément."
    )

    def __init__(self, *args, transition=None, **kwargs):
        if transition is not None:
            kwargs.setdefault("auto_id", f"id_{transition.name}_%s")
        super().__init__(*args, **kwargs)
        if transition is not None and transition.confirmation:
            self.fields["confirm"] = confirmation_field(
                transition.confirmation, "Cochez la case pour confirmer cette action définitive : rien n'a été fait."
            )


class ReuseForm(forms.Form):
    confirm = confirmation_field(
        "Je confirme : les questions encore vides seront remplies avec les réponses de l'an dernier, "
        "à relire ensuite.",
        "Cochez la case pour confirmer la reprise des réponses de l'an dernier : rien n'a été repris.",
    )


class AxisCommentForm(forms.Form):
    text = comment_form_field("Votre commentaire sur cet axe")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Le commentaire est vide.")
        return text


class DossierFilterForm(ScopedDepartementMixin, forms.Form):
    ALL = "toutes"

    q = forms.CharField(label="Structure ou SIRET", required=False, max_length=100)
    campaign = forms.ChoiceField(label="Campagne", required=False)
    kind = forms.ChoiceField(label="Type", required=False, choices=KIND_FILTER_CHOICES)
    departement = departement_filter_field()
    status = forms.ChoiceField(label="Statut", required=False)
    late = forms.BooleanField(label="En retard seulement", required=False)

    def __init__(self, *args, campaigns, default_campaign, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("campaign") and default_campaign is not None:
            # Other filters without a campaign (a link "?late=on"): the list shows the default
            # campaign, so the campaign field says so too.
            self.data = self.data.copy()
            self.data["campaign"] = str(default_campaign.year)
        self.campaigns = {str(c.year): c for c in campaigns}
        self.fields["campaign"].choices = [(self.ALL, "Toutes les campagnes")] + [
            (str(c.year), str(c)) for c in campaigns
        ]
        self.default_campaign = default_campaign
        self.fields["campaign"].initial = str(default_campaign.year) if default_campaign else self.ALL
        self.fields["status"].choices = [("", "Tous les statuts"), *Dossier.Status.choices]

    def selected_campaign(self):
        """The campaign chosen (the default one when none is given), or None for all campaigns."""
        choice = self.cleaned_data.get("campaign") if self.is_bound and self.is_valid() else ""
        if choice == self.ALL:
            return None
        return self.campaigns.get(choice) or self.default_campaign

    def structure_filters(self) -> dict:
        """The chosen kind and département, as filters on structures."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {name: data[name] for name in ("kind", "departement") if data.get(name)}

    def search_text(self) -> str:
        """The structure name, commune or SIRET searched for ("" for none)."""
        return self.cleaned_data["q"].strip() if self.is_bound and self.is_valid() else ""

    def filter(self, queryset):
        campaign = self.selected_campaign()
        if campaign is not None:
            queryset = queryset.filter(campaign=campaign)
        if not (self.is_bound and self.is_valid()):
            return queryset
        queryset = queryset.filter(**{f"structure__{name}": value for name, value in self.structure_filters().items()})
        if self.search_text():
            # The same search as the home page's (name, commune, SIRET with or without spaces).
            queryset = queryset.filter(structure__in=Structure.objects.search(self.search_text()))
        if self.cleaned_data["status"]:
            queryset = queryset.filter(status=self.cleaned_data["status"])
        if self.cleaned_data["late"]:
            queryset = queryset.flagged_late()
        return queryset
