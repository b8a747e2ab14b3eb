import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.validators import URLValidator
from django.db import connection, connections, models
from django.db.models import F, Q, Value
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dossiers.models import (
    AXIS_LABELS,
    Network,
    Structure,
    network_ids_of_structures,
    structure_ids_in_networks,
)
from siae_portal.fields import optional_foreign_key
from siae_portal.reference import STRUCTURE_KINDS
from siae_portal.stored_files import delete_unreferenced_files
from siae_portal.text_limits import COMMENT_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, bounded_text_field, length_constraint
from siae_portal.uploads import UploadValidator

from .calculations import human_size, search_words, searchable_text, straight_apostrophes, strip_accents

KIND_CODES = [code for code, _ in STRUCTURE_KINDS]
SEARCHED_FIELDS = frozenset({"title", "summary", "tags"})


class Axis(models.TextChoices):
    # The four axes of the dossiers (their labels live there), plus "transversal".
    ACCUEIL = "1", AXIS_LABELS[1]
    ACCOMPAGNEMENT = "2", AXIS_LABELS[2]
    FORMATION = "3", AXIS_LABELS[3]
    ECONOMIE = "4", AXIS_LABELS[4]
    TRANSVERSAL = "transversal", "Transversal (tous les axes)"

    @classmethod
    def from_value(cls, value):
        """The axis of a dossier page, given as 2, "2" or an object with a `number`; None if unknown."""
        value = getattr(value, "number", value)
        value = str(value).strip().lower() if value is not None else ""
        return cls(value) if value in cls.values else None

    @property
    def short_label(self):
        return "Transversal" if self == Axis.TRANSVERSAL else f"Axe {self.value}"


class Category(models.TextChoices):
    RECRUTEMENT = "recrutement", "Recrutement"
    ACCUEIL = "accueil", "Accueil et intégration"
    ACCOMPAGNEMENT = "accompagnement", "Accompagnement"
    FORMATION = "formation", "Formation et compétences"
    PREVENTION = "prevention", "Prévention des risques"
    QUALITE = "qualite", "Qualité"
    ECONOMIE = "economie", "Outils économiques"
    DOSSIERS = "dossiers", "Montage de dossiers"
    AUDITS = "audits", "Audits"
    LOGICIELS = "logiciels", "Logiciels"
    GUIDES = "guides", "Guides et ressources"


def resource_upload_to(instance, filename):
    # A random folder per upload: names never collide and are never guessable from the URL.
    return f"toolbox/{uuid.uuid4().hex}/{filename[-100:]}"


