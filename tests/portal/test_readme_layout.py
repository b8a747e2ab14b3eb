"""The README's « Organisation du code » section matches the tree: every top-level folder is listed,
every module it names exists, and every module of an application folder is named (the conventional
Django modules aside)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Django's own modules, and the layers that the paragraph above the block names for every application.
CONVENTIONAL = {"__init__", "apps", "admin", "models", "urls", "settings", "wsgi", "asgi", "migrations"}
LAYERS = {"views", "forms", "selectors", "services", "rules", "calculations"}
APPLICATIONS = {"siae_portal", "accounts", "dossiers", "indicators", "conventions", "toolbox", "demo"}
APPLICATIONS |= {"operations", "loadtest"}


def layout() -> dict[str, str]:
    """Folder → its paragraph, from the code block under « ## Organisation du code »."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Organisation du code", 1)[1]
    block = section.split("```", 2)[1]
    entries: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        match = re.match(r"^(\.?[\w/.]+?)/?\s{2,}(.*)$", line)
        if match and not line.startswith(" "):
            current = match.group(1).rstrip("/")
            entries[current] = match.group(2)
        elif current:
            entries[current] += " " + line.strip()
    return entries


def tracked_top_level() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {path.split("/")[0] for path in files.splitlines() if "/" in path and not path.startswith(".")}


def test_every_top_level_folder_is_listed_and_exists():
    listed = set(layout())
    assert tracked_top_level() <= listed, tracked_top_level() - listed
    assert APPLICATIONS <= listed
    assert all((ROOT / folder).exists() for folder in listed), [f for f in listed if not (ROOT / f).exists()]


def test_every_named_module_exists():
    missing = [
        f"{folder}/{name}"
        for folder, text in layout().items()
        if not folder.startswith(".")
        for name in re.findall(r"\b([\w/]+\.(?:py|html|js|css|md))\b", text)
        if not ((ROOT / name).exists() or (ROOT / folder / name).exists() or list((ROOT / folder).rglob(name)))
    ]
    assert not missing, f"named in the README, not in the tree: {missing}"


def test_the_layers_are_described():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Organisation du code", 1)[1]
    for layer in LAYERS:
        assert f"`{layer}.py`" in readme.split("```", 1)[0]


def test_every_application_module_is_named():
    unnamed = []
    for folder, text in layout().items():
        directory = ROOT / folder
        if folder not in APPLICATIONS:
            continue
        for path in directory.iterdir():
            name = path.stem if path.suffix == ".py" else path.name
            if name in CONVENTIONAL | LAYERS or name.startswith("__") or not (path.suffix == ".py" or path.is_dir()):
                continue
            if name in {"management", "templatetags"}:  # commands and template tags are named by their own
                continue
            if not re.search(rf"\b{re.escape(name)}\b", text):
                unnamed.append(f"{folder}/{path.name}")
    assert not unnamed, f"in the tree, not named in the README: {unnamed}"
