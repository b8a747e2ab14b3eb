"""Demo data of the foundation: networks, about forty structures of Nord and Pas-de-Calais, and
the demo accounts. Idempotent: keyed by network code, SIRET and e-mail."""

import random
from decimal import Decimal

from accounts.models import Membership, User
from siae_portal.reference import NETWORKS
from siae_portal.validators import luhn_is_valid

from .models import Network, Structure

DEMO_PASSWORD = "demo-siae-2009"

# (name, kind, departement, commune, networks, posts, activity)
DEMO_STRUCTURES = [
    (
        "Nord Recyclage Services",
        "EI",
        "59",
        "Roubaix",
        ["URIAE", "FEI"],
        "18",
        "Collecte et tri de déchets industriels banals.",
    ),
    (
        "Les Ateliers du Jardin de Lomme",
        "ACI",
        "59",
        "Lomme",
        ["URIAE", "CHANTIER_ECOLE"],
        "24",
        "Maraîchage biologique, vente de paniers.",
    ),
    (
        "Intérim Solidaire Métropole",
        "ETTI",
        "59",
        "Lille",
        ["URIAE", "COORACE"],
        "12.5",
        "Missions d'intérim dans le BTP et la logistique.",
    ),
    (
        "Association Entraide Emploi Douaisis",
        "AI",
        "59",
        "Douai",
        ["URIAE", "COORACE"],
        "30",
        "Mise à disposition auprès des particuliers et des collectivités.",
    ),
    (
        "Chantier Nature Avesnois",
        "ACI",
        "59",
        "Avesnes-sur-Helpe",
        ["CHANTIER_ECOLE"],
        "16",
        "Entretien des espaces naturels et des berges.",
    ),
    (
        "Bâtir Ensemble Valenciennes",
        "EI",
        "59",
        "Valenciennes",
        ["URIAE", "FEI"],
        "20",
        "Second œuvre du bâtiment, peinture, plâtrerie.",
    ),
    (
        "Cambrésis Services Proximité",
        "AI",
        "59",
        "Cambrai",
        ["UNAI"],
        "22",
        "Ménage, repassage, petits travaux chez les particuliers.",
    ),
    (
        "Dunkerque Mer et Littoral",
        "ACI",
        "59",
        "Dunkerque",
        ["URIAE", "CHANTIER_ECOLE"],
        "14",
        "Nettoyage des plages et restauration des dunes.",
    ),
    (
        "Tourcoing Textile Insertion",
        "EI",
        "59",
        "Tourcoing",
        ["FEI"],
        "10",
        "Retouche et confection de vêtements professionnels.",
    ),
    ("ETTI Flandre Intérim", "ETTI", "59", "Hazebrouck", ["URIAE"], "8", "Intérim agricole et agroalimentaire."),
    (
        "Le Relais Solidaire de Maubeuge",
        "ACI",
        "59",
        "Maubeuge",
        ["URIAE", "FNARS"],
        "26",
        "Ressourcerie, collecte et revente d'objets.",
    ),
    (
        "Services Plus Sambre",
        "AI",
        "59",
        "Aulnoye-Aymeries",
        ["URIAE", "COORACE"],
        "15",
        "Entretien des locaux et espaces verts.",
    ),
    (
        "Villeneuve Restauration Insertion",
        "EI",
        "59",
        "Villeneuve-d'Ascq",
        ["URIAE", "FEI"],
        "12",
        "Restauration collective et traiteur.",
    ),
    ("Atelier Vélo Solidaire Lille-Sud", "ACI", "59", "Lille", [], "8", "Réparation et location de vélos."),
    (
        "Armentières Bâtiment Insertion",
        "ETTI",
        "59",
        "Armentières",
        ["URIAE", "COORACE"],
        "9",
        "Missions d'intérim dans le bâtiment.",
    ),
    (
        "Association Intermédiaire du Pévèle",
        "AI",
        "59",
        "Orchies",
        ["COORACE"],
        "11",
        "Mise à disposition pour les collectivités rurales.",
    ),
    (
        "Chantier Patrimoine du Caudrésis",
        "ACI",
        "59",
        "Caudry",
        ["URIAE", "CHANTIER_ECOLE"],
        "12",
        "Restauration du petit patrimoine bâti.",
    ),
    ("Denain Propreté Insertion", "EI", "59", "Denain", ["URIAE"], "16", "Nettoyage industriel et tertiaire."),
    (
        "Wattrelos Espaces Verts",
        "ACI",
        "59",
        "Wattrelos",
        ["URIAE", "FNARS"],
        "18",
        "Création et entretien d'espaces verts.",
    ),
    ("Intermed Sambre-Avesnois", "ETTI", "59", "Fourmies", ["URIAE"], "6", "Intérim industriel."),
    (
        "Arras Services Environnement",
        "EI",
        "62",
        "Arras",
        ["URIAE", "FEI"],
        "14",
        "Déconstruction et valorisation des DEEE.",
    ),
    (
        "Jardins de Cocagne de l'Artois",
        "ACI",
        "62",
        "Saint-Laurent-Blangy",
        ["URIAE", "CHANTIER_ECOLE"],
        "22",
        "Maraîchage et paniers solidaires.",
    ),
    (
        "Côte d'Opale Intérim Insertion",
        "ETTI",
        "62",
        "Boulogne-sur-Mer",
        ["URIAE", "COORACE"],
        "10",
        "Intérim portuaire et agroalimentaire.",
    ),
    (
        "AI Entraide Ternois",
        "AI",
        "62",
        "Saint-Pol-sur-Ternoise",
        ["UNAI"],
        "13",
        "Services aux particuliers en milieu rural.",
    ),
    (
        "Lens Bassin Minier Rénovation",
        "EI",
        "62",
        "Lens",
        ["URIAE", "FEI"],
        "19",
        "Rénovation énergétique des logements miniers.",
    ),
    (
        "Chantier Forêt du Boulonnais",
        "ACI",
        "62",
        "Desvres",
        ["CHANTIER_ECOLE"],
        "12",
        "Travaux forestiers et bûcheronnage.",
    ),
    (
        "Calais Solidarité Emploi",
        "AI",
        "62",
        "Calais",
        ["URIAE", "COORACE"],
        "28",
        "Mise à disposition tous secteurs.",
    ),
    (
        "Béthune Recyclerie",
        "ACI",
        "62",
        "Béthune",
        ["URIAE", "FNARS"],
        "20",
        "Recyclerie et éducation à l'environnement.",
    ),
    ("Liévin Services Intérim", "ETTI", "62", "Liévin", ["URIAE"], "7", "Intérim logistique."),
    (
        "Montreuil Terres d'Insertion",
        "ACI",
        "62",
        "Montreuil-sur-Mer",
        ["URIAE", "CHANTIER_ECOLE"],
        "10",
        "Entretien des remparts et des sentiers.",
    ),
    (
        "Hénin Propreté Urbaine",
        "EI",
        "62",
        "Hénin-Beaumont",
        ["FEI"],
        "15",
        "Propreté urbaine et enlèvement des encombrants.",
    ),
    (
        "AI Audomaroise",
        "AI",
        "62",
        "Saint-Omer",
        ["URIAE", "COORACE"],
        "17",
        "Mise à disposition auprès des associations et collectivités.",
    ),
    (
        "Chantier Marais Audomarois",
        "ACI",
        "62",
        "Saint-Omer",
        ["URIAE", "CHANTIER_ECOLE"],
        "14",
        "Entretien des wateringues et du marais.",
    ),
    ("Bruay Second Œuvre", "EI", "62", "Bruay-la-Buissière", ["URIAE", "FEI"], "11", "Menuiserie et agencement."),
    ("Berck Services Littoral", "AI", "62", "Berck", ["UNAI"], "9", "Entretien des résidences de tourisme."),
    ("Carvin Intérim Solidaire", "ETTI", "62", "Carvin", ["URIAE", "COORACE"], "8", "Intérim industrie et BTP."),
    ("Étaples Cuisine Solidaire", "ACI", "62", "Étaples", [], "8", "Restaurant d'insertion et portage de repas."),
    (
        "Avion Blanchisserie Insertion",
        "EI",
        "62",
        "Avion",
        ["URIAE"],
        "13",
        "Blanchisserie pour les établissements de santé.",
    ),
]