def member_of_network_condition(user, field):
    """Q object: `field` (a network) is one the user belongs to, as an advisor of that network or as
    staff of a structure of that network. Runs no query by itself (a subquery)."""
    scope = user.scope
    return Q(**{f"{field}__in": scope.network_ids}) | Q(
        **{f"{field}__in": network_ids_of_structures(scope.structure_ids)}
    )


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published resources (restricted ones only for members of their network), the user's own
        proposals, and for advisors the unpublished resources of their moderation scope; everything
        for admins."""
        if not user.is_authenticated:
            return self.none()
        scope = user.scope
        if scope.is_admin:
            return self.all()
        condition = Q(status=Resource.Status.PUBLISHED) & (
            Q(restricted_to__isnull=True) | member_of_network_condition(user, "restricted_to")
        )
        condition |= Q(proposed_by=user)
        if scope.network_ids:
            # Moderators see the proposals (and refusals) of their scope; once published, a
            # restricted resource is for the members of its network only.
            condition |= self._moderation_condition(scope.network_ids) & ~Q(status=Resource.Status.PUBLISHED)
        return self.filter(condition)

    @staticmethod
    def _moderation_condition(network_ids):
        return Q(provider_network__in=network_ids) | Q(provider_structure__in=structure_ids_in_networks(network_ids))

    def moderable_by(self, user):
        """Resources whose moderation belongs to the user: all for admins, those of its networks (and of
        their structures) for advisors, none otherwise."""
        if not user.is_authenticated:
            return self.none()
        scope = user.scope
        if scope.is_admin:
            return self.all()
        if not scope.network_ids:
            return self.none()
        return self.filter(self._moderation_condition(scope.network_ids))

    def published(self):
        return self.filter(status=Resource.Status.PUBLISHED)

    def proposed(self):
        return self.filter(status=Resource.Status.PROPOSED)

    def for_axis(self, axis, *, with_transversal=True):
        axes = [axis, Axis.TRANSVERSAL] if with_transversal else [axis]
        return self.filter(axis__in=axes)

    def for_kind(self, kind):
        if kind not in KIND_CODES:
            return self.none()
        return self.filter(**{f"suits_{kind.lower()}": True})

    def search(self, text):
        """Resources matching the words of `text` in title, summary or tags: French full-text search
        (stems, accents ignored, annotated with `rank`) on PostgreSQL, a plain search elsewhere."""
        text = (text or "").strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            query = SearchQuery(straight_apostrophes(strip_accents(text)), config="french", search_type="websearch")
            # The stored vector (GIN-indexed) is matched with @@; rank orders by relevance.
            return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        queryset = self
        for word in search_words(searchable_text(text)):
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def refresh_search_index(self):
        """Recompute the stored search text and vectors (after a bulk import that bypassed `save`); one
        UPDATE per resource."""
        for resource in self.only("pk", "title", "summary", "tags"):
            resource.update_search_index()

    def with_provider(self):
        return self.select_related("provider_network", "provider_structure", "restricted_to")


class ResourceStatus(models.TextChoices):
    PROPOSED = "proposed", "proposée"
    PUBLISHED = "published", "publiée"
    REJECTED = "rejected", "refusée"

    @property
    def badge(self) -> str:
        """The Bootstrap class of its badge, the same on every page."""
        return RESOURCE_STATUS_BADGES[self]


RESOURCE_STATUS_BADGES = {
    ResourceStatus.PROPOSED: "text-bg-info",
    ResourceStatus.PUBLISHED: "text-bg-success",
    ResourceStatus.REJECTED: "text-bg-danger",
}


class Resource(models.Model):
    Status = ResourceStatus
    Axis = Axis
    Category = Category

    title = models.CharField("titre", max_length=200)
    summary = bounded_text_field(
        "présentation", DESCRIPTION_MAX_LENGTH, help_text="À quoi sert l'outil, pour qui, comment s'en servir."
    )
    axis = models.CharField("axe de l'offre de services", max_length=12, choices=Axis)
    suits_ei = models.BooleanField("convient aux EI", default=True)
    suits_etti = models.BooleanField("convient aux ETTI", default=True)
    suits_ai = models.BooleanField("convient aux AI", default=True)
    suits_aci = models.BooleanField("convient aux ACI", default=True)
    category = models.CharField("catégorie", max_length=20, choices=Category)
    provider_network = optional_foreign_key(
        Network, models.PROTECT, "réseau qui propose l'outil", related_name="provided_resources"
    )
    provider_structure = optional_foreign_key(
        Structure, models.PROTECT, "structure qui propose l'outil", related_name="provided_resources"
    )
    file = models.FileField(
        "fichier", upload_to=resource_upload_to, blank=True, max_length=200, validators=[UploadValidator()]
    )
    file_type = models.CharField("type de fichier", max_length=10, blank=True)
    file_size = models.PositiveIntegerField("taille du fichier (octets)", null=True, blank=True)
    url = models.URLField("lien", max_length=500, blank=True, validators=[URLValidator(schemes=["http", "https"])])
    tags = models.CharField("mots-clés", max_length=500, blank=True, help_text="Séparés par des virgules.")
    restricted_to = optional_foreign_key(
        Network, models.PROTECT, "réservé aux membres du réseau", related_name="restricted_resources"
    )
    status = models.CharField("statut", max_length=12, choices=Status, default=Status.PROPOSED, db_index=True)
    rejection_reason = bounded_text_field("motif du refus", COMMENT_MAX_LENGTH, blank=True)
    proposed_by = optional_foreign_key(
        settings.AUTH_USER_MODEL, models.SET_NULL, "proposé par", related_name="proposed_resources"
    )
    proposed_at = models.DateTimeField("proposé le", default=timezone.now)
    moderated_by = optional_foreign_key(
        settings.AUTH_USER_MODEL, models.SET_NULL, "modéré par", related_name="moderated_resources"
    )
    moderated_at = models.DateTimeField("modéré le", null=True, blank=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True, db_index=True)
    download_count = models.PositiveIntegerField("téléchargements", default=0)
    # Kept up to date by `save`: title, tags and summary without accents, in lower case (plain search on
    # SQLite), and their French full-text vector, title and tags weighing more (PostgreSQL only).
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    search_vector = SearchVectorField("index de recherche", null=True, editable=False)
    # The search columns are derived from the others; the download counter is not an edit.
    history = HistoricalRecords(
        verbose_name="historique de la ressource", excluded_fields=["search_text", "search_vector", "download_count"]
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = "ressource de la boîte à outils"
        verbose_name_plural = "ressources de la boîte à outils"
        ordering = ["-published_at", "-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider_network__isnull=True, provider_structure__isnull=False)
                | Q(provider_network__isnull=False, provider_structure__isnull=True),
                name="resource_one_provider",
                violation_error_message="Indiquez le réseau ou la structure qui propose l'outil (un seul des deux).",
            ),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="resource_file_or_link",
                violation_error_message="Joignez un fichier ou indiquez un lien vers l'outil (l'un ou l'autre, "
                "pas les deux).",
            ),
            models.CheckConstraint(
                condition=Q(suits_ei=True) | Q(suits_etti=True) | Q(suits_ai=True) | Q(suits_aci=True),
                name="resource_suits_a_kind",
                violation_error_message="Cochez au moins un type de structure.",
            ),
            models.CheckConstraint(
                condition=Q(axis__in=Axis.values),
                name="resource_axis_valid",
                violation_error_message="Choisissez un axe de l'offre de services.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values),
                name="resource_category_valid",
                violation_error_message="Choisissez une catégorie.",
            ),
            models.CheckConstraint(condition=Q(status__in=ResourceStatus.values), name="resource_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ResourceStatus.REJECTED) | ~Q(rejection_reason=""),
                name="resource_rejection_has_reason",
                violation_error_message="Un refus doit être motivé.",
            ),
            models.CheckConstraint(
                condition=Q(status=ResourceStatus.PROPOSED) | Q(moderated_at__isnull=False),
                name="resource_moderation_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status=ResourceStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="resource_publication_dated",
            ),
            length_constraint("summary", DESCRIPTION_MAX_LENGTH, "resource_summary_length"),
            length_constraint("rejection_reason", COMMENT_MAX_LENGTH, "resource_rejection_reason_length"),
        ]
        indexes = [models.Index(fields=["status", "axis"], name="resource_status_axis")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        searched_fields_change = update_fields is None or bool(SEARCHED_FIELDS.intersection(update_fields))
        if searched_fields_change:
            self.search_text = searchable_text(self.title, self.tags, self.summary)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        if searched_fields_change and connections[self._state.db].vendor == "postgresql":
            self.update_search_index()

    def get_absolute_url(self):
        return reverse("toolbox:detail", args=[self.pk])

    def update_search_index(self):
        """Store the search text, and on PostgreSQL the French vector, of this resource (one UPDATE)."""
        self.search_text = searchable_text(self.title, self.tags, self.summary)
        changes = {"search_text": self.search_text}
        if connections[self._state.db or "default"].vendor == "postgresql":
            # Accents are removed here, in Python, so that PostgreSQL needs no unaccent extension.
            changes["search_vector"] = (
                SearchVector(Value(strip_accents(self.title)), weight="A", config="french")
                + SearchVector(Value(strip_accents(self.tags)), weight="A", config="french")
                + SearchVector(Value(strip_accents(self.summary)), weight="B", config="french")
            )
        Resource.objects.using(self._state.db).filter(pk=self.pk).update(**changes)

    @property
    def provider(self):
        return self.provider_network or self.provider_structure

    @property
    def provider_label(self):
        if self.provider_network_id:
            return self.provider_network.label
        return self.provider_structure.name if self.provider_structure_id else ""

    @property
    def restricted_to_label(self):
        return self.restricted_to.label if self.restricted_to_id else ""

    @property
    def kinds(self) -> list[str]:
        return [code for code in KIND_CODES if getattr(self, f"suits_{code.lower()}")]

    @kinds.setter
    def kinds(self, codes):
        for code in KIND_CODES:
            setattr(self, f"suits_{code.lower()}", code in codes)

    @property
    def suits_every_kind(self) -> bool:
        return len(self.kinds) == len(KIND_CODES)

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def is_file(self) -> bool:
        return bool(self.file)

    @property
    def file_size_display(self) -> str:
        return human_size(self.file_size)

    @property
    def axis_short_label(self):
        return Axis(self.axis).short_label

    @property
    def status_badge(self) -> str:
        return ResourceStatus(self.status).badge

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_proposed(self):
        return self.status == self.Status.PROPOSED

    @property
    def is_rejected(self):
        return self.status == self.Status.REJECTED

    @property
    def was_refused(self):
        """A proposal sent again after a refusal: the refusal (reason, by, at) is kept until the next decision."""
        return self.is_proposed and bool(self.rejection_reason)


delete_unreferenced_files(Resource, "file")
