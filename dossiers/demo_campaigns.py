"""Demo campaigns: the 2009 questionnaire (drawn from the headings of the URIAE minutes), a 2008
campaign with answered dossiers (so that "reprendre les réponses de l'an dernier" can be shown),
and 2009 dossiers at every stage of the workflow. Idempotent: keyed by year, question code and
(structure, campaign)."""

import datetime

from django.db import transaction

from accounts.models import Membership, User

from . import services
from .demo import DEMO_STRUCTURES
from .models import Answer, Campaign, Dossier, Question, Structure

LONG, SHORT, YES_NO, NUMBER, DATE, CHOICE, FILE = (
    "long_text",
    "short_text",
    "yes_no",
    "number",
    "date",
    "choice",
    "file",
)

# (axis, section, code, label, help text, answer type, required, kinds, options)
QUESTIONNAIRE_2009 = [
    # Axe 1 : accueil et intégration en milieu de travail
    (
        1,
        "Présentation de la SIAE",
        "presentation",
        "Présentez votre structure : histoire, activités, territoire.",
        "Quelques lignes suffisent : le réseau vous aidera à compléter.",
        LONG,
        True,
        [],
        "",
    ),
    (
        1,
        "Présentation de la SIAE",
        "organigramme",
        "Joignez l'organigramme fonctionnel de la structure.",
        "Le rôle de chacun (encadrants techniques, accompagnateurs) doit y apparaître.",
        FILE,
        False,
        [],
        "",
    ),
    (
        1,
        "Présentation de la SIAE",
        "encadrement_etp",
        "Nombre de postes d'encadrement technique (ETP).",
        "",
        NUMBER,
        True,
        [],
        "",
    ),
    (
        1,
        "Acquis préalables",
        "acquis_prealables",
        "Quels acquis préalables demandez-vous à l'embauche, et pourquoi ?",
        "Attention au caractère discriminatoire que pourraient avoir certains acquis.",
        LONG,
        False,
        [],
        "",
    ),
    (
        1,
        "Projet social et projet d'insertion",
        "projet_social",
        "Décrivez votre projet social et votre projet d'insertion.",
        "Le projet d'insertion est le « code génétique » de la SIAE.",
        LONG,
        True,
        [],
        "",
    ),
    (
        1,
        "Procédure de recrutement",
        "procedure_recrutement",
        "Comment recrutez-vous (positionnement par les prescripteurs, entretiens, tests, profils de poste) ?",
        "",
        LONG,
        True,
        [],
        "",
    ),
    (
        1,
        "Procédure de recrutement",
        "profils_postes",
        "Avez-vous formalisé des profils de postes ?",
        "",
        YES_NO,
        False,
        [],
        "",
    ),
    (
        1,
        "Procédure de recrutement",
        "mise_a_disposition",
        "Comment choisissez-vous les missions et les utilisateurs chez qui les salariés sont mis à disposition ?",
        "Particuliers, entreprises, collectivités : précisez la part de chacun.",
        LONG,
        True,
        ["AI", "ETTI"],
        "",
    ),
    (
        1,
        "Livret d'accueil",
        "livret_accueil",
        "Remettez-vous un livret d'accueil aux salariés en insertion ?",
        "Des modèles de livret d'accueil sont proposés dans la boîte à outils.",
        YES_NO,
        True,
        [],
        "",
    ),
    (
        1,
        "Livret d'accueil",
        "livret_accueil_fichier",
        "Joignez votre livret d'accueil s'il existe.",
        "",
        FILE,
        False,
        [],
        "",
    ),
    # Axe 2 : accompagnement social et professionnel
    (
        2,
        "Période d'intégration",
        "periode_integration",
        "Comment se déroulent les premières semaines d'un salarié (binôme, échanges avec l'encadrant, EMT) ?",
        "",
        LONG,
        True,
        [],
        "",
    ),
    (
        2,
        "Parcours d'insertion et sa formalisation",
        "parcours_insertion",
        "Comment le parcours d'insertion est-il construit et formalisé avec le salarié ?",
        "Formaliser de manière légère : une grille d'évaluation, des objectifs fixés ensemble suffisent.",
        LONG,
        True,
        [],
        "",
    ),
    (
        2,
        "Parcours d'insertion et sa formalisation",
        "duree_parcours",
        "Durée moyenne des parcours (en mois).",
        "",
        NUMBER,
        False,
        ["ACI", "EI"],
        "",
    ),
    (
        2,
        "Parcours d'insertion et sa formalisation",
        "heures_missions",
        "Nombre moyen d'heures de mission par salarié et par an.",
        "",
        NUMBER,
        False,
        ["AI", "ETTI"],
        "",
    ),
    (
        2,
        "Repérage des compétences",
        "reperage_competences",
        "Comment repérez-vous et attestez-vous les compétences acquises ?",
        "Référentiels possibles : titres professionnels et CCP de l'AFPA, codes ROME.",
        LONG,
        True,
        [],
        "",
    ),
    (
        2,
        "Repérage des compétences",
        "attestation_competences",
        "Remettez-vous une attestation ou un livret de compétences à la sortie ?",
        "",
        CHOICE,
        False,
        [],
        "Systématiquement\nÀ la demande du salarié\nÀ la demande du financeur\nJamais",
    ),
    (
        2,
        "Accompagnement social interne et orientation",
        "accompagnement_social",
        "Quelles difficultés sociales traitez-vous en interne, et vers qui orientez-vous dans les autres cas ?",
        "",
        LONG,
        True,
        [],
        "",
    ),
    (
        2,
        "Coordination avec les partenaires",
        "coordination_partenaires",
        "Comment vous coordonnez-vous avec les prescripteurs et les référents (Pôle emploi, PLIE, référent RMI) ?",
        "",
        LONG,
        False,
        [],
        "",
    ),
    (
        2,
        "Comités de pilotage",
        "comites_pilotage",
        "Organisez-vous des comités de pilotage ou de suivi des parcours ?",
        "",
        YES_NO,
        False,
        [],
        "",
    ),
    (2, "Comités de pilotage", "comites_frequence", "Date du dernier comité de pilotage.", "", DATE, False, [], ""),
    # Axe 3 : formation des salariés en insertion
    (
        3,
        "Plan de formation",
        "plan_formation",
        "Présentez votre plan de formation des salariés en insertion.",
        "",
        LONG,
        True,
        [],
        "",
    ),
    (
        3,
        "Plan de formation",
        "entrees_formation",
        "Nombre de salariés entrés en formation l'an dernier.",
        "",
        NUMBER,
        True,
        [],
        "",
    ),
    (
        3,
        "Formations internes",
        "formations_internes",
        "Quelles formations internes (au poste, pédagogie du chantier-école) proposez-vous ?",
        "Les formations internes comptent : décrivez-les, même courtes.",
        LONG,
        False,
        [],
        "",
    ),
    (
        3,
        "Formations internes",
        "chantier_ecole",
        "Appliquez-vous la pédagogie du chantier-école ?",
        "",
        YES_NO,
        False,
        ["ACI"],
        "",
    ),
    (
        3,
        "Freins à la formation",
        "freins_formation",
        "Quels freins rencontrez-vous (financement, disponibilité, projet professionnel, motivation) ?",
        "",
        LONG,
        False,
        [],
        "",
    ),
    (
        3,
        "Partenaires financeurs",
        "financeurs_formation",
        "Quels partenaires financent vos formations (OPCA, PLIE, Conseil général, FSE) ?",
        "",
        SHORT,
        False,
        [],
        "",
    ),
    # Axe 4 : contribution à l'activité économique et au développement territorial
    (
        4,
        "Stratégie économique",
        "strategie_economique",
        "Décrivez votre stratégie économique : activités, clients, évolution du chiffre d'affaires.",
        "",
        LONG,
        True,
        [],
        "",
    ),
    (
        4,
        "Stratégie économique",
        "part_ressources_propres",
        "Part des ressources propres (ventes, prestations) dans vos produits, en %.",
        "",
        NUMBER,
        True,
        ["ACI"],
        "",
    ),
    (
        4,
        "Stratégie économique",
        "chiffre_affaires",
        "Chiffre d'affaires du dernier exercice (en euros).",
        "",
        NUMBER,
        True,
        ["EI", "ETTI"],
        "",
    ),
    (
        4,
        "Marchés et clauses sociales",
        "clauses_sociales",
        "Répondez-vous à des marchés publics avec clauses sociales ?",
        "",
        CHOICE,
        False,
        [],
        "Régulièrement\nOccasionnellement\nJamais",
    ),
    (
        4,
        "Partenariats territoriaux",
        "partenariats_territoriaux",
        "Quels partenariats économiques avez-vous sur votre territoire (entreprises, collectivités, autres SIAE) ?",
        "",
        LONG,
        False,
        [],
        "",
    ),
    (
        4,
        "Contribution au développement du territoire",
        "developpement_territoire",
        "En quoi votre activité contribue-t-elle au développement du territoire ?",
        "",
        LONG,
        True,
        [],
        "",
    ),
]

