from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from siae_portal.collation import French
from siae_portal.fields import optional_foreign_key
from siae_portal.reference import (
    DEPARTEMENT_CHOICES,
    ELIGIBILITY_HOURS,
    EXIT_CATEGORIES,
    EXIT_MOTIVES,
    KINDS_ELIGIBLE_BY_DURATION,
    KINDS_ELIGIBLE_BY_HOURS,
    PRESCRIBERS,
)
from siae_portal.text_limits import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    bounded_text_field,
    length_constraint,
)

from .calculations import RateDefinition, eligibility_date

ExitMotive = models.TextChoices("ExitMotive", [(m.code, (m.code, m.label)) for m in EXIT_MOTIVES])
ExitCategory = models.TextChoices("ExitCategory", [(code, (code, label)) for code, label in EXIT_CATEGORIES])
Prescriber = models.TextChoices("Prescriber", [(code, (code, label)) for code, label in PRESCRIBERS])


# Invisible characters a spreadsheet cell or a form may carry: refused in a reference (a spreadsheet
# could not hold it, and it would not be seen).
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"
CONTROL_CHARACTERS_MESSAGE = (
    "la référence contient un caractère invisible (tabulation, saut de ligne...) : retirez-le."
)


def eligible_exit_q(prefix: str = "") -> Q:
    """SQL condition of an eligible exit (docs/domain.md): 3 calendar months for ACI/EI (compared with
    the stored `eligible_from` date), 150 hours for AI/ETTI."""
    return Q(
        **{f"{prefix}structure__kind__in": sorted(KINDS_ELIGIBLE_BY_DURATION)},
        **{f"{prefix}exit_date__gte": models.F(f"{prefix}eligible_from")},
    ) | Q(
        **{f"{prefix}structure__kind__in": sorted(KINDS_ELIGIBLE_BY_HOURS)},
        **{f"{prefix}hours_worked__gte": ELIGIBILITY_HOURS},
    )


class ExitRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        from dossiers.models import Structure

        return self.filter(structure__in=Structure.objects.visible_to(user))

    def in_years(self, first_year: int, last_year: int | None = None):
        """The exits dated in `first_year` (or from `first_year` to `last_year`), both ends
        included: a date range, so that the (structure, exit_date) index serves."""
        last_year = first_year if last_year is None else last_year
        return self.filter(exit_date__range=(date(first_year, 1, 1), date(last_year, 12, 31)))

    # Writes that bypass save(): each refreshes the rollup of what it touched, in its transaction.

    def bulk_create(self, objs, *args, **kwargs):
        from . import rollup

        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            rollup.touch({(obj.structure_id, obj.exit_date.year) for obj in objs})
        return created

    def update(self, **kwargs):
        from . import rollup

        with transaction.atomic(using=self.db):
            before = set(self.order_by().values_list("structure_id", flat=True).distinct())
            updated = super().update(**kwargs)
            moved_to = kwargs.get("structure_id", getattr(kwargs.get("structure"), "pk", kwargs.get("structure")))
            if before:
                rollup.refresh(before | ({moved_to} if moved_to else set()))
        return updated

    update.alters_data = True

    def delete(self):
        from . import rollup

        with rollup.deferred():  # one refresh per structure and year, not one per record
            return super().delete()

    delete.alters_data = True


# What an exit record says of the person's pathway and what followed, after the exit itself: the
# fields that the exit form shows and that the national seed copies, in this order.
PATHWAY_FIELDS = (
    "full_time",
    "support_hours_internal",
    "support_hours_external",
    "training_entries",
    "training_support_actions",
    "situation_3_months",
    "situation_6_months",
    "situation_12_months",
    "signed_statement",
)
# Every column of an exit that a bulk write sets (the national seed's COPY, the import), in this order.
EXIT_COLUMNS = (
    "structure_id",
    "reference",
    "entry_date",
    "exit_date",
    "eligible_from",
    "hours_worked",
    "exit_motive",
    "prescriber",
    *PATHWAY_FIELDS,
    "created_at",
    "updated_at",
)


