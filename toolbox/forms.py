from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from dossiers.models import Network, Structure
from siae_portal.collation import French
from siae_portal.forms import EmptyChoiceMixin
from siae_portal.reference import STRUCTURE_KINDS
from siae_portal.text_limits import comment_form_field
from siae_portal.uploads import ACCEPTED_LABEL, validate_upload

from .calculations import normalize_tags
from .models import KIND_CODES, Axis, Category, Resource, member_of_network_condition


def provider_structures_for(user):
    """Structures on whose behalf the user may propose a tool: its own, its networks' (advisor), all (admin)."""
    scope = user.scope
    if scope.is_admin:
        return Structure.objects.all()
    condition = Q(pk__in=scope.structure_ids)
    if scope.network_ids:
        condition |= Q(networks__in=scope.network_ids)
    return Structure.objects.filter(condition).distinct()


def member_networks_for(user):
    """Networks the user belongs to (advisor, or staff of a member structure); all for admins."""
    if user.scope.is_admin:
        return Network.objects.all()
    return Network.objects.filter(member_of_network_condition(user, "pk"))


class ResourceForm(EmptyChoiceMixin, forms.ModelForm):
    """Propose a resource: a file (checked by content) or a link, never both."""

    kinds = forms.MultipleChoiceField(
        label="Types de structure concernés",
        choices=STRUCTURE_KINDS,
        widget=forms.CheckboxSelectMultiple,
        initial=KIND_CODES,
        error_messages={"required": "Cochez au moins un type de structure."},
    )
    url = forms.URLField(
        label="Lien",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Adresse d'une page en ligne (https://…), si l'outil n'est pas un fichier.",
    )
    provider = forms.ChoiceField(
        label="Proposé par",
        help_text="Le réseau ou la structure qui met l'outil à disposition.",
    )

    field_order = ["title", "summary", "axis", "category", "kinds", "provider", "file", "url", "tags", "restricted_to"]

    class Meta:
        model = Resource
        fields = ["title", "summary", "axis", "category", "file", "url", "tags", "restricted_to"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "file": f"{ACCEPTED_LABEL}, 10 Mo au plus. Ou bien un lien ci-dessous.",
            "tags": "Séparés par des virgules, par exemple : entretien, recrutement, grille.",
            "restricted_to": "Laissez vide pour le partager avec toutes les structures du portail.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["axis"].choices = Axis.choices
        self.fields["category"].choices = [("", "Choisissez une catégorie"), *Category.choices]
        structures = list(provider_structures_for(user).order_by(French("name")).values_list("pk", "name"))
        networks = list(Network.objects.order_by("code").values_list("pk", "code"))
        own_structures = [(f"structure:{pk}", name) for pk, name in structures]
        self.fields["provider"].choices = [
            ("", "Choisissez"),
            *([("Structures", own_structures)] if own_structures else []),
            ("Réseaux", [(f"network:{pk}", code) for pk, code in networks]),
        ]
        if not self.is_bound:
            scope = user.scope
            if len(scope.structure_ids) == 1:
                self.initial["provider"] = f"structure:{next(iter(scope.structure_ids))}"
            elif len(scope.network_ids) == 1:
                self.initial["provider"] = f"network:{next(iter(scope.network_ids))}"
        self.fields["restricted_to"].queryset = member_networks_for(user).order_by("code")
        self.fields["restricted_to"].empty_label = "Ouvert à tous les utilisateurs du portail"
        self.fields["restricted_to"].label = "Réservé aux membres du réseau"
        self.fields["file"].required = False
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Envoyer la proposition"))

    def clean_provider(self):
        value = self.cleaned_data["provider"]
        kind, _, pk = value.partition(":")
        if kind == "structure":
            provider = provider_structures_for(self.user).filter(pk=pk).first() if pk.isdigit() else None
        elif kind == "network":
            provider = Network.objects.filter(pk=pk).first() if pk.isdigit() else None
        else:
            provider = None
        if provider is None:
            raise forms.ValidationError("Choisissez le réseau ou la structure qui propose l'outil.")
        return provider

    def clean_tags(self):
        return ", ".join(normalize_tags(self.cleaned_data["tags"]))

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):  # not the file already stored, when a resource is corrected
            # Judged by its content (a renamed executable is refused); the detected type is kept.
            self.file_type = validate_upload(uploaded)
        return uploaded

    def save(self, commit=True):
        resource = super().save(commit=False)
        resource.kinds = self.cleaned_data["kinds"]
        provider = self.cleaned_data["provider"]
        resource.provider_network = provider if isinstance(provider, Network) else None
        resource.provider_structure = provider if isinstance(provider, Structure) else None
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):
            resource.file_type = self.file_type
            resource.file_size = uploaded.size
        elif not resource.file:
            resource.file_type, resource.file_size = "", None
        if resource._state.adding:
            resource.status = Resource.Status.PROPOSED
            resource.proposed_by = self.user
        if commit:
            resource.save()
        return resource