# The 2008 questionnaire: fewer questions, mostly the same codes (so answers can be carried over).
CODES_2008 = [
    "presentation",
    "encadrement_etp",
    "projet_social",
    "procedure_recrutement",
    "mise_a_disposition",
    "livret_accueil",
    "periode_integration",
    "parcours_insertion",
    "accompagnement_social",
    "plan_formation",
    "entrees_formation",
    "freins_formation",
    "strategie_economique",
    "developpement_territoire",
]

CAMPAIGNS = [
    (2008, "Conventionnement 2008", datetime.date(2008, 1, 7), datetime.date(2008, 2, 29), datetime.date(2008, 3, 31)),
    (
        2009,
        "Conventionnement 2009 · première offre de services (circulaire DGEFP n° 2008-21)",
        datetime.date(2009, 1, 5),
        datetime.date(2009, 3, 1),
        datetime.date(2009, 3, 15),
    ),
]

SAMPLE_ANSWERS = {
    LONG: "{name} : {activity} Notre équipe accompagne chaque salarié avec un encadrant technique et une "
    "chargée d'insertion ; nous travaillons avec Pôle emploi, le PLIE et les référents RMI.",
    SHORT: "OPCA, PLIE, Conseil général",
    YES_NO: "oui",
    NUMBER: "3",
    DATE: "2008-11-20",
}

