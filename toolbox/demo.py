"""The starting catalogue of the toolbox: the "boîte à outils" listed at the end of the seed document
(URIAE, COORACE, UNAI and CHANTIER école resources, economic tools, audits), plus a few tools shared by
demo structures and two proposals waiting for moderation. Idempotent: keyed by title.

Files are small documents generated here (a hand-written PDF, an XLSX made with openpyxl); links point
at example.org addresses, never at real sites."""

import io
import random
import textwrap
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from dossiers.models import Network, Structure

from .calculations import download_filename
from .models import Axis, Category, Resource

ALL = ["EI", "ETTI", "AI", "ACI"]
A1, A2, A3, A4, T = Axis.ACCUEIL, Axis.ACCOMPAGNEMENT, Axis.FORMATION, Axis.ECONOMIE, Axis.TRANSVERSAL
C = Category

# --- Small demo files ---------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def demo_pdf(pages: list[tuple[str, list[str]]]) -> bytes:
    """A small valid PDF (A4, Helvetica, WinAnsi so French accents print), one page per (title, lines)."""
    font_id = 3
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", font_id: b""}
    objects[font_id] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    kids = []
    next_id = 4
    for title, lines in pages:
        stream = b"BT /F1 18 Tf 56 780 Td (" + _pdf_text(title) + b") Tj /F1 11 Tf 15 TL 0 -14 Td"
        for line in lines:
            for wrapped in textwrap.wrap(line, 88) or [""]:
                stream += b" T* (" + _pdf_text(wrapped) + b") Tj"
        stream += b" ET"
        page_id, content_id = next_id, next_id + 1
        next_id += 2
        kids.append(page_id)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font_id, content_id)
        )
        objects[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return out


def demo_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """A small spreadsheet model: a title, a header row and rows to fill."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Modèle"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 45
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf(*lines):
    return ("pdf", list(lines))


def _link(url):
    return ("link", url)


def _xlsx(header, *rows):
    return ("xlsx", (header, [list(row) for row in rows]))


POSTERS = [
    "Port des équipements de protection individuelle",
    "Gestes et postures : soulever une charge",
    "Travail en hauteur : échelles et escabeaux",
    "Produits dangereux : lire l'étiquette",
    "Outils coupants et machines",
    "Bruit : protéger son audition",
    "Circulation sur le chantier et engins",
    "Risque électrique",
    "Chaleur, froid et intempéries",
    "Alcool, drogues et médicaments au travail",
    "Premiers secours : qui prévenir",
    "Rangement et propreté du poste de travail",
]

# (title, summary, axis, category, provider (network code or structure name), kinds, tags, restricted to, content)
CATALOGUE = [
    (
        "Capitalisation des outils des SIAE (URIAE, rubrique Offre de Services)",
        "Les outils mis en œuvre par des SIAE de la région, rassemblés par l'URIAE : modèles de livret "
        "d'accueil, profils de poste, procédures. Pour contribuer à ces échanges de bonnes pratiques, "
        "proposez vos propres outils dans cette boîte à outils.",
        T,
        C.GUIDES,
        "URIAE",
        ALL,
        "bonnes pratiques, mutualisation, offre de services",
        None,
        _link("https://uriae.example.org/offre-de-services/outils"),
    ),
    (
        "Centre de ressources COORACE : informations juridiques et guides pratiques",
        "Lois, décrets, circulaires, conventions et accords collectifs ; guides pratiques (juridiques, "
        "développement entrepreneurial, services à la personne) ; guide et informations sur la formation.",
        T,
        C.GUIDES,
        "COORACE",
        ALL,
        "juridique, conventions collectives, services à la personne, formation",
        None,
        _link("https://coorace.example.org/centre-de-ressources"),
    ),
    (
        "Centre de ressources de l'UNAI",
        "Documentation et outils de l'Union nationale des associations intermédiaires pour les AI : mise à "
        "disposition, relations avec les utilisateurs, accompagnement des salariés.",
        T,
        C.GUIDES,
        "UNAI",
        ["AI"],
        "mise à disposition, associations intermédiaires",
        None,
        _link("https://unai.example.org/centre-de-ressources"),
    ),
    (
        "Analyse du poste à pourvoir",
        "Une trame pour décrire le poste avant de recruter : missions, conditions de travail, compétences "
        "attendues, prérequis et points de vigilance pour un salarié en insertion.",
        A1,
        C.RECRUTEMENT,
        "COORACE",
        ALL,
        "recrutement, poste, fiche de poste",
        None,
        _pdf(
            "1. Intitulé du poste et service",
            "2. Missions principales et tâches",
            "3. Conditions de travail : horaires, lieux, port de charges, travail en extérieur",
            "4. Compétences attendues à l'entrée et compétences qui seront acquises",
            "5. Prérequis (permis, mobilité) et points de vigilance",
        ),
    ),
    (
        "Grille de cotation des CV reçus",
        "Une grille simple pour examiner les candidatures positionnées par les prescripteurs de façon "
        "homogène : expérience, mobilité, adéquation au projet, disponibilité.",
        A1,
        C.RECRUTEMENT,
        "COORACE",
        ALL,
        "recrutement, CV, candidatures, prescripteurs",
        None,
        _xlsx(
            ["Candidat (référence)", "Prescripteur", "Expérience (0-3)", "Mobilité (0-3)", "Projet (0-3)", "Total"],
            ["C-001", "Pôle emploi", "", "", "", ""],
            ["C-002", "PLIE", "", "", "", ""],
        ),
    ),
    (
        "Grille d'entretien de recrutement",
        "Les questions à aborder lors de l'entretien d'embauche d'un salarié en insertion et une grille "
        "d'observation pour garder une trace de l'entretien.",
        A1,
        C.RECRUTEMENT,
        "COORACE",
        ALL,
        "recrutement, entretien, embauche",
        None,
        _pdf(
            "Accueil du candidat et présentation de la structure",
            "Parcours, expériences et savoir-faire",
            "Contraintes : logement, mobilité, garde d'enfants, santé",
            "Projet professionnel et attentes vis-à-vis du poste",
            "Observation : ponctualité, communication, motivation",
        ),
    ),
    (
        "Observatoire de l'IAE",
        "Application gratuite pour toutes les SIAE de la région Nord-Pas-de-Calais : outil interactif d'aide "
        "à la gestion du personnel et d'évaluation quantitative et qualitative de la mission d'insertion. "
        "Elle édite régulièrement des états statistiques relatifs à l'IAE.",
        A2,
        C.LOGICIELS,
        "URIAE",
        ALL,
        "statistiques, suivi des salariés, évaluation",
        None,
        _link("https://observatoire-iae.example.org/"),
    ),
    (
        "Léa : logiciel pour l'évaluation et l'accompagnement",
        "Logiciel de suivi des parcours adapté aux ateliers et chantiers d'insertion / formation, proposé "
        "par le réseau CHANTIER école à ses adhérents à jour de leur cotisation.",
        A2,
        C.LOGICIELS,
        "CHANTIER_ECOLE",
        ["ACI"],
        "suivi des parcours, évaluation, accompagnement",
        "CHANTIER_ECOLE",
        _link("https://chantierecole.example.org/lea"),
    ),
    (
        "Titres professionnels et certificats de compétences professionnelles (CCP)",
        "Les titres professionnels du ministère chargé de l'emploi, portés par l'AFPA, découpent les métiers "
        "en blocs de compétences (CCP) : une base de référence pour définir les compétences acquises dans "
        "votre SIAE.",
        A3,
        C.FORMATION,
        "URIAE",
        ALL,
        "compétences, AFPA, titres professionnels, CCP, certification",
        None,
        _link("https://titres-professionnels.example.org/referentiels"),
    ),
    (
        "Série de 12 affiches de prévention des risques",
        "Douze affiches pour sensibiliser les salariés en insertion aux risques liés à leurs activités dans la "
        "SIAE : équipements de protection, gestes et postures, travail en hauteur, produits dangereux…",
        A1,
        C.PREVENTION,
        "UNAI",
        ALL,
        "affiches, sécurité, sensibilisation, EPI",
        None,
        ("posters", POSTERS),
    ),
    (
        "Livret prévention des risques pour les salariés en insertion",
        "Un livret remis aux salariés en insertion pour les sensibiliser aux risques liés à leurs activités "
        "(mises à disposition chez les particuliers, les entreprises et les collectivités). Réservé aux AI "
        "adhérentes.",
        A1,
        C.PREVENTION,
        "UNAI",
        ["AI"],
        "livret, sécurité, mise à disposition",
        "UNAI",
        _pdf(
            "Avant la mission : ce que l'on doit vous dire sur le poste et ses risques",
            "Pendant la mission : équipements, pauses, que faire en cas de doute",
            "En cas d'accident : prévenir l'utilisateur et l'association dans la journée",
        ),
    ),
    (
        "Rédaction du Document Unique : fonds documentaire",
        "Un fonds documentaire pour élaborer le document unique d'évaluation des risques professionnels : "
        "méthode, exemples d'unités de travail, cotation des risques, plan d'actions.",
        T,
        C.PREVENTION,
        "UNAI",
        ALL,
        "document unique, évaluation des risques, DUERP",
        None,
        _xlsx(
            ["Unité de travail", "Danger", "Risque", "Gravité (1-4)", "Fréquence (1-4)", "Action de prévention"],
            ["Espaces verts", "Débroussailleuse", "Projection", "", "", ""],
            ["Entretien des locaux", "Produits ménagers", "Irritation", "", "", ""],
        ),
    ),
    (
        "Guide repère : la prévention des risques professionnels dans les ateliers et chantiers d'insertion",
        "Guide repère du réseau CHANTIER école sur la prévention des risques professionnels dans les "
        "ateliers et chantiers d'insertion / formation.",
        A1,
        C.PREVENTION,
        "CHANTIER_ECOLE",
        ["ACI"],
        "guide repère, sécurité, chantier",
        None,
        _link("https://chantierecole.example.org/guides-reperes/prevention-des-risques"),
    ),
    (
        "Guide repère : lutter contre les discriminations et garantir l'égalité des chances",
        "Lutter contre les discriminations et garantir l'égalité des chances : un nouvel enjeu pour les "
        "chantiers ! Repères pour le recrutement et l'accompagnement.",
        T,
        C.GUIDES,
        "CHANTIER_ECOLE",
        ["ACI"],
        "discriminations, égalité des chances, guide repère",
        None,
        _link("https://chantierecole.example.org/guides-reperes/discriminations"),
    ),
    (
        "Guide repère : la santé en chantier",
        "Prendre en compte la santé des salariés en insertion dans l'accompagnement : accès aux soins, "
        "partenaires, situations fréquentes sur les chantiers.",
        A2,
        C.ACCOMPAGNEMENT,
        "CHANTIER_ECOLE",
        ["ACI"],
        "santé, accès aux soins, guide repère",
        None,
        _link("https://chantierecole.example.org/guides-reperes/sante"),
    ),
    (
        "Guide repère : chantiers-école et situations d'illettrisme",
        "Repérer les situations d'illettrisme et construire des réponses de formation adaptées sur le chantier-école.",
        A3,
        C.FORMATION,
        "CHANTIER_ECOLE",
        ["ACI"],
        "illettrisme, savoirs de base, guide repère",
        None,
        _link("https://chantierecole.example.org/guides-reperes/illettrisme"),
    ),
    (
        "Guide repère : l'accompagnement dans la pédagogie du chantier-école",
        "La pédagogie du chantier-école : faire du travail un support d'apprentissage et d'accompagnement.",
        A3,
        C.FORMATION,
        "CHANTIER_ECOLE",
        ["ACI"],
        "pédagogie, chantier-école, guide repère",
        None,
        _link("https://chantierecole.example.org/guides-reperes/pedagogie"),
    ),
    (
        "Mallette ressource sur les savoirs de base pour les acteurs de l'insertion",
        "Outils et exercices pour travailler les savoirs de base (lire, écrire, compter) avec les salariés "
        "en insertion.",
        A3,
        C.FORMATION,
        "CHANTIER_ECOLE",
        ALL,
        "savoirs de base, mallette, illettrisme",
        None,
        _link("https://chantierecole.example.org/mallettes/savoirs-de-base"),
    ),
    (
        "Mallette ressource : la prévention des risques professionnels en chantier d'insertion",
        "Supports d'animation pour des séances de prévention des risques avec les équipes des chantiers.",
        A1,
        C.PREVENTION,
        "CHANTIER_ECOLE",
        ["ACI"],
        "mallette, sécurité, animation",
        None,
        _link("https://chantierecole.example.org/mallettes/prevention"),
    ),
    (
        "Certification CEDRE : un engagement qualité",
        "Démarche qualité initiée en 1996 par la fédération COORACE (référentiel version 2, février 2008) : "
        "un système d'amélioration continue autour de trois processus clés, la mission accueil, la mission "
        "insertion et la mission observatoire. Pour les entreprises non adhérentes, le référentiel est "
        "disponible sur demande au service qualité du siège national.",
        T,
        C.QUALITE,
        "COORACE",
        ALL,
        "qualité, certification, référentiel CEDRE, amélioration continue",
        None,
        _link("https://coorace.example.org/qualite/cedre"),
    ),
    (
        "Business plan",
        "Modèle de business plan pour présenter le projet économique de la structure : marché, clients, "
        "chiffre d'affaires prévisionnel, moyens.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ["EI", "ETTI", "AI"],
        "business plan, stratégie économique, prévisionnel",
        None,
        _xlsx(
            ["Rubrique", "Année N", "Année N+1", "Année N+2"],
            ["Chiffre d'affaires", "", "", ""],
            ["Achats consommés", "", "", ""],
            ["Charges de personnel", "", "", ""],
            ["Aides au poste", "", "", ""],
        ),
    ),
    (
        "Comptes de résultat prévisionnels",
        "Modèle de compte de résultat prévisionnel sur trois ans, aides au poste et subventions distinguées.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ALL,
        "compte de résultat, prévisionnel, budget",
        None,
        _xlsx(
            ["Poste", "Réalisé N-1", "Prévu N", "Prévu N+1"],
            ["Produits d'exploitation", "", "", ""],
            ["Subventions d'exploitation", "", "", ""],
            ["Charges d'exploitation", "", "", ""],
            ["Résultat", "", "", ""],
        ),
    ),
    (
        "Soldes intermédiaires de gestion et capacité d'autofinancement (SIG - CAF)",
        "Calcul des soldes intermédiaires de gestion et de la capacité d'autofinancement à partir du compte "
        "de résultat.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ALL,
        "SIG, CAF, analyse financière",
        None,
        _xlsx(
            ["Solde", "Montant N-1", "Montant N"],
            ["Marge commerciale", "", ""],
            ["Valeur ajoutée", "", ""],
            ["Excédent brut d'exploitation", "", ""],
            ["Capacité d'autofinancement", "", ""],
        ),
    ),
    (
        "Besoin en fonds de roulement (BFR - BFRE)",
        "Estimer le besoin en fonds de roulement (d'exploitation) : stocks, créances clients, dettes "
        "fournisseurs, délais de versement des aides.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ALL,
        "BFR, trésorerie, fonds de roulement",
        None,
        _xlsx(
            ["Élément", "Montant", "Délai (jours)"],
            ["Stocks", "", ""],
            ["Créances clients", "", ""],
            ["Aides au poste à recevoir", "", ""],
            ["Dettes fournisseurs", "", ""],
        ),
    ),
    (
        "Plan de financement",
        "Modèle de plan de financement pluriannuel : besoins (investissements, BFR) et ressources (fonds "
        "propres, subventions, prêts).",
        A4,
        C.ECONOMIE,
        "URIAE",
        ALL,
        "plan de financement, investissement, subventions",
        None,
        _xlsx(
            ["Besoins / ressources", "Année 1", "Année 2", "Année 3"],
            ["Investissements", "", "", ""],
            ["Variation du BFR", "", "", ""],
            ["Capacité d'autofinancement", "", "", ""],
            ["Subventions d'investissement", "", "", ""],
        ),
    ),
    (
        "Plan d'investissement",
        "Lister et phaser les investissements (véhicules, machines, locaux) avec leur mode de financement.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ALL,
        "investissement, matériel, financement",
        None,
        _xlsx(["Investissement", "Montant HT", "Année", "Financement"], ["Véhicule utilitaire", "", "", ""]),
    ),
    (
        "Dossier FGR ETTI",
        "Trame du dossier de demande au fonds de garantie pour les entreprises de travail temporaire d'insertion.",
        A4,
        C.DOSSIERS,
        "COORACE",
        ["ETTI"],
        "FGR, ETTI, garantie financière",
        None,
        _pdf("Présentation de l'ETTI", "Situation financière", "Garantie demandée et justification"),
    ),
    (
        "Dossier FDI (fonds départemental d'insertion)",
        "Monter une demande d'aide au fonds départemental d'insertion : démarrage, développement, consolidation.",
        A4,
        C.DOSSIERS,
        "URIAE",
        ALL,
        "FDI, aide au démarrage, consolidation, subvention",
        None,
        _pdf("Objet de la demande", "Budget du projet", "Effets attendus sur l'emploi et l'insertion"),
    ),
    (
        "Dossier MPA",
        "Trame de dossier pour une demande de financement MPA : contexte, plan d'actions, budget.",
        A4,
        C.DOSSIERS,
        "URIAE",
        ALL,
        "MPA, financement",
        None,
        _pdf("Contexte de la demande", "Plan d'actions", "Budget et calendrier"),
    ),
    (
        "Dossier FSE (Fonds social européen)",
        "Repères pour monter et suivre un dossier de cofinancement du Fonds social européen : éligibilité "
        "des dépenses, pièces justificatives, suivi des participants.",
        A4,
        C.DOSSIERS,
        "URIAE",
        ALL,
        "FSE, fonds européens, cofinancement",
        None,
        _link("https://uriae.example.org/dossiers/fse"),
    ),
    (
        "Plan de consolidation financière",
        "Diagnostiquer une situation financière fragile et bâtir un plan de consolidation.",
        A4,
        C.DOSSIERS,
        "URIAE",
        ALL,
        "consolidation, fonds propres, redressement",
        None,
        _pdf("Diagnostic financier", "Mesures de redressement", "Plan de trésorerie sur 12 mois"),
    ),
    (
        "Plan de développement",
        "Structurer un projet de développement d'activité : marché, moyens, emplois d'insertion créés.",
        A4,
        C.DOSSIERS,
        "URIAE",
        ALL,
        "développement, nouvelle activité, territoire",
        None,
        _pdf("Projet de développement", "Marché et clients", "Moyens humains et matériels", "Financement"),
    ),
    (
        "Calcul des coûts de revient",
        "Calculer le coût de revient d'une prestation ou d'un chantier pour fixer des prix justes.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ["EI", "ACI", "ETTI"],
        "coût de revient, prix, devis",
        None,
        _xlsx(
            ["Élément de coût", "Quantité", "Coût unitaire", "Total"],
            ["Heures de production", "", "", ""],
            ["Encadrement technique", "", "", ""],
            ["Matériaux", "", "", ""],
        ),
    ),
    (
        "Ratios financiers et économiques",
        "Les ratios à suivre chaque année : autonomie financière, rentabilité, part des aides dans les "
        "produits, délai de paiement des clients.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ALL,
        "ratios, analyse financière, indicateurs",
        None,
        _xlsx(
            ["Ratio", "Formule", "Valeur N-1", "Valeur N"], ["Autonomie financière", "Fonds propres / total", "", ""]
        ),
    ),
    (
        "Suivi de chantiers et de prestations",
        "Tableau de suivi des chantiers et prestations : heures prévues et réalisées, marge, encadrement.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ["ACI", "EI"],
        "suivi de chantier, prestations, heures",
        None,
        _xlsx(["Chantier", "Client", "Heures prévues", "Heures réalisées", "Marge"], ["Chantier A", "", "", "", ""]),
    ),
    (
        "Tableau de bord de gestion",
        "Un tableau de bord mensuel : activité, trésorerie, effectifs en insertion, sorties.",
        A4,
        C.ECONOMIE,
        "URIAE",
        ALL,
        "tableau de bord, pilotage, gestion",
        None,
        _xlsx(
            ["Indicateur", "Janvier", "Février", "Mars"],
            ["Chiffre d'affaires", "", "", ""],
            ["Trésorerie", "", "", ""],
        ),
    ),
    (
        "Audit financier",
        "Un regard extérieur sur la situation financière de la structure, proposé par le réseau à ses "
        "adhérents : analyse des comptes, préconisations.",
        A4,
        C.AUDITS,
        "URIAE",
        ALL,
        "audit, finances, diagnostic",
        None,
        _link("https://uriae.example.org/audits/financier"),
    ),
    (
        "Audit de conformité juridique",
        "Vérifier statuts, conventions, contrats de travail et obligations légales de la structure.",
        A4,
        C.AUDITS,
        "URIAE",
        ALL,
        "audit, juridique, conformité",
        None,
        _link("https://uriae.example.org/audits/juridique"),
    ),
    (
        "Audit social et salarial",
        "Revue de la gestion du personnel : contrats, rémunérations, temps de travail, représentation.",
        A4,
        C.AUDITS,
        "URIAE",
        ALL,
        "audit, social, salaires, ressources humaines",
        None,
        _link("https://uriae.example.org/audits/social"),
    ),
    (
        "Audit stratégique",
        "Interroger le projet de la structure et son positionnement sur son territoire.",
        A4,
        C.AUDITS,
        "URIAE",
        ALL,
        "audit, stratégie, projet associatif",
        None,
        _link("https://uriae.example.org/audits/strategique"),
    ),
    (
        "L'outil de gestion A2A+",
        "Outil de gestion qui valorise les actions des ateliers et chantiers d'insertion au regard des cinq "
        "fonctions de l'employeur spécifique d'insertion définies par le réseau.",
        A4,
        C.LOGICIELS,
        "CHANTIER_ECOLE",
        ["ACI"],
        "gestion, A2A+, fonctions de l'employeur",
        None,
        _link("https://chantierecole.example.org/a2a-plus"),
    ),
    (
        "Centre de ressources VITA",
        "Méthodes, outils et pratiques coproduits dans le projet VITA (COORACE, depuis 2005) pour renforcer "
        "le positionnement des entreprises de l'IAE comme forces motrices du développement solidaire et "
        "responsable des territoires.",
        A4,
        C.GUIDES,
        "COORACE",
        ALL,
        "développement territorial, VITA, partenariats",
        None,
        _link("https://vita.example.org/"),
    ),
    # Tools shared by demo structures (the seed: "Des EI aimeraient avoir des modèles de livrets d'accueil").
    (
        "Modèle de livret d'accueil d'une entreprise d'insertion",
        "Le livret remis à chaque salarié en insertion le premier jour : présentation de l'entreprise, "
        "règlement intérieur, interlocuteurs, sécurité, parcours et accompagnement.",
        A1,
        C.ACCUEIL,
        "Nord Recyclage Services",
        ["EI", "ETTI"],
        "livret d'accueil, intégration, premier jour",
        None,
        _pdf(
            "Bienvenue chez Nord Recyclage Services",
            "Votre encadrant technique et votre chargée d'accompagnement",
            "Horaires, pauses, équipements de protection",
            "Votre parcours : entretiens réguliers, formations, bilan de sortie",
        ),
    ),
    (
        "Profil de poste : commis de cuisine en restauration collective",
        "Un profil de poste détaillé, utilisé pour les recrutements et pour évaluer les compétences acquises.",
        A1,
        C.RECRUTEMENT,
        "Villeneuve Restauration Insertion",
        ["EI", "ACI"],
        "profil de poste, restauration, compétences",
        None,
        _pdf("Missions", "Compétences techniques", "Savoir-être", "Évolutions possibles"),
    ),
    (
        "Attestation de situation à la sortie",
        "Un document que le salarié signe à sa sortie et qui indique sa situation (embauche, formation…) : "
        "une preuve simple pour les services de l'État quand le nouveau contrat ne peut être obtenu.",
        A2,
        C.ACCOMPAGNEMENT,
        "Bâtir Ensemble Valenciennes",
        ALL,
        "sortie, justificatif, attestation",
        None,
        _pdf(
            "Je soussigné(e) ……, salarié(e) de …… jusqu'au ……,",
            "atteste être, à la date de ma sortie, dans la situation suivante :",
            "[ ] embauche en CDI   [ ] CDD ou intérim   [ ] formation qualifiante   [ ] autre : ……",
            "Fait à …… le ……   Signature",
        ),
    ),
]

PROPOSALS = [
    # (title, summary, axis, category, provider structure, kinds, tags, proposer e-mail, rejection reason)
    (
        "Fiche de liaison avec le référent RMI",
        "Une fiche pour partager avec le référent RMI les étapes du parcours et les freins repérés, avec "
        "l'accord du salarié.",
        A2,
        C.ACCOMPAGNEMENT,
        "Nord Recyclage Services",
        ALL,
        "référent RMI, partenaires, accompagnement",
        "siae@demo.local",
        "",
    ),
    (
        "Planning des équipes de la semaine",
        "Notre planning des équipes, à adapter.",
        A4,
        C.ECONOMIE,
        "Arras Services Environnement",
        ["EI"],
        "planning",
        "siae62@demo.local",
        "Le planning contient les noms des salariés : retirez-les (mettez des références) et décrivez en "
        "quelques lignes comment l'utiliser, puis proposez-le de nouveau.",
    ),
]


def _content_file(title, content):
    kind, payload = content
    if kind == "pdf":
        data, ext = demo_pdf([(title, payload)]), "pdf"
    elif kind == "posters":
        data, ext = demo_pdf([(f"Affiche {n} / 12", [name]) for n, name in enumerate(payload, 1)]), "pdf"
    else:
        header, rows = payload
        data, ext = demo_xlsx(title, header, rows), "xlsx"
    return ContentFile(data, name=download_filename(title, ext)), ext


def seed(stdout, **options):
    rng = random.Random(5)
    now = timezone.now()
    networks = {network.code: network for network in Network.objects.all()}
    names = {row[4] for row in CATALOGUE + PROPOSALS} - set(networks)
    structures = {structure.name: structure for structure in Structure.objects.filter(name__in=names)}
    advisor = User.objects.filter(email="conseiller@demo.local").first()
    existing = set(Resource.objects.values_list("title", flat=True))
    created = 0
    for index, (title, summary, axis, category, provider, kinds, tags, restricted, content) in enumerate(CATALOGUE):
        days_ago = len(CATALOGUE) * 3 - index * 3
        if title in existing:
            continue
        resource = Resource(
            title=title,
            summary=summary,
            axis=axis,
            category=category,
            tags=tags,
            restricted_to=networks.get(restricted) if restricted else None,
            status=Resource.Status.PUBLISHED,
            proposed_at=now - timedelta(days=days_ago + 2),
            moderated_at=now - timedelta(days=days_ago),
            published_at=now - timedelta(days=days_ago),
            download_count=rng.randrange(0, 120),
        )
        resource.kinds = kinds
        if provider in networks:
            resource.provider_network = networks[provider]
        else:
            resource.provider_structure = structures[provider]
            resource.proposed_by = User.objects.filter(memberships__structure=structures[provider]).first()
            resource.moderated_by = advisor
        if content[0] == "link":
            resource.url = content[1]
        else:
            resource.file, resource.file_type = _content_file(title, content)
            resource.file_size = resource.file.size
        resource.save()
        created += 1
    for title, summary, axis, category, provider, kinds, tags, email, reason in PROPOSALS:
        if title in existing:
            continue
        resource = Resource(
            title=title,
            summary=summary,
            axis=axis,
            category=category,
            tags=tags,
            provider_structure=structures[provider],
            proposed_by=User.objects.filter(email=email).first(),
            proposed_at=now - timedelta(days=1),
            file=ContentFile(demo_pdf([(title, [summary])]), name=download_filename(title, "pdf")),
            file_type="pdf",
        )
        resource.kinds = kinds
        resource.file_size = resource.file.size
        if reason:
            resource.status = Resource.Status.REJECTED
            resource.rejection_reason = reason
            resource.moderated_by = advisor
            resource.moderated_at = now - timedelta(hours=3)
        resource.save()
        created += 1
    total = Resource.objects.count()
    stdout.write(f"Boîte à outils : {created} ressources ajoutées ({total} au total).")
    return {"resources": total}
