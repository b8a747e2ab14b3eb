from django.db import models, transaction
from django.db.models import Q
from django.utils.timezone import localdate, localtime
from simple_history.models import HistoricalRecords

from siae_portal.collation import French
from siae_portal.fields import insertion_posts_field, optional_foreign_key
from siae_portal.reference import DEPARTEMENT_CHOICES, FIRST_YEAR, LAST_YEAR, STRUCTURE_KINDS
from siae_portal.stored_files import delete_unreferenced_files
from siae_portal.text_limits import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    HELP_TEXT_MAX_LENGTH,
    OPTIONS_MAX_LENGTH,
    bounded_text_field,
    length_constraint,
)
from siae_portal.validators import normalize_siret, validate_departement, validate_siret

from . import workflow
from .calculations import Deadline, days_late, late_transmission_text

StructureKind = models.TextChoices("StructureKind", [(code, (code, label)) for code, label in STRUCTURE_KINDS])


def network_label(code: str, name: str) -> str:
    """How a network is named in lists: its name when short ("CHANTIER école"), else its code ("FEI")."""
    return name if name and len(name) <= 25 else code


class Network(models.Model):
    code = models.CharField("code", max_length=30, unique=True, help_text="Par exemple URIAE, COORACE, FEI.")
    name = models.CharField("nom", max_length=200)

    class Meta:
        verbose_name = "réseau"
        verbose_name_plural = "réseaux"
        ordering = ["code"]

    def __str__(self):
        return self.code if self.code == self.name else f"{self.code} ({self.name})"

    @property
    def label(self) -> str:
        """The network as a list or a badge names it (a code such as CHANTIER_ECOLE is for files)."""
        return network_label(self.code, self.name)


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Structures the user may see: its own (SIAE staff), its network's (advisor), its
        département's (DDTEFP agent), all of them (administrator)."""
        scope = user.scope
        if scope.is_admin:
            return self.all()
        if scope.is_empty:
            return self.none()
        condition = Q(pk__in=scope.structure_ids) | Q(departement__in=scope.departements)
        if scope.network_ids:
            condition |= Q(pk__in=structure_ids_in_networks(scope.network_ids))
        return self.filter(condition)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        digits = "".join(text.split())
        condition = Q(name__icontains=text) | Q(commune__icontains=text)
        if digits.isdigit():
            condition |= Q(siret__startswith=digits)
        return self.filter(condition)