# 2009 dossiers at every stage: (structure name, statuses to walk through).
DOSSIERS_2009 = [
    ("Les Ateliers du Jardin de Lomme", ["ask_review"]),
    ("Intérim Solidaire Métropole", ["ask_review", "request_changes"]),
    ("Association Entraide Emploi Douaisis", ["ask_review", "approve"]),
    ("Bâtir Ensemble Valenciennes", ["submit"]),
    ("Le Relais Solidaire de Maubeuge", ["submit", "request_complement"]),
    ("Services Plus Sambre", ["submit", "acknowledge"]),
    ("Jardins de Cocagne de l'Artois", ["submit"]),
    ("Calais Solidarité Emploi", ["ask_review"]),
    ("Denain Propreté Insertion", []),
]


def _question_rows(year):
    rows = QUESTIONNAIRE_2009 if year == 2009 else [r for r in QUESTIONNAIRE_2009 if r[2] in CODES_2008]
    for order, row in enumerate(rows, start=1):
        axis, section, code, label, help_text, answer_type, required, kinds, options = row
        if year == 2008:
            # The 2008 wording was shorter; the codes are what lets answers be carried over.
            help_text = ""
        yield Question(
            axis=axis,
            section=section,
            code=code,
            label=label,
            help_text=help_text,
            answer_type=answer_type,
            required=required,
            kinds=kinds,
            options=options,
            order=order,
        )