class ResubmitForm(ResourceForm):
    """Correct a refused proposal: the same fields, starting from the resource; its file is kept unless
    another one is uploaded or it is removed for a link. Saved by `services.resubmit`."""

    remove_file = forms.BooleanField(label="Retirer le fichier actuel (l'outil devient un lien)", required=False)

    field_order = [
        "title",
        "summary",
        "axis",
        "category",
        "kinds",
        "provider",
        "file",
        "remove_file",
        "url",
        "tags",
        "restricted_to",
    ]

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if not self.is_bound:
            self.initial["kinds"] = instance.kinds
            provider = instance.provider
            if provider is not None:
                kind = "network" if instance.provider_network_id else "structure"
                self.initial["provider"] = f"{kind}:{provider.pk}"
        # The stored file is shown with the portal's download link (MEDIA_URL is never served).
        self.fields["file"].widget = forms.FileInput()
        if instance.file:
            self.fields["file"].label = "Nouveau fichier"
            self.fields["file"].help_text = format_html(
                'Fichier actuel : <a href="{}">{}</a>. Laissez vide pour le garder, ou déposez-en un autre '
                "({}, 10 Mo au plus).",
                reverse("toolbox:download", args=[instance.pk]),
                instance.file.name.rsplit("/", 1)[-1],
                ACCEPTED_LABEL,
            )
        else:
            del self.fields["remove_file"]
        self.helper.inputs = []
        self.helper.add_input(Submit("submit", "Proposer à nouveau"))

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("remove_file") and not isinstance(cleaned_data.get("file"), UploadedFile):
            cleaned_data["file"] = False  # a FileField's "clear"
        return cleaned_data


SORTS = [("recent", "Les plus récentes"), ("downloads", "Les plus téléchargées"), ("relevance", "Pertinence")]


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    axis = forms.ChoiceField(label="Axe", required=False, choices=[("", "Tous les axes"), *Axis.choices])
    kind = forms.ChoiceField(label="Type de structure", required=False, choices=[("", "Tous"), *STRUCTURE_KINDS])
    category = forms.ChoiceField(
        label="Catégorie", required=False, choices=[("", "Toutes les catégories"), *Category.choices]
    )
    provider = forms.ChoiceField(label="Proposé par", required=False)
    sort = forms.ChoiceField(label="Trier par", required=False, choices=SORTS)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Tous"), *providers]

    def filter(self, queryset):
        """Apply the filters, the search and the sort; an invalid value is ignored, never an error page."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("axis"):
            queryset = queryset.filter(axis=data["axis"])
        if data.get("kind"):
            queryset = queryset.for_kind(data["kind"])
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        provider = data.get("provider") or ""
        kind, _, pk = provider.partition(":")
        if pk.isdigit() and kind in ("network", "structure"):
            queryset = queryset.filter(**{f"provider_{kind}_id": int(pk)})
        query = data.get("q", "")
        queryset = queryset.search(query)
        sort = data.get("sort") or ("relevance" if query else "recent")
        if sort == "downloads":
            return queryset.order_by("-download_count", "-published_at", "-pk")
        if sort == "relevance" and query and "rank" in queryset.query.annotations:
            return queryset.order_by("-rank", "-published_at", "-pk")
        return queryset.order_by("-published_at", "-pk")


class RejectForm(forms.Form):
    reason = comment_form_field(
        "Motif du refus",
        rows=4,
        help_text="Il est envoyé par e-mail à la personne qui a proposé l'outil.",
        error_messages={"required": "Indiquez le motif du refus : il est envoyé à la personne qui a proposé l'outil."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Refuser la proposition", css_class="btn-danger"))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError("Expliquez le refus en une phrase au moins (10 caractères).")
        return reason
