"""What the portal's management commands share: the `--date` that stands for today (cron commands,
tests and catching up)."""

import argparse
from datetime import date


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » : date attendue au format AAAA-MM-JJ.") from None


def add_date_argument(parser) -> None:
    parser.add_argument("--date", type=iso_date, help="Le jour à traiter, AAAA-MM-JJ (par défaut aujourd'hui).")
