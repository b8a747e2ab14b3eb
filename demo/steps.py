"""The demo data set, loaded by `seed_demo` in this order (later steps use what earlier ones
loaded). Most steps read one file of demo/data/ (described in its loader and in the README);
generated ones (exits, the national scale) read none. Every step is idempotent, and the whole
load is one transaction: a malformed file stops it with an error naming the file and the line,
and nothing is written.
Adding a file is one line here and its loader."""

from django.db import transaction

from . import accounts, campaigns, conventions, exits, national, structures, toolbox
from .seeding import DATA_DIR, Seeding

STEPS = [
    ("structures.csv", structures.load),  # the networks and the structures of Nord and Pas-de-Calais
    ("accounts.json", accounts.load),  # the demo accounts and their memberships
    (None, exits.generate),  # their exits 2006-2009 and positionings, drawn at random
    ("rate-definitions.json", exits.load_definitions),
    (None, conventions.generate),  # agreed 2007-2009 conventions (reached, missed, within margin)
    (None, national.seed),  # with --scale national: about 4,000 structures and 1.5 million exits
    ("questionnaire-2008.json", campaigns.load_questionnaire),
    ("questionnaire-2009.json", campaigns.load_questionnaire),
    ("answers.csv", campaigns.load_answers),
    ("dossiers-2009.csv", campaigns.load_dossiers),  # 2008 answered by all, 2009 at every stage
    ("toolbox.json", toolbox.load),
]


def seed(stdout, scale="regional") -> Seeding:
    seeding = Seeding(stdout, scale)
    with transaction.atomic():
        for name, load in STEPS:
            load(seeding, DATA_DIR / name if name else None)
    return seeding