def _fill(dossier, user, *, skip_files=True):
    """Answer every applicable question (files excepted) with plausible text."""
    structure = dossier.structure
    existing = set(dossier.answers.values_list("question_id", flat=True))
    new = []
    for question in dossier.questions():
        if question.pk in existing or (skip_files and question.answer_type == FILE):
            continue
        if question.answer_type == CHOICE:
            value = question.option_list[0]
        else:
            value = SAMPLE_ANSWERS[question.answer_type].format(name=structure.name, activity=structure.activity)
        new.append(Answer(dossier=dossier, question=question, value=value, updated_by=user))
    Answer.objects.bulk_create(new)


def _actor_for(transition, actors):
    from .workflow import TRANSITIONS

    return actors[TRANSITIONS[transition].actor]


def seed(stdout, **options):
    campaigns = {}
    for year, title, opens_on, review_deadline, submission_deadline in CAMPAIGNS:
        campaign, _ = Campaign.objects.get_or_create(
            year=year,
            defaults={
                "title": title,
                "opens_on": opens_on,
                "review_deadline": review_deadline,
                "submission_deadline": submission_deadline,
            },
        )
        existing = set(campaign.questions.values_list("code", flat=True))
        new = [q for q in _question_rows(year) if q.code not in existing]
        for question in new:
            question.campaign = campaign
        Question.objects.bulk_create(new)
        campaigns[year] = campaign

    admin = User.objects.filter(is_staff=True).order_by("pk").first()
    # Only the regional demo structures: the national scale adds thousands that need no dossier.
    structures = {s.name: s for s in Structure.objects.filter(name__in=[row[0] for row in DEMO_STRUCTURES])}

    def editor_of(structure):
        membership = (
            Membership.objects.active()
            .filter(role=Membership.Role.SIAE_EDITOR, structure=structure)
            .select_related("user")
            .first()
        )
        return membership.user if membership else admin

    # 2008: every demo structure, answered and acknowledged.
    created_2008 = 0
    for structure in structures.values():
        dossier, created = Dossier.objects.get_or_create(
            structure=structure, campaign=campaigns[2008], defaults={"status": Dossier.Status.ACKNOWLEDGED}
        )
        if created:
            _fill(dossier, editor_of(structure))
            services.freeze_snapshot(dossier, admin)
            created_2008 += 1

    # 2009: a few dossiers at each stage, walked through the real transitions.
    advisor = User.objects.filter(email="conseiller@demo.local").first() or admin
    agents = {
        "59": User.objects.filter(email="ddtefp59@demo.local").first() or admin,
        "62": User.objects.filter(email="ddtefp62@demo.local").first() or admin,
    }
    created_2009 = 0
    for name, steps in DOSSIERS_2009:
        structure = structures.get(name)
        if structure is None or Dossier.objects.filter(structure=structure, campaign=campaigns[2009]).exists():
            continue
        with transaction.atomic():
            dossier, _ = services.open_dossier(structure, campaigns[2009])
            editor = editor_of(structure)
            services.reuse_previous_answers(dossier, admin)
            _fill(dossier, editor)
            actors = {"siae": editor, "advisor": advisor, "agent": agents.get(structure.departement, admin)}
            for step in steps:
                actor = _actor_for(step, actors)
                comment = ""
                if step == "request_changes":
                    comment = "Axe 3 : précisez le plan de formation (organismes, durées, financeurs)."
                elif step == "request_complement":
                    comment = "Merci de joindre l'organigramme et le livret d'accueil."
                services.apply_transition(dossier, step, actor, comment=comment, notify=False)
        created_2009 += 1
    stdout.write(
        f"Campagnes 2008 et 2009 : {Question.objects.filter(campaign=campaigns[2009]).count()} questions en 2009, "
        f"{created_2008} dossiers 2008 et {created_2009} dossiers 2009 créés."
    )
    return {"campaigns": campaigns}
