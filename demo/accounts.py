"""accounts.json: the demo accounts (one password for all, given in the README) and their
memberships. Idempotent: keyed by e-mail, and by (role, target) for the memberships."""

from accounts.models import Membership, User

from .seeding import check, json_document, json_objects, one_of

# The key of a membership that names its target, by role.
TARGET_KEYS = {
    Membership.Role.SIAE_EDITOR: "structure",
    Membership.Role.SIAE_READER: "structure",
    Membership.Role.ADVISOR: "network",
    Membership.Role.AGENT: "departement",
}


def load(seeding, path):
    document = json_document(path, required=["password", "accounts"])
    password = document["password"]
    if not isinstance(password, str) or not password:
        raise document.error(path, "« password » est le mot de passe commun des comptes (un texte).")
    entries = json_objects(
        path,
        document["accounts"],
        key="accounts",
        required=["email", "first_name", "last_name"],
        optional=["staff", "memberships"],
    )
    for entry in entries:
        staff = entry.get("staff", False)
        if type(staff) is not bool:
            raise entry.error(path, "« staff » vaut true ou false.")
        user = User(email=entry["email"], first_name=entry["first_name"], last_name=entry["last_name"])
        check(user, entry, path, exclude=["password"], validate_unique=False)
        listed = json_objects(
            path,
            entry.get("memberships", []),
            key="memberships",
            required=["role"],
            optional=set(TARGET_KEYS.values()),
        )
        memberships = [_membership(seeding, path, membership) for membership in listed]
        existing = User.objects.filter(email=user.email).first()
        if existing is None:
            existing = User.objects.create_user(
                email=user.email,
                password=password,
                first_name=user.first_name,
                last_name=user.last_name,
                is_staff=staff,
                is_superuser=staff,
            )
        for role, target in memberships:
            Membership.objects.get_or_create(user=existing, role=role, is_active=True, **target)
    structures, networks = len(seeding.structures), len(seeding.networks)
    seeding.stdout.write(f"{structures} structures, {networks} réseaux, {len(entries)} comptes de démonstration.")


def _membership(seeding, path, entry) -> tuple[str, dict]:
    role = one_of(entry, path, "role", Membership.Role.values, "rôle inconnu")
    key = TARGET_KEYS[role]
    if set(entry) != {"role", key}:
        raise entry.error(path, f"un rattachement « {role} » a exactement les clés role et {key}.")
    if key == "structure":
        return role, {"structure": one_of(entry, path, key, seeding.structures, "structure inconnue")}
    if key == "network":
        return role, {"network": one_of(entry, path, key, seeding.networks, "réseau inconnu")}
    check(Membership(role=role, departement=entry[key]), entry, path, exclude=["user"], validate_unique=False)
    return role, {"departement": entry[key]}
