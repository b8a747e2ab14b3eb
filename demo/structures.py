"""structures.csv: the structures of Nord and Pas-de-Calais (SIRETs with valid keys), with the
networks of the reference data. Idempotent: keyed by network code and SIRET."""

from dossiers.models import Network, Structure
from siae_portal.datafiles import read_csv
from siae_portal.reference import NETWORKS

from .seeding import check

COLUMNS = ["name", "siret", "kind", "departement", "commune", "address", "networks", "insertion_posts_etp", "activity"]


def load(seeding, path):
    for code, name in NETWORKS:
        seeding.networks[code], _ = Network.objects.get_or_create(code=code, defaults={"name": name})
    rows = read_csv(path, COLUMNS)
    lines = {}
    for row in rows:
        for key in ("name", "siret"):
            if (key, row[key]) in lines:
                raise row.error(path, f"« {row[key]} » est déjà sur la ligne {lines[key, row[key]]}.")
            lines[key, row[key]] = row.line
        codes = row["networks"].split()
        unknown = [code for code in codes if code not in seeding.networks]
        if unknown:
            raise row.error(path, f"réseau inconnu « {' '.join(unknown)} » (codes séparés par des espaces).")
        fields = {key: row[key] for key in COLUMNS if key != "networks"}
        # Validated whether or not it exists: a wrong file is an error on every run.
        structure = check(Structure(**fields), row, path, validate_unique=False)
        existing = Structure.objects.filter(siret=structure.siret).first()
        if existing is None:
            structure.save()
            structure.networks.set([seeding.networks[code] for code in codes])
        seeding.structures[row["name"]] = existing or structure