class Structure(models.Model):
    Kind = StructureKind

    name = models.CharField("raison sociale", max_length=200)
    kind = models.CharField("type de SIAE", max_length=4, choices=StructureKind)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        unique=True,
        validators=[validate_siret],
        help_text="14 chiffres, sans espace.",
        error_messages={"unique": "Une structure portant ce SIRET existe déjà."},
    )
    departement = models.CharField(
        "département",
        max_length=3,
        choices=DEPARTEMENT_CHOICES,
        validators=[validate_departement],
        db_index=True,
    )
    commune = models.CharField("commune", max_length=120)
    address = models.CharField("adresse", max_length=250, blank=True)
    networks = models.ManyToManyField(Network, blank=True, related_name="structures", verbose_name="réseaux")
    insertion_posts_etp = insertion_posts_field()
    activity = bounded_text_field(
        "activité", DESCRIPTION_MAX_LENGTH, blank=True, help_text="Supports d'activité, métiers exercés, clients."
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    history = HistoricalRecords(verbose_name="historique de la structure", m2m_fields=[networks])

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = [French("name")]
        constraints = [
            models.CheckConstraint(condition=Q(insertion_posts_etp__gte=0), name="structure_posts_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=StructureKind.values), name="structure_kind_valid"),
            length_constraint("activity", DESCRIPTION_MAX_LENGTH, "structure_activity_length"),
        ]

    def __str__(self):
        return f"{self.name} ({self.kind})"

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        # One transaction: a change of kind refreshes the exit rollup (indicators/signals.py).
        with transaction.atomic():
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("dossiers:structure_detail", args=[self.pk])

    def clean(self):
        # The database constraint would only name itself; say it in words first.
        if self.insertion_posts_etp is not None and self.insertion_posts_etp < 0:
            from django.core.exceptions import ValidationError

            raise ValidationError({"insertion_posts_etp": "Le nombre de postes d'insertion ne peut pas être négatif."})

    @property
    def siret_display(self):
        s = self.siret
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"


# Who belongs to which network is the table behind `Structure.networks`: these two subqueries read
# it directly (no join on the structures or networks, no duplicate row), for `pk__in=`-style filters.


def structure_ids_in_networks(network_ids):
    """Subquery: the ids of the structures that belong to at least one of `network_ids`."""
    return Structure.networks.through.objects.filter(network_id__in=network_ids).values("structure_id")


def network_ids_of_structures(structure_ids):
    """Subquery: the ids of the networks that at least one of `structure_ids` belongs to."""
    return Structure.networks.through.objects.filter(structure_id__in=structure_ids).values("network_id")


# --- Campaigns, questionnaires and dossiers ---------------------------------------------------

AXIS_CHOICES = [
    (1, "Axe 1 · Accueil et intégration en milieu de travail"),
    (2, "Axe 2 · Accompagnement social et professionnel"),
    (3, "Axe 3 · Formation des salariés en insertion"),
    (4, "Axe 4 · Contribution à l'activité économique et au développement territorial"),
]
AXIS_LABELS = dict(AXIS_CHOICES)


class CampaignQuerySet(models.QuerySet):
    def opened(self, today=None):
        return self.filter(opens_on__lte=today or localdate())


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField("année de conventionnement", unique=True)
    title = models.CharField("intitulé", max_length=200)
    opens_on = models.DateField("ouverture")
    submission_deadline = models.DateField("date limite de transmission à la DDTEFP")
    review_deadline = models.DateField("date limite de relecture par les réseaux")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne"
        verbose_name_plural = "campagnes"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_deadline__gte=models.F("opens_on")), name="campaign_submission_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(review_deadline__gte=models.F("opens_on")), name="campaign_review_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="campaign_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.title}"

    @property
    def indicator_years(self) -> list[int]:
        """The three years before the campaign, whose exit rates the dossier pages show."""
        return [self.year - 3, self.year - 2, self.year - 1]

    def clean(self):
        # The database constraints would only name themselves; say it in words first.
        from django.core.exceptions import ValidationError

        errors = {}
        if self.opens_on and self.review_deadline and self.review_deadline < self.opens_on:
            errors["review_deadline"] = "La date limite de relecture ne peut pas précéder l'ouverture de la campagne."
        if self.opens_on and self.submission_deadline and self.submission_deadline < self.opens_on:
            errors["submission_deadline"] = (
                "La date limite de transmission ne peut pas précéder l'ouverture de la campagne."
            )
        if errors:
            raise ValidationError(errors)


class AnswerType(models.TextChoices):
    LONG_TEXT = "long_text", "texte long"
    SHORT_TEXT = "short_text", "texte court"
    YES_NO = "yes_no", "oui / non"
    NUMBER = "number", "nombre"
    DATE = "date", "date"
    CHOICE = "choice", "un choix parmi des options"
    FILE = "file", "pièce jointe"


class Question(models.Model):
    AnswerType = AnswerType

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions", verbose_name="campagne")
    axis = models.PositiveSmallIntegerField("axe", choices=AXIS_CHOICES)
    section = models.CharField("rubrique", max_length=200, help_text="Titre de la rubrique dans l'axe.")
    code = models.SlugField(
        "code",
        max_length=60,
        help_text="Identifiant stable d'une année sur l'autre : il sert à reprendre les réponses de l'an dernier.",
    )
    label = models.CharField("question", max_length=500)
    help_text = bounded_text_field("aide", HELP_TEXT_MAX_LENGTH, blank=True)
    answer_type = models.CharField("type de réponse", max_length=12, choices=AnswerType, default=AnswerType.LONG_TEXT)
    options = bounded_text_field(
        "options", OPTIONS_MAX_LENGTH, blank=True, help_text="Pour « un choix parmi des options » : une par ligne."
    )
    required = models.BooleanField("obligatoire", default=False)
    kinds = models.JSONField(
        "types de SIAE concernés", default=list, blank=True, help_text="Vide : la question concerne tous les types."
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "question"
        verbose_name_plural = "questions"
        ordering = ["campaign", "axis", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="question_code_unique_in_campaign"),
            models.CheckConstraint(condition=Q(axis__gte=1, axis__lte=4), name="question_axis_1_to_4"),
            models.CheckConstraint(condition=Q(answer_type__in=AnswerType.values), name="question_answer_type_valid"),
            length_constraint("help_text", HELP_TEXT_MAX_LENGTH, "question_help_text_length"),
            length_constraint("options", OPTIONS_MAX_LENGTH, "question_options_length"),
        ]

    def __str__(self):
        return f"{self.campaign.year} · axe {self.axis} · {self.label}"

    def clean(self):
        from django.core.exceptions import ValidationError

        known = {code for code, _ in STRUCTURE_KINDS}
        if not isinstance(self.kinds, list) or not set(self.kinds) <= known:
            raise ValidationError({"kinds": "Types de SIAE inconnus : choisissez parmi EI, ETTI, AI, ACI."})
        if self.answer_type == self.AnswerType.CHOICE and len(self.option_list) < 2:
            raise ValidationError({"options": "Indiquez au moins deux options, une par ligne."})

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    @property
    def kinds_display(self) -> str:
        return ", ".join(self.kinds) if self.kinds else "tous"


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Dossiers the user may see: its structures' (SIAE staff), its network's structures'
        (advisor), the transmitted ones of its département (DDTEFP agent), all (administrator)."""
        scope = user.scope
        if scope.is_admin:
            return self.all()
        if scope.is_empty:
            return self.none()
        condition = Q(structure_id__in=scope.structure_ids)
        if scope.departements:
            condition |= Q(structure__departement__in=scope.departements, status__in=workflow.AGENT_VISIBLE_STATUSES)
        if scope.network_ids:
            condition |= Q(structure_id__in=structure_ids_in_networks(scope.network_ids))
        return self.filter(condition)

    def transmitted(self):
        return self.filter(status__in=workflow.AGENT_VISIBLE_STATUSES)

    def transmitted_late(self):
        """Dossiers first transmitted after their campaign's transmission deadline (the SQL twin of
        `Dossier.days_late_at_transmission`): flagged for good, whatever happens next."""
        return self.filter(first_submitted_at__date__gt=models.F("campaign__submission_deadline"))

    def with_approval_flag(self):
        """Annotate `transmitted_unapproved`: transmitted without the network's approval (the SQL
        twin of `workflow.transmitted_without_approval`), one subquery, no query per row."""
        unapproved = DossierTransition.objects.filter(dossier=models.OuterRef("pk"), name="submit").exclude(
            from_status=workflow.APPROVED
        )
        return self.annotate(transmitted_unapproved=models.Exists(unapproved))

    def flagged_late(self, today=None):
        """What the « En retard seulement » filter lists: late now (`late`), or transmitted late."""
        return self.late(today) | self.transmitted_late()

    def late(self, today=None):
        """Dossiers behind their campaign's calendar (the SQL twin of `workflow.is_late`): not yet
        transmitted after the transmission deadline, or still in review after the review one."""
        today = today or localdate()
        return self.filter(
            Q(campaign__submission_deadline__lt=today) & ~Q(status__in=workflow.AGENT_VISIBLE_STATUSES)
            | Q(campaign__review_deadline__lt=today, status=workflow.IN_REVIEW)
        )


# Built from the workflow's table (members DRAFT, IN_REVIEW... named after their value).
DossierStatus = models.TextChoices(
    "DossierStatus", [(status.value.upper(), (status.value, status.label)) for status in workflow.STATUS_TABLE]
)


def _axis_version(axis: int) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(f"version de l'axe {axis}", default=0)


def _axis_saved_by(axis: int) -> models.ForeignKey:
    return optional_foreign_key("accounts.User", models.SET_NULL, f"dernier enregistrement de l'axe {axis} par")


class Dossier(models.Model):
    Status = DossierStatus

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="dossiers", verbose_name="structure"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="dossiers", verbose_name="campagne")
    status = models.CharField("statut", max_length=24, choices=Status, default=Status.DRAFT, db_index=True)
    # One version number per axis: an editor's save is refused if another saved the axis meanwhile.
    version_axis_1 = _axis_version(1)
    version_axis_2 = _axis_version(2)
    version_axis_3 = _axis_version(3)
    version_axis_4 = _axis_version(4)
    # Who made each axis's latest save: the conflict message names them ("vous", in another tab).
    saved_by_axis_1 = _axis_saved_by(1)
    saved_by_axis_2 = _axis_saved_by(2)
    saved_by_axis_3 = _axis_saved_by(3)
    saved_by_axis_4 = _axis_saved_by(4)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("dernière modification", auto_now=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)  # the latest transmission
    # The first transmission, kept through complements: the delay at transmission is counted from it.
    first_submitted_at = models.DateTimeField("première transmission le", null=True, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier"
        verbose_name_plural = "dossiers"
        ordering = ["-campaign__year", French("structure__name")]
        constraints = [
            models.UniqueConstraint(fields=["structure", "campaign"], name="one_dossier_per_campaign"),
            models.CheckConstraint(condition=Q(status__in=DossierStatus.values), name="dossier_status_valid"),
        ]

    def __str__(self):
        return f"Dossier {self.campaign.year} · {self.structure.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("dossiers:detail", args=[self.pk])

    @property
    def is_editable_status(self) -> bool:
        return self.status in workflow.EDITABLE_STATUSES

    @property
    def status_badge(self) -> str:
        return workflow.STATUS_BADGES[self.status]

    def submission_deadline(self, today=None) -> Deadline:
        return workflow.submission_deadline(self.status, self.campaign.submission_deadline, today or localdate())

    def review_deadline(self, today=None) -> Deadline:
        return workflow.review_deadline(self.status, self.campaign.review_deadline, today or localdate())

    def is_late(self, today=None) -> bool:
        """Behind the campaign's calendar on `today` (by default today: templates call it bare)."""
        return workflow.is_late(
            self.status,
            review_due=self.campaign.review_deadline,
            submission_due=self.campaign.submission_deadline,
            today=today or localdate(),
        )

    @property
    def days_late_at_transmission(self) -> int:
        """Days between the campaign's transmission deadline and the first transmission, 0 when it
        was on time or has not happened (`DossierQuerySet.transmitted_late` is the same in SQL)."""
        if self.first_submitted_at is None:
            return 0
        return days_late(localtime(self.first_submitted_at).date(), self.campaign.submission_deadline)

    @property
    def late_transmission_text(self) -> str:
        """ "transmis en retard (N jours)", or "" for a dossier transmitted on time or not yet."""
        return late_transmission_text(self.days_late_at_transmission)

    def is_flagged_late(self, today=None) -> bool:
        """Late now, or transmitted late: the row of the « En retard seulement » filter."""
        return self.is_late(today) or self.days_late_at_transmission > 0

    def axis_version(self, axis: int) -> int:
        return getattr(self, f"version_axis_{axis}")

    def axis_saved_by_id(self, axis: int) -> int | None:
        return getattr(self, f"saved_by_axis_{axis}_id")

    def questions(self):
        """The campaign's questions that apply to the structure's kind, in order (one query)."""
        return [q for q in self.campaign.questions.all() if q.applies_to(self.structure.kind)]