# (email, first name, last name, staff, memberships as (role, target))
DEMO_ACCOUNTS = [
    ("admin@demo.local", "Anne", "Administratrice", True, []),
    (
        "siae@demo.local",
        "Sophie",
        "Directrice",
        False,
        [("siae_editor", "Nord Recyclage Services"), ("siae_reader", "Les Ateliers du Jardin de Lomme")],
    ),
    ("siae62@demo.local", "Karim", "Encadrant", False, [("siae_editor", "Arras Services Environnement")]),
    ("conseiller@demo.local", "Claire", "Conseillère URIAE", False, [("advisor", "URIAE")]),
    ("coorace@demo.local", "Marc", "Conseiller COORACE", False, [("advisor", "COORACE")]),
    ("ddtefp59@demo.local", "Pierre", "Agent DDTEFP du Nord", False, [("agent", "59")]),
    ("ddtefp62@demo.local", "Nadia", "Agente DDTEFP du Pas-de-Calais", False, [("agent", "62")]),
]


def make_siret(rng: random.Random) -> str:
    """A random SIRET with a valid Luhn key (SIREN key and SIRET key both valid)."""
    while True:
        siren = f"{rng.randrange(10**8, 10**9 - 1):09d}"
        if not luhn_is_valid(siren):
            continue
        nic = f"{rng.randrange(1, 100):04d}"
        for last in "0123456789":
            if luhn_is_valid(siren + nic + last):
                return siren + nic + last


def seed(stdout, **options):
    rng = random.Random(2009)
    networks = {}
    for code, name in NETWORKS:
        networks[code], _ = Network.objects.get_or_create(code=code, defaults={"name": name})

    structures = {}
    for name, kind, departement, commune, network_codes, posts, activity in DEMO_STRUCTURES:
        siret = make_siret(rng)
        structure = Structure.objects.filter(name=name).first()
        if structure is None:
            structure = Structure.objects.create(
                name=name,
                kind=kind,
                siret=siret,
                departement=departement,
                commune=commune,
                address=f"{rng.randrange(1, 120)} rue de la République",
                insertion_posts_etp=Decimal(posts),
                activity=activity,
            )
            structure.networks.set([networks[code] for code in network_codes])
        structures[name] = structure

    for email, first_name, last_name, is_staff, memberships in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                is_staff=is_staff,
                is_superuser=is_staff,
            )
        for role, target in memberships:
            if role in Membership.SIAE_ROLES:
                target_fields = {"structure": structures[target]}
            elif role == Membership.Role.ADVISOR:
                target_fields = {"network": networks[target]}
            else:
                target_fields = {"departement": target}
            Membership.objects.get_or_create(user=user, role=role, is_active=True, **target_fields)
    stdout.write(
        f"{len(structures)} structures, {len(networks)} réseaux, {len(DEMO_ACCOUNTS)} comptes de démonstration."
    )
    return {"structures": structures, "networks": networks}
