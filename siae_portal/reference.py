"""Reference data shared by the whole portal, and nowhere else.

Plain Python (no model, no database) so that pure calculations can use it too; the list of
départements is read from `data/departements.csv` by `siae_portal.datafiles`. Models turn these
lists into `TextChoices` (see `dossiers.models` and `indicators.models`).
"""

from dataclasses import dataclass
from pathlib import Path

from siae_portal.datafiles import read_csv

# --- Structures -----------------------------------------------------------------------------

STRUCTURE_KINDS = [
    ("EI", "Entreprise d'insertion (EI)"),
    ("ETTI", "Entreprise de travail temporaire d'insertion (ETTI)"),
    ("AI", "Association intermédiaire (AI)"),
    ("ACI", "Atelier et chantier d'insertion (ACI)"),
]
# Eligibility of an exit for the dynamic rate: a stay of 3 calendar months (ACI, EI) or
# 150 hours worked (AI, ETTI).
KINDS_ELIGIBLE_BY_DURATION = frozenset({"ACI", "EI"})
KINDS_ELIGIBLE_BY_HOURS = frozenset({"AI", "ETTI"})
ELIGIBILITY_MONTHS = 3
ELIGIBILITY_HOURS = 150
# As the pages say it: "3 mois ACI/EI, 150 heures AI/ETTI".
ELIGIBILITY_RULE = (
    f"{ELIGIBILITY_MONTHS} mois {'/'.join(sorted(KINDS_ELIGIBLE_BY_DURATION))}, "
    f"{ELIGIBILITY_HOURS} heures {'/'.join(sorted(KINDS_ELIGIBLE_BY_HOURS))}"
)

NETWORKS = [
    ("URIAE", "Union régionale des structures d'insertion par l'activité économique"),
    ("COORACE", "COORACE"),
    ("CHANTIER_ECOLE", "CHANTIER école"),
    ("FEI", "Fédération des entreprises d'insertion (ex-CNEI)"),
    ("UNAI", "Union nationale des associations intermédiaires"),
    ("FNARS", "Fédération des acteurs de la solidarité (ex-FNARS)"),
]

# The official list (INSEE's code officiel géographique), in its order: 01 to 19, 2A, 2B, 21 to 95,
# then 971 to 974 and 976 (975, Saint-Pierre-et-Miquelon, is a collectivité, not a département).
DEPARTEMENT_NAMES = {
    row["code"]: row["name"]
    for row in read_csv(Path(__file__).with_name("data") / "departements.csv", ["code", "name"])
}
DEPARTEMENTS = list(DEPARTEMENT_NAMES)


def departement_label(code: str) -> str:
    """ "59 - Nord"; an unknown code as it is."""
    name = DEPARTEMENT_NAMES.get(code)
    return f"{code} - {name}" if name else code


DEPARTEMENT_CHOICES = [(code, departement_label(code)) for code in DEPARTEMENTS]


# --- Exits ----------------------------------------------------------------------------------

DURABLE = "durable"
TRANSITION = "transition"
POSITIVE = "positive"
OTHER = "other"
RETRAIT = "retrait"

EXIT_CATEGORIES = [
    (DURABLE, "Emploi durable"),
    (TRANSITION, "Emploi de transition"),
    (POSITIVE, "Sortie positive"),
    (OTHER, "Autre sortie"),
    (RETRAIT, "Retrait (non comptabilisé)"),
]
DYNAMIC_CATEGORIES = frozenset({DURABLE, TRANSITION, POSITIVE})


@dataclass(frozen=True)
class ExitMotive:
    code: str
    label: str
    category: str


EXIT_MOTIVES = [
    ExitMotive("cdi_non_aide", "Embauche en CDI non aidé", DURABLE),
    ExitMotive("cdi_aide", "Embauche en CDI aidé", DURABLE),
    ExitMotive("cdi_structure", "CDI dans la structure ou une filiale, hors poste d'insertion", DURABLE),
    ExitMotive("cdd_6m_plus", "CDD (sans aide publique) ou mission d'intérim de 6 mois et plus", DURABLE),
    ExitMotive("creation_entreprise", "Création ou reprise d'entreprise", DURABLE),
    ExitMotive("fonction_publique", "Stage ou titularisation dans la fonction publique", DURABLE),
    ExitMotive("cdd_moins_6m", "CDD (sans aide publique) ou mission d'intérim de moins de 6 mois", TRANSITION),
    ExitMotive("contrat_aide", "Contrat aidé chez un employeur de droit commun (hors IAE)", TRANSITION),
    ExitMotive("formation_qualifiante", "Entrée en formation pré-qualifiante ou qualifiante", POSITIVE),
    ExitMotive("autre_siae", "Embauche dans une autre structure IAE", POSITIVE),
    ExitMotive("retraite", "Prise des droits à la retraite", POSITIVE),
    ExitMotive("autre_positive", "Autre sortie reconnue comme positive", POSITIVE),
    ExitMotive("chomage", "Au chômage", OTHER),
    ExitMotive("inactif", "Inactif", OTHER),
    ExitMotive("autre_situation_connue", "Autre situation connue", OTHER),
    ExitMotive("sans_nouvelle", "Sans nouvelle", OTHER),
    ExitMotive("rupture_essai", "Rupture pendant la période d'essai", OTHER),
    ExitMotive("conge_longue_duree", "Congé de longue durée (maternité, maladie)", RETRAIT),
    ExitMotive("deces", "Décès", RETRAIT),
    ExitMotive("decision_justice", "Décision administrative ou de justice", RETRAIT),
    ExitMotive("faute_grave", "Rupture employeur pour faute grave du salarié", RETRAIT),
    ExitMotive("demenagement", "Déménagement hors du territoire", RETRAIT),
]
EXIT_MOTIVE_BY_CODE = {motive.code: motive for motive in EXIT_MOTIVES}
MOTIVE_CATEGORY = {motive.code: motive.category for motive in EXIT_MOTIVES}
# Removed from the denominator by the URIAE variant ("un éclairage plus proche de leur réalité").
URIAE_EXCLUDED_MOTIVES = frozenset({"inactif", "autre_situation_connue", "sans_nouvelle"})

PRESCRIBERS = [
    ("pole_emploi", "Pôle emploi"),
    ("plie", "PLIE"),
    ("mission_locale", "Mission locale"),
    ("conseil_general", "Conseil général (référent RMI)"),
    ("ccas", "CCAS"),
    ("candidature_spontanee", "Candidature spontanée"),
    ("autre", "Autre"),
]

# --- Years --------------------------------------------------------------------------------------

# The years the portal accepts, for campaigns (a database constraint), the years asked of the
# dashboards, reports and API, and the positionings' years.
FIRST_YEAR = 2000
LAST_YEAR = 2100

# Targets of circulaire DGEFP n° 2008-21.
TARGET_DYNAMIC_RATE = 0.60
TARGET_DURABLE_RATE = 0.25
