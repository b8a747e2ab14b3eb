"""A campaign's questionnaire as a JSON file, read and checked before anything is written (the
format is described in the README, « Charger le questionnaire d'une campagne »):

    {"year": 2010, "title": "Conventionnement 2010", "opens_on": "2010-01-04",
     "review_deadline": "2010-02-26", "submission_deadline": "2010-03-15",
     "axes": {"1": [{"code": "presentation", "section": "Présentation de la SIAE",
                     "label": "Présentez votre structure.", "answer_type": "long_text",
                     "required": true}, ...], "2": [...], "3": [...], "4": [...]}}

`read_questionnaire()` returns the unsaved campaign and questions, or raises
`QuestionnaireInvalid` with every problem found, each naming the file and the line;
`services.load_questionnaire()` writes them.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from siae_portal.datafiles import DataFileError, Entry, key_problems, model_problems, read_json

from .models import AXIS_LABELS, Campaign, Question

CAMPAIGN_KEYS = {
    "year": "l'année de la campagne",
    "title": "l'intitulé",
    "opens_on": "la date d'ouverture",
    "review_deadline": "la date limite de relecture",
    "submission_deadline": "la date limite de transmission",
}
QUESTION_KEYS = ["code", "section", "label", "answer_type"]
OPTIONAL_QUESTION_KEYS = ["help", "options", "required", "kinds", "order"]
KINDS_HINT = 'une liste de types de SIAE, par exemple ["AI", "ETTI"]'
QUESTION_TYPES = {
    **dict.fromkeys(["code", "section", "label", "answer_type", "help"], (str, "un texte")),
    "required": (bool, "true ou false"),
    "order": (int, "un nombre entier"),
    "kinds": (list, KINDS_HINT),
    "options": (list, "une liste de textes"),
}
# The bounds of the `campaign_year_plausible` constraint, said before the database refuses.
YEARS = range(2000, 2101)


class QuestionnaireInvalid(Exception):
    def __init__(self, errors: list[DataFileError]):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class Questionnaire:
    campaign: Campaign  # unsaved: created by the load if its year is new
    questions: list[Question]  # unsaved, without their campaign


def read_questionnaire(path) -> Questionnaire:
    """The checked content of the questionnaire file at `path` (nothing is written)."""
    path = Path(path)
    document = read_json(path)
    if not isinstance(document, Entry):
        raise QuestionnaireInvalid([DataFileError(path, "le fichier doit contenir un objet JSON { ... }.", 1)])
    errors = []
    campaign = _campaign(path, document, errors)
    questions = _questions(path, document.get("axes"), document, errors)
    if errors:
        raise QuestionnaireInvalid(errors)
    return Questionnaire(campaign, questions)


def _campaign(path, document: Entry, errors) -> Campaign:
    problems = key_problems(document, (), {*CAMPAIGN_KEYS, "axes"})
    values = {}
    for key, what in CAMPAIGN_KEYS.items():
        value = values[key] = document.get(key)
        if value is None:
            problems.append(f"« {key} » manque ({what})")
        elif key == "year" and (type(value) is not int or value not in YEARS):
            problems.append(f"« year » doit être une année entre {YEARS[0]} et {YEARS[-1]}, pas {value!r}")
        elif key == "title" and (not isinstance(value, str) or not value.strip()):
            problems.append("« title » doit être un texte non vide")
        elif key not in ("year", "title"):
            values[key] = _date(value)
            if values[key] is None:
                problems.append(f"« {key} » doit être une date AAAA-MM-JJ, pas {value!r}")
    campaign = Campaign(**values)
    if not problems:
        problems = model_problems(campaign, validate_unique=False, validate_constraints=False)
    errors.extend(document.error(path, f"campagne : {problem.rstrip('.')}.") for problem in problems)
    return campaign


def _date(value) -> datetime.date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    return None


def _questions(path, axes, document: Entry, errors) -> list[Question]:
    if not isinstance(axes, dict):
        errors.append(document.error(path, '« axes » manque : un objet {"1": [questions], ..., "4": [...]}.'))
        return []
    questions, lines_of_code = [], {}
    for axis_key, entries in axes.items():
        if axis_key not in {str(axis) for axis in AXIS_LABELS}:
            errors.append(document.error(path, f"axe « {axis_key} » inconnu : les axes sont 1, 2, 3 et 4."))
            continue
        if not isinstance(entries, list):
            errors.append(document.error(path, f"l'axe {axis_key} doit être une liste de questions [ ... ]."))
            continue
        for entry in entries:
            # The order, unless given, is the question's place in the file (all axes counted).
            question = _question(path, int(axis_key), entry, len(questions) + 1, errors)
            if question is None:
                continue
            if question.code in lines_of_code:
                errors.append(
                    entry.error(
                        path,
                        f"le code « {question.code} » est déjà celui de la question de la ligne "
                        f"{lines_of_code[question.code]}.",
                    )
                )
            lines_of_code.setdefault(question.code, entry.line)
            questions.append(question)
    if not questions and not errors:
        errors.append(document.error(path, "le questionnaire ne contient aucune question."))
    return questions


def _question(path, axis: int, entry, position: int, errors) -> Question | None:
    if not isinstance(entry, Entry):
        errors.append(DataFileError(path, f"axe {axis} : chaque question est un objet {{ ... }}, pas {entry!r}."))
        return None
    where = f"question « {entry['code']} »" if isinstance(entry.get("code"), str) else f"question de l'axe {axis}"
    problems = key_problems(entry, QUESTION_KEYS, OPTIONAL_QUESTION_KEYS)
    for key, (kind, description) in QUESTION_TYPES.items():
        if key in entry and type(entry[key]) is not kind:
            problems.append(f"« {key} » doit être {description}")
    options = entry.get("options", [])
    if isinstance(options, list):
        if not all(isinstance(option, str) and "\n" not in option for option in options):
            problems.append("« options » doit être une liste de textes d'une ligne chacun")
        elif options and entry.get("answer_type") != Question.AnswerType.CHOICE:
            problems.append(f"« options » ne vaut que pour le type « {Question.AnswerType.CHOICE} »")
    if isinstance(entry.get("kinds"), list) and not all(isinstance(kind, str) for kind in entry["kinds"]):
        problems.append(f"« kinds » doit être {KINDS_HINT}")
    if problems:
        errors.extend(entry.error(path, f"{where} : {problem.rstrip('.')}.") for problem in problems)
        return None
    question = Question(
        axis=axis,
        code=entry["code"],
        section=entry["section"],
        label=entry["label"],
        help_text=entry.get("help", ""),
        answer_type=entry["answer_type"],
        options="\n".join(options),
        required=entry.get("required", False),
        kinds=entry.get("kinds", []),
        order=entry.get("order", position),
    )
    problems = model_problems(question, exclude=["campaign"], validate_unique=False, validate_constraints=False)
    if problems:
        errors.extend(entry.error(path, f"{where} : {problem}") for problem in problems)
        return None
    return question
