"""Conventions of the dialogue de gestion: a structure and the State agree, for one to three years,
on objectives per year (docs/domain.md, « Conventions et objectifs »).

One row per convention year (`ConventionYear`) carries the ETP and the objectives; it repeats the
structure and whether the convention is agreed, so that one partial unique index says "at most one
agreed convention covers a year of a structure" on PostgreSQL and SQLite alike."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from indicators.calculations import DURABLE_RATE, OFFICIAL, URIAE, RateDefinition
from siae_portal.fields import insertion_posts_field, optional_foreign_key
from siae_portal.reference import POSITIVE, TRANSITION
from siae_portal.text_limits import COMMENT_MAX_LENGTH, bounded_text_field, length_constraint

from .calculations import MAX_CONVENTION_YEARS


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The conventions of the structures `user` sees."""
        from dossiers.models import Structure

        return self.filter(structure__in=Structure.objects.visible_to(user))

    def agreed(self):
        return self.filter(status=Convention.Status.AGREED)


class Convention(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "proposée"
        AGREED = "agreed", "conclue"
        CLOSED = "closed", "close"

    structure = models.ForeignKey(
        "dossiers.Structure", on_delete=models.CASCADE, related_name="conventions", verbose_name="structure"
    )
    first_year = models.PositiveSmallIntegerField("première année")
    last_year = models.PositiveSmallIntegerField("dernière année")
    reference = models.CharField(
        "numéro de convention", max_length=60, blank=True, help_text="Numéro d'agrément ou de convention de l'État."
    )
    status = models.CharField("statut", max_length=10, choices=Status, default=Status.PROPOSED)
    proposed_by = optional_foreign_key(settings.AUTH_USER_MODEL, models.SET_NULL, "proposée par")
    proposed_at = models.DateTimeField("proposée le", auto_now_add=True)
    agreed_by = optional_foreign_key(settings.AUTH_USER_MODEL, models.SET_NULL, "conclue par")
    agreed_at = models.DateTimeField("conclue le", null=True, blank=True)

    history = HistoricalRecords(verbose_name="historique de la convention")
    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["structure", "-first_year"]
        constraints = [
            models.CheckConstraint(condition=Q(last_year__gte=F("first_year")), name="convention_years_ordered"),
            models.CheckConstraint(
                condition=Q(last_year__lte=F("first_year") + MAX_CONVENTION_YEARS - 1),
                name="convention_at_most_three_years",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | Q(agreed_at__isnull=False), name="agreed_convention_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.structure.name} · convention {self.first_year}-{self.last_year} ({self.get_status_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("conventions:detail", args=[self.pk])

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def span(self) -> str:
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}-{self.last_year}"


class ConventionYear(models.Model):
    """One year of a convention: its conventioned posts and its objectives."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="convention_years")
    # Repeated from the convention (kept in step by `services`), for the index below.
    structure = models.ForeignKey("dossiers.Structure", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField("année")
    agreed = models.BooleanField("conclue", default=False)
    insertion_posts_etp = insertion_posts_field()

    history = HistoricalRecords(verbose_name="historique de l'année de convention")

    class Meta:
        verbose_name = "année de convention"
        verbose_name_plural = "années de convention"
        ordering = ["convention", "year"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "year"], name="one_row_per_convention_year"),
            models.UniqueConstraint(
                fields=["structure", "year"],
                condition=Q(agreed=True),
                name="one_agreed_convention_per_structure_year",
                violation_error_message="Une convention conclue couvre déjà cette année pour cette structure.",
            ),
            models.CheckConstraint(condition=Q(insertion_posts_etp__gte=0), name="convention_posts_not_negative"),
        ]

    def __str__(self):
        return f"{self.convention} · {self.year}"


# The indicators an objective can be set on. Rates: fractions 0-1; exits: a count.
class Indicator(models.TextChoices):
    EXITS = "exits", "sorties prévues"
    OFFICIAL = "official", "taux de sortie dynamique"
    URIAE = "uriae", "taux de sortie dynamique (variante URIAE)"
    DURABLE = "durable", "taux d'emploi durable"
    TRANSITION = "transition", "taux de sortie vers l'emploi de transition"
    POSITIVE = "positive", "taux de sortie positive"


# The rule of each rate indicator measured with the official definition.
BASE_DEFINITIONS = {
    Indicator.OFFICIAL: OFFICIAL,
    Indicator.URIAE: URIAE,
    Indicator.DURABLE: DURABLE_RATE,
    Indicator.TRANSITION: RateDefinition(
        "transition", "Taux de sortie vers l'emploi de transition", numerator_categories=frozenset({TRANSITION})
    ),
    Indicator.POSITIVE: RateDefinition(
        "positive", "Taux de sortie positive", numerator_categories=frozenset({POSITIVE})
    ),
}
# The indicators a custom definition may replace the official rule of.
CUSTOMIZABLE = (Indicator.OFFICIAL, Indicator.DURABLE, Indicator.TRANSITION, Indicator.POSITIVE)
REQUIRED_INDICATORS = (Indicator.EXITS, Indicator.OFFICIAL, Indicator.DURABLE)


class Objective(models.Model):
    """The target of one indicator for one convention year, measured with the official rule or with
    a custom definition (its excluded motives and its full-time condition on durable employment)."""

    Indicator = Indicator

    convention_year = models.ForeignKey(ConventionYear, on_delete=models.CASCADE, related_name="objectives")
    indicator = models.CharField("indicateur", max_length=12, choices=Indicator)
    definition = optional_foreign_key(
        "indicators.CustomRateDefinition",
        models.PROTECT,
        "définition personnalisée",
        help_text="Vide : la définition officielle.",
    )
    # A fraction 0-1 for a rate (0.6 for 60 %), a number of exits for `exits`.
    target = models.DecimalField("objectif", max_digits=8, decimal_places=4)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique de l'objectif")

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["convention_year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["convention_year", "indicator"], name="one_objective_per_indicator"),
            models.CheckConstraint(
                condition=Q(indicator="exits", target__gte=0)
                | (~Q(indicator="exits") & Q(target__gte=0, target__lte=1)),
                name="objective_target_in_range",
            ),
            models.CheckConstraint(
                condition=Q(definition__isnull=True) | Q(indicator__in=[str(i) for i in CUSTOMIZABLE]),
                name="objective_custom_only_on_rates",
            ),
        ]

    def __str__(self):
        return f"{self.convention_year} · {self.get_indicator_display()}"

    @property
    def is_rate(self) -> bool:
        return self.indicator != Indicator.EXITS

    @property
    def key(self) -> str:
        """The indicator's key in the reports: the indicator code, or the custom definition's id."""
        return str(self.definition_id) if self.definition_id else self.indicator

    @property
    def definition_label(self) -> str:
        if self.indicator == Indicator.EXITS:
            return "Nombre de sorties de l'année"
        if self.definition_id:
            return f"{Indicator(self.indicator).label.capitalize()} · {self.definition.name}"
        return BASE_DEFINITIONS[self.indicator].label

    def rate_definition(self) -> RateDefinition | None:
        """The rule the objective is measured with (None for exits)."""
        if self.indicator == Indicator.EXITS:
            return None
        base = BASE_DEFINITIONS[self.indicator]
        if not self.definition_id:
            return base
        custom = self.definition
        return RateDefinition(
            code=f"custom-{custom.pk}-{self.indicator}",
            label=custom.name,
            numerator_categories=base.numerator_categories,
            excluded_motives=frozenset(custom.excluded_motives) | base.excluded_motives,
            durable_requires_full_time=custom.durable_requires_full_time,
        )


class ConventionComment(models.Model):
    """What the network advisor (or the agent) says of a proposal."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur"
    )
    author_role = models.CharField("en qualité de", max_length=20)
    text = bounded_text_field("commentaire", COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "commentaire de convention"
        verbose_name_plural = "commentaires de convention"
        ordering = ["created_at", "pk"]
        constraints = [length_constraint("text", COMMENT_MAX_LENGTH, "convention_comment_length")]

    def __str__(self):
        return f"{self.author} sur {self.convention}"