class ExitRecord(models.Model):
    """The end of one salarié's pathway in a structure. Pseudonymous: never a name."""

    Motive = ExitMotive

    # No index of its own: "exit_structure_date" and the unique key both start with the structure.
    structure = models.ForeignKey(
        "dossiers.Structure",
        on_delete=models.CASCADE,
        related_name="exit_records",
        verbose_name="structure",
        db_index=False,
    )
    reference = models.CharField(
        "référence du salarié",
        max_length=50,
        help_text="Référence pseudonyme choisie par la structure : jamais de nom ni de numéro de sécurité sociale.",
        validators=[
            RegexValidator(
                CONTROL_CHARACTERS,
                inverse_match=True,
                message=capfirst(CONTROL_CHARACTERS_MESSAGE),
            )
        ],
    )
    entry_date = models.DateField("date d'entrée")
    exit_date = models.DateField("date de sortie")
    # Derived from entry_date (entry + 3 calendar months), stored so that eligibility is one SQL comparison.
    eligible_from = models.DateField("éligible à partir du", editable=False)
    hours_worked = models.DecimalField(
        "heures travaillées",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Obligatoire pour les AI et ETTI.",
    )
    exit_motive = models.CharField("motif de sortie", max_length=30, choices=ExitMotive)
    prescriber = models.CharField("prescripteur", max_length=30, choices=Prescriber, blank=True)
    full_time = models.BooleanField("emploi à temps plein", null=True, blank=True)
    support_hours_internal = models.DecimalField(
        "heures d'accompagnement internes", max_digits=8, decimal_places=2, default=0
    )
    support_hours_external = models.DecimalField(
        "heures d'accompagnement avec des interlocuteurs extérieurs", max_digits=8, decimal_places=2, default=0
    )
    training_entries = models.PositiveSmallIntegerField("entrées en formation", default=0)
    training_support_actions = models.PositiveSmallIntegerField(
        "actions d'accompagnement vers la formation", default=0
    )
    situation_3_months = models.CharField("situation à 3 mois", max_length=30, choices=ExitMotive, blank=True)
    situation_6_months = models.CharField("situation à 6 mois", max_length=30, choices=ExitMotive, blank=True)
    situation_12_months = models.CharField("situation à 12 mois", max_length=30, choices=ExitMotive, blank=True)
    signed_statement = models.BooleanField("attestation de sortie signée", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique de la sortie")
    objects = ExitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "sortie"
        verbose_name_plural = "sorties"
        ordering = ["-exit_date", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "reference", "entry_date"], name="one_exit_per_reference_and_entry"
            ),
            models.CheckConstraint(condition=Q(exit_date__gte=models.F("entry_date")), name="exit_after_entry"),
            models.CheckConstraint(
                condition=Q(hours_worked__isnull=True) | Q(hours_worked__gte=0), name="hours_worked_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(support_hours_internal__gte=0, support_hours_external__gte=0),
                name="support_hours_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["structure", "exit_date"], name="exit_structure_date")]

    def __str__(self):
        return f"{self.reference} ({self.entry_date:%d/%m/%Y} → {self.exit_date:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        """Saved with the rollup of its structure and year (both the old and the new ones), in
        one transaction."""
        from . import rollup

        self.eligible_from = eligibility_date(self.entry_date)
        with transaction.atomic():
            old = getattr(self, "_rollup_key", None)
            if old is None and self.pk is not None:
                found = ExitRecord.objects.filter(pk=self.pk).values_list("structure_id", "exit_date").first()
                old = (found[0], found[1].year) if found else None
            super().save(*args, **kwargs)
            self._rollup_key = self._current_rollup_key()
            rollup.touch({key for key in (old, self._rollup_key) if key})

    @classmethod
    def for_bulk_create(cls, **fields):
        """An unsaved record with `eligible_from` derived as save() derives it: bulk_create, which the
        seeds and the tests use for speed, does not call save()."""
        return cls(eligible_from=eligibility_date(fields["entry_date"]), **fields)

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        record._rollup_key = record._current_rollup_key()
        return record

    def _current_rollup_key(self):
        exit_date = self.__dict__.get("exit_date")
        structure_id = self.__dict__.get("structure_id")
        return (structure_id, exit_date.year) if exit_date and structure_id else None


class ExitRollup(models.Model):
    """The exit figures of one structure, year and motive, recomputed from the raw exits by every
    write (indicators/rollup.py): what the indicators read. Never edited by hand."""

    structure = models.ForeignKey("dossiers.Structure", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField("année")
    # The structure's kind, copied (a kind change refreshes the structure): the trends per kind
    # need no join.
    kind = models.CharField("type de SIAE", max_length=4)
    exit_motive = models.CharField("motif de sortie", max_length=30, choices=ExitMotive)
    total = models.PositiveIntegerField("sorties")
    eligible = models.PositiveIntegerField("sorties éligibles")
    eligible_full_time = models.PositiveIntegerField("sorties éligibles à temps plein")
    known_3 = models.PositiveIntegerField("situations connues à 3 mois (éligibles)")
    dynamic_3 = models.PositiveIntegerField("situations dynamiques à 3 mois (éligibles)")
    known_6 = models.PositiveIntegerField("situations connues à 6 mois (éligibles)")
    dynamic_6 = models.PositiveIntegerField("situations dynamiques à 6 mois (éligibles)")
    known_12 = models.PositiveIntegerField("situations connues à 12 mois (éligibles)")
    dynamic_12 = models.PositiveIntegerField("situations dynamiques à 12 mois (éligibles)")
    support_hours_internal = models.DecimalField("heures d'accompagnement internes", max_digits=14, decimal_places=2)
    support_hours_external = models.DecimalField("heures d'accompagnement externes", max_digits=14, decimal_places=2)
    training_entries = models.PositiveIntegerField("entrées en formation")
    training_support_actions = models.PositiveIntegerField("actions vers la formation")
    signed_statements = models.PositiveIntegerField("attestations signées")

    class Meta:
        verbose_name = "agrégat des sorties"
        verbose_name_plural = "agrégats des sorties"
        constraints = [
            models.UniqueConstraint(fields=["structure", "year", "exit_motive"], name="one_rollup_row_per_motive"),
        ]
        indexes = [
            # The whole country's year (the dashboards' tables and trends) reads by year.
            models.Index(fields=["year", "structure"], name="rollup_year_structure"),
            # A network's or a département's counts (`selectors.motive_counts`) are read from this
            # index alone on PostgreSQL (an index-only scan: 11 ms instead of 26 ms for a network
            # of 300 structures over six years); other databases ignore `include`.
            models.Index(
                fields=["structure", "year"],
                include=["kind", "exit_motive", "total", "eligible", "eligible_full_time"],
                name="rollup_structure_year_counts",
            ),
        ]

    def __str__(self):
        return f"{self.structure_id} {self.year} {self.exit_motive}"


class PrescriberPositioning(models.Model):
    """Per structure and year: people positioned by a prescriber, and people hired among them."""

    structure = models.ForeignKey(
        "dossiers.Structure", on_delete=models.CASCADE, related_name="positionings", verbose_name="structure"
    )
    year = models.PositiveSmallIntegerField("année")
    prescriber = models.CharField("prescripteur", max_length=30, choices=Prescriber)
    positioned = models.PositiveIntegerField("personnes positionnées", default=0)
    hired = models.PositiveIntegerField("personnes embauchées", default=0)

    class Meta:
        verbose_name = "positionnement par prescripteur"
        verbose_name_plural = "positionnements par prescripteur"
        ordering = ["structure", "-year", "prescriber"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "year", "prescriber"], name="one_positioning_per_prescriber"),
            models.CheckConstraint(condition=Q(hired__lte=models.F("positioned")), name="hired_within_positioned"),
        ]

    def __str__(self):
        return f"{self.structure} {self.year} · {self.get_prescriber_display()}"


def _departements_of(structure_ids):
    from dossiers.models import Structure

    return Structure.objects.filter(pk__in=structure_ids).values("departement")


class CustomRateDefinitionQuerySet(models.QuerySet):
    def visible_to(self, user, *, structure=None, network_code: str | None = None):
        """The definitions `user` sees: the portal-wide ones, those of its networks (advisor) and of
                its structures' networks (SIAE staff, so they see what their network computes), those of its
        départements (agent) and of its structures' départements; all of them
                for an administrator. Also those of `structure`'s networks (the structure's dashboard shows
                what its networks compute, to whoever sees it) and of the network `network_code` (the
                report of a network). `user=None` is no reader (the `indicators` command): the portal-wide
                definitions, and those that `structure` or `network_code` add. Inactive ones included:
                chain `.active()` for the rates to compute."""
        scope = user.scope if user is not None else None
        definitions = self.select_related("network", "created_by")
        if scope is not None and scope.is_admin:
            return definitions
        condition = Q(network__isnull=True, departement="")
        if scope is not None:
            condition |= Q(network_id__in=scope.network_ids)
            if scope.structure_ids:
                condition |= Q(network__structures__in=scope.structure_ids)
            # A département's own definitions: its agents, and whoever sees one of its structures.
            condition |= Q(departement__in=scope.departements)
            if scope.structure_ids:
                condition |= Q(departement__in=_departements_of(scope.structure_ids))
        if structure is not None:
            condition |= Q(network__structures=structure) | Q(departement=structure.departement)
        if network_code:
            condition |= Q(network__code=network_code)
        return definitions.filter(condition).distinct()

    def active(self):
        return self.filter(is_active=True)


class CustomRateDefinition(models.Model):
    """A variant of the official rate that an advisor or an administrator defines, always shown
    beside the official rate (e.g. "emploi durable seulement à temps plein")."""

    name = models.CharField("nom", max_length=120)
    description = bounded_text_field("description", DESCRIPTION_MAX_LENGTH, blank=True)
    excluded_motives = models.JSONField(
        "motifs retirés du dénominateur", default=list, blank=True, help_text="Codes des motifs de sortie retirés."
    )
    durable_requires_full_time = models.BooleanField("emploi durable seulement à temps plein", default=False)
    network = optional_foreign_key(
        "dossiers.Network",
        models.CASCADE,
        "réseau",
        related_name="rate_definitions",
        help_text="Vide : définition du portail, visible de tous.",
    )
    # A département's own definition (an agent's: "critères complémentaires imposés par une
    # DDTEFP"), seen by whoever sees a structure of the département; exclusive with `network`.
    departement = models.CharField(
        "département",
        max_length=3,
        blank=True,
        choices=DEPARTEMENT_CHOICES,
        help_text="Définition propre à un département (DDTEFP).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords(verbose_name="historique de la définition de taux")

    objects = CustomRateDefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = "définition de taux personnalisée"
        verbose_name_plural = "définitions de taux personnalisées"
        ordering = [French("name")]
        constraints = [
            length_constraint("description", DESCRIPTION_MAX_LENGTH, "rate_definition_description_length"),
            models.CheckConstraint(
                condition=Q(network__isnull=True) | Q(departement=""), name="rate_definition_network_or_departement"
            ),
        ]

    def __str__(self):
        return self.name

    def as_definition(self) -> RateDefinition:
        return RateDefinition(
            code=f"custom-{self.pk}",
            label=self.name,
            excluded_motives=frozenset(self.excluded_motives),
            durable_requires_full_time=self.durable_requires_full_time,
        )


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every follow-up of the structures `user` watches (advisor, agent, administrator); for
        the structure's own staff, only the ones shared with the structure."""
        from .watchlist import watched_structures

        watched = self.filter(structure__in=watched_structures(user))
        scope = user.scope
        if scope.is_admin:
            return self
        if scope.is_siae:
            shared = self.filter(shared_with_structure=True, structure_id__in=scope.structure_ids)
            return watched | shared
        return watched


class FollowUp(models.Model):
    """One entry of the follow-up log of a structure on the watchlist: who followed it up, when,
    the note or decision, and the next date; shared with the structure's staff or not."""

    structure = models.ForeignKey(
        "dossiers.Structure", on_delete=models.CASCADE, related_name="follow_ups", verbose_name="structure"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups", verbose_name="auteur"
    )
    created_at = models.DateTimeField("date", auto_now_add=True)
    decision = bounded_text_field("note ou décision", COMMENT_MAX_LENGTH)
    next_date = models.DateField("prochain point", null=True, blank=True)
    shared_with_structure = models.BooleanField("partagée avec la structure", default=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "suivi de structure"
        verbose_name_plural = "suivis de structure"
        ordering = ["-created_at", "-pk"]
        constraints = [length_constraint("decision", COMMENT_MAX_LENGTH, "follow_up_decision_length")]

    def __str__(self):
        return f"{self.structure} · {self.created_at:%d/%m/%Y}"