def attachment_path(answer, filename):
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"dossiers/{answer.dossier_id}/{uuid.uuid4().hex}.{extension}"


class Answer(models.Model):
    """An answer exists only when the question is answered (a cleared answer is deleted)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="answers", verbose_name="dossier")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name="question")
    value = bounded_text_field("réponse", ANSWER_MAX_LENGTH, blank=True)
    attachment = models.FileField("pièce jointe", upload_to=attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField("nom du fichier déposé", max_length=200, blank=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    updated_by = optional_foreign_key("accounts.User", models.SET_NULL, "modifiée par")
    history = HistoricalRecords(verbose_name="historique de la réponse")

    class Meta:
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "question"], name="one_answer_per_question"),
            length_constraint("value", ANSWER_MAX_LENGTH, "answer_value_length"),
        ]

    def __str__(self):
        return f"{self.dossier} · {self.question.code}"

    def display(self) -> str:
        """The answer as a reader reads it."""
        kind = self.question.answer_type
        if kind == Question.AnswerType.FILE:
            return self.attachment_name
        if kind == Question.AnswerType.YES_NO:
            return {"oui": "Oui", "non": "Non"}.get(self.value, self.value)
        if kind == Question.AnswerType.DATE and self.value:
            import datetime

            try:
                return datetime.date.fromisoformat(self.value).strftime("%d/%m/%Y")
            except ValueError:
                return self.value  # stored out of shape (raw admin edit): shown as it is
        if kind == Question.AnswerType.NUMBER:
            from siae_portal.numbers import format_number

            return format_number(self.value)
        return self.value


delete_unreferenced_files(Answer, "attachment")


class DossierTransition(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions", verbose_name="dossier")
    name = models.CharField("action", max_length=30)
    from_status = models.CharField("statut de départ", max_length=24, choices=Dossier.Status)
    to_status = models.CharField("nouveau statut", max_length=24, choices=Dossier.Status)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="dossier_transitions", verbose_name="auteur"
    )
    comment = bounded_text_field("commentaire", COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement de statut"
        verbose_name_plural = "changements de statut"
        ordering = ["-created_at", "-pk"]
        constraints = [length_constraint("comment", COMMENT_MAX_LENGTH, "transition_comment_length")]

    def __str__(self):
        return f"{self.dossier} : {self.from_status} → {self.to_status}"


class AxisComment(models.Model):
    class AuthorRole(models.TextChoices):
        ADVISOR = "advisor", "conseiller de réseau"
        AGENT = "agent", "agent DDTEFP"
        ADMIN = "admin", "administrateur"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="comments", verbose_name="dossier")
    axis = models.PositiveSmallIntegerField("axe", choices=AXIS_CHOICES)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="axis_comments", verbose_name="auteur"
    )
    author_role = models.CharField("qualité", max_length=10, choices=AuthorRole)
    text = bounded_text_field("commentaire", COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "commentaire sur un axe"
        verbose_name_plural = "commentaires sur les axes"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(axis__gte=1, axis__lte=4), name="comment_axis_1_to_4"),
            length_constraint("text", COMMENT_MAX_LENGTH, "comment_text_length"),
        ]

    def __str__(self):
        return f"{self.dossier} · axe {self.axis} · {self.author}"


class Snapshot(models.Model):
    """The answers as they were transmitted to the DDTEFP, frozen."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="snapshots", verbose_name="dossier")
    number = models.PositiveSmallIntegerField("numéro")
    created_at = models.DateTimeField("transmis le", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="transmis par"
    )
    answers = models.JSONField("réponses figées", default=list)
    # Where its PDF summary is stored (`snapshot_pdf_name`, set when it is frozen): rendered once, by
    # a background task after the transmission (dossiers.tasks), or on the first download if missing.
    pdf = models.FileField("synthèse PDF", blank=True, max_length=200)

    class Meta:
        verbose_name = "version transmise"
        verbose_name_plural = "versions transmises"
        ordering = ["dossier", "number"]
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="snapshot_number_unique")]

    def __str__(self):
        return f"{self.dossier} · version {self.number}"


def snapshot_pdf_name(dossier_id: int, number: int) -> str:
    """The storage name of a snapshot's PDF summary: known before the file exists, so that a
    download that renders a missing file stores it without writing to the database."""
    return f"dossiers/{dossier_id}/versions/synthese-v{number}.pdf"


delete_unreferenced_files(Snapshot, "pdf")
