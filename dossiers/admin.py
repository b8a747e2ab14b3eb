from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from simple_history.admin import SimpleHistoryAdmin

from siae_portal.reference import STRUCTURE_KINDS

from .calculations import AXES
from .models import Answer, AxisComment, Campaign, Dossier, DossierTransition, Network, Question, Snapshot, Structure
from .services import copy_questionnaire


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "siret", "departement", "commune", "insertion_posts_etp", "updated_at"]
    list_filter = ["kind", "departement", "networks"]
    search_fields = ["name", "siret", "commune"]
    filter_horizontal = ["networks"]
    readonly_fields = ["created_at", "updated_at"]


class QuestionAdminForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label="types de SIAE concernés",
        choices=STRUCTURE_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : la question concerne tous les types.",
    )

    class Meta:
        model = Question
        fields = [
            "campaign",
            "axis",
            "order",
            "code",
            "section",
            "label",
            "help_text",
            "answer_type",
            "required",
            "options",
            "kinds",
        ]


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionAdminForm
    extra = 0
    fields = [
        ("axis", "order", "code"),
        "section",
        "label",
        "help_text",
        ("answer_type", "required"),
        "options",
        "kinds",
    ]
    classes = ["collapse"]


class CopyQuestionnaireForm(forms.Form):
    source = forms.ModelChoiceField(label="Campagne dont copier le questionnaire", queryset=Campaign.objects.none())

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Campaign.objects.filter(year__lt=target.year).order_by("-year")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "opens_on", "review_deadline", "submission_deadline", "question_count"]
    search_fields = ["title"]
    inlines = [QuestionInline]
    actions = ["copy_questionnaire_action"]

    @admin.display(description="questions")
    def question_count(self, campaign):
        return campaign.questions.count()

    @admin.action(description="Copier le questionnaire d'une campagne antérieure")
    def copy_questionnaire_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choisissez une seule campagne à compléter.", messages.ERROR)
            return None
        target = queryset.get()
        form = CopyQuestionnaireForm(data=request.POST if "apply" in request.POST else None, target=target)
        if "apply" in request.POST and form.is_valid():
            source = form.cleaned_data["source"]
            copied = copy_questionnaire(source, target)
            self.message_user(
                request,
                f"{copied} question(s) copiée(s) de la campagne {source.year} vers la campagne {target.year} "
                "(les questions dont le code existait déjà sont conservées telles quelles).",
                messages.SUCCESS,
            )
            return None
        if not form.fields["source"].queryset.exists():
            self.message_user(request, f"Aucune campagne antérieure à {target.year}.", messages.ERROR)
            return None
        return render(
            request,
            "admin/dossiers/campaign/copy_questionnaire.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Copier un questionnaire dans la campagne {target.year}",
                "target": target,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ["label", "campaign", "axis", "section", "answer_type", "required", "kinds_display", "order"]
    list_filter = ["campaign", "axis", "answer_type", "required"]
    search_fields = ["label", "code", "section"]


class TransitionInline(admin.TabularInline):
    model = DossierTransition
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "name", "from_status", "to_status", "actor", "comment"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["structure", "campaign", "status", "updated_at", "submitted_at"]
    list_filter = ["campaign", "status", "structure__kind", "structure__departement"]
    search_fields = ["structure__name", "structure__siret"]
    list_select_related = ["structure", "campaign"]
    raw_id_fields = ["structure"]
    # The axis versions and their last savers are the optimistic lock of the axis pages: an edit
    # here would make an editor's next save fail or overwrite a colleague's, so they are shown only.
    readonly_fields = ["created_at", "updated_at", "first_submitted_at", "submitted_at"] + [
        f"{field}_{axis}" for field in ("version_axis", "saved_by_axis") for axis in AXES
    ]
    inlines = [TransitionInline]


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["dossier", "question", "updated_at", "updated_by"]
    list_select_related = ["dossier__structure", "dossier__campaign", "question__campaign", "updated_by"]
    raw_id_fields = ["dossier", "question", "updated_by"]
    list_filter = ["dossier__campaign"]


@admin.register(AxisComment)
class AxisCommentAdmin(admin.ModelAdmin):
    list_display = ["dossier", "axis", "author", "author_role", "created_at"]
    raw_id_fields = ["dossier", "author"]


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ["dossier", "number", "created_at", "created_by"]
    raw_id_fields = ["dossier", "created_by"]
    readonly_fields = ["created_at"]
