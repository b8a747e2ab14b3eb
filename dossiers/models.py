from django.db import models
from django.db.models import Q

from siae_portal.reference import DEPARTEMENTS, NETWORKS, STRUCTURE_KINDS, departement_label

from .validators import normalize_siret, validate_departement, validate_siret

StructureKind = models.TextChoices("StructureKind", [(code, (code, label)) for code, label in STRUCTURE_KINDS])


class Network(models.Model):
    code = models.CharField("code", max_length=30, unique=True, help_text="Par exemple URIAE, COORACE, FEI.")
    name = models.CharField("nom", max_length=200)

    class Meta:
        verbose_name = "réseau"
        verbose_name_plural = "réseaux"
        ordering = ["code"]

    def __str__(self):
        return self.code if self.code == self.name else f"{self.code} ({self.name})"

    @classmethod
    def known_codes(cls):
        return [code for code, _ in NETWORKS]


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
            condition |= Q(
                pk__in=Structure.networks.through.objects.filter(network_id__in=scope.network_ids).values(
                    "structure_id"
                )
            )
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
        choices=[(code, departement_label(code)) for code in DEPARTEMENTS],
        validators=[validate_departement],
        db_index=True,
    )
    commune = models.CharField("commune", max_length=120)
    address = models.CharField("adresse", max_length=250, blank=True)
    networks = models.ManyToManyField(Network, blank=True, related_name="structures", verbose_name="réseaux")
    insertion_posts_etp = models.DecimalField(
        "postes d'insertion conventionnés (ETP)", max_digits=7, decimal_places=2, default=0
    )
    activity = models.TextField("activité", blank=True, help_text="Supports d'activité, métiers exercés, clients.")
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(insertion_posts_etp__gte=0), name="structure_posts_not_negative"),
            models.CheckConstraint(
                condition=Q(kind__in=[code for code, _ in STRUCTURE_KINDS]), name="structure_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.kind})"

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("dossiers:structure_detail", args=[self.pk])

    @property
    def siret_display(self):
        s = self.siret
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"
