"""docs/domain.md read by the tests that check it against the code."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")


def table(title: str) -> list[list[str]]:
    """The rows of the first Markdown table after the heading `title`, cells without backticks."""
    section = DOC.split(f"\n{title}\n", 1)[1].splitlines()
    start = next(n for n, line in enumerate(section) if line.startswith("|"))
    end = next(n for n in range(start, len(section)) if not section[n].startswith("|"))
    _header, rule, *rows = section[start:end]
    assert set(rule) <= set("|- ")
    return [[cell.strip().replace("`", "") for cell in line.strip("|").split("|")] for line in rows]
