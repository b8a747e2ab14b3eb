from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from siae_portal.fields import optional_foreign_key
from siae_portal.reference import DEPARTEMENTS
from siae_portal.validators import validate_departement


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


@dataclass(frozen=True)
class Scope:
    """What a user may see, read once from its active memberships."""

    is_admin: bool = False
    editor_structure_ids: frozenset = field(default_factory=frozenset)
    reader_structure_ids: frozenset = field(default_factory=frozenset)
    network_ids: frozenset = field(default_factory=frozenset)
    departements: frozenset = field(default_factory=frozenset)

    @property
    def structure_ids(self) -> frozenset:
        return self.editor_structure_ids | self.reader_structure_ids

    @property
    def is_siae(self) -> bool:
        return bool(self.structure_ids)

    @property
    def is_advisor(self) -> bool:
        return bool(self.network_ids)

    @property
    def is_agent(self) -> bool:
        return bool(self.departements)

    @property
    def is_empty(self) -> bool:
        return not (self.is_admin or self.structure_ids or self.network_ids or self.departements)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField(
        "administrateur du portail", default=False, help_text="Accès à l'administration et à toutes les structures."
    )
    is_active = models.BooleanField("actif", default=True)
    receives_digest = models.BooleanField(
        "reçoit le récapitulatif hebdomadaire",
        default=True,
        help_text="Conseillers et agents : un e-mail par semaine (transmissions, signaux, dossiers en retard).",
    )
    date_joined = models.DateTimeField("date d'inscription", default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @cached_property
    def scope(self) -> Scope:
        if not self.is_authenticated or not self.is_active:
            return Scope()
        editors, readers, networks, departements = set(), set(), set(), set()
        for role, structure_id, network_id, departement in self.memberships.active().values_list(
            "role", "structure_id", "network_id", "departement"
        ):
            if role == Membership.Role.SIAE_EDITOR:
                editors.add(structure_id)
            elif role == Membership.Role.SIAE_READER:
                readers.add(structure_id)
            elif role == Membership.Role.ADVISOR:
                networks.add(network_id)
            elif role == Membership.Role.AGENT:
                departements.add(departement)
        return Scope(
            is_admin=self.is_staff or self.is_superuser,
            editor_structure_ids=frozenset(editors),
            reader_structure_ids=frozenset(readers - editors),
            network_ids=frozenset(networks),
            departements=frozenset(departements),
        )


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class MembershipRole(models.TextChoices):
    SIAE_EDITOR = "siae_editor", "salarié de la SIAE (rédacteur)"
    SIAE_READER = "siae_reader", "salarié de la SIAE (lecture seule)"
    ADVISOR = "advisor", "conseiller de réseau"
    AGENT = "agent", "agent DDTEFP"


SIAE_ROLES = (MembershipRole.SIAE_EDITOR, MembershipRole.SIAE_READER)


class Membership(models.Model):
    Role = MembershipRole
    SIAE_ROLES = SIAE_ROLES

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur")
    role = models.CharField("rôle", max_length=20, choices=Role)
    structure = optional_foreign_key("dossiers.Structure", models.PROTECT, "structure", related_name="memberships")
    network = optional_foreign_key("dossiers.Network", models.PROTECT, "réseau", related_name="memberships")
    departement = models.CharField(
        "département",
        max_length=3,
        blank=True,
        choices=[(code, code) for code in DEPARTEMENTS],
        validators=[validate_departement],
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    deactivated_at = models.DateTimeField("désactivée le", null=True, blank=True)
    history = HistoricalRecords(verbose_name="historique du rattachement")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rattachement"
        verbose_name_plural = "rattachements"
        ordering = ["user", "role"]
        constraints = [
            # Each role points at exactly the organisation it is about, and nothing else.
            models.CheckConstraint(
                condition=(
                    Q(role__in=SIAE_ROLES, structure__isnull=False, network__isnull=True, departement="")
                    | Q(role=MembershipRole.ADVISOR, structure__isnull=True, network__isnull=False, departement="")
                    | Q(role=MembershipRole.AGENT, structure__isnull=True, network__isnull=True) & ~Q(departement="")
                ),
                name="membership_target_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "structure"],
                condition=Q(is_active=True, structure__isnull=False),
                name="one_active_structure_membership_per_role",
            ),
            models.UniqueConstraint(
                fields=["user", "network"],
                condition=Q(is_active=True, network__isnull=False),
                name="one_active_network_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "departement"],
                condition=Q(is_active=True, role=MembershipRole.AGENT),
                name="one_active_departement_membership",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.target_label}"

    def save(self, *args, **kwargs):
        # However it is switched off (admin form, inline, code), the deactivation is dated.
        deactivated_at = None if self.is_active else (self.deactivated_at or timezone.now())
        if deactivated_at != self.deactivated_at:
            self.deactivated_at = deactivated_at
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "deactivated_at"}
        super().save(*args, **kwargs)

    @property
    def target_label(self) -> str:
        if self.role in self.SIAE_ROLES:
            return str(self.structure)
        if self.role == self.Role.ADVISOR:
            return str(self.network)
        return f"département {self.departement}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.role in self.SIAE_ROLES:
            if not self.structure_id:
                errors["structure"] = "Un rattachement SIAE doit désigner une structure."
            self.network, self.departement = None, ""
        elif self.role == self.Role.ADVISOR:
            if not self.network_id:
                errors["network"] = "Un conseiller doit être rattaché à un réseau."
            self.structure, self.departement = None, ""
        elif self.role == self.Role.AGENT:
            if not self.departement:
                errors["departement"] = "Un agent DDTEFP doit être rattaché à un département."
            self.structure, self.network = None, None
        if errors:
            raise ValidationError(errors)

    def deactivate(self):
        self.is_active = False
        self.deactivated_at = timezone.now()
        self.save(update_fields=["is_active", "deactivated_at"])

    def delete(self, *args, **kwargs):
        # Memberships are history: they are deactivated, never deleted.
        self.deactivate()
        return (0, {})


class NotificationQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(sent_at__isnull=False)


class Notification(models.Model):
    """One e-mail the portal wrote to one user (siae_portal/emails.py `send` records every one), so that
    the user can read in the portal what it was told. `sent_at` stays empty when the mail server failed.
    `key` names a message that must leave once only (a reminder, a digest): unique per user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name="utilisateur")
    template = models.CharField("gabarit", max_length=100)
    subject = models.CharField("objet", max_length=250)
    body = models.TextField("texte")
    key = models.CharField("clé", max_length=200, blank=True)
    # What the message reported, for the next one of its kind to tell only what is new (the digest's signals).
    facts = models.JSONField("éléments signalés", default=list, blank=True)
    created_at = models.DateTimeField("écrit le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="one_notification_per_user_and_key"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.subject}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
