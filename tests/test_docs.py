"""Documents say what the code does today: every module, file and name they mention exists.

Names are looked up in the source (top-level definitions), so no module has to be imported.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from apptest_helpers import REPO

DOCUMENTS = ["docs/architecture.md", "README.md"]
PACKAGES = ("ae_models", "ui", "bench", "deploy", "tests", "docs", "app_pages", "weights", ".ci",
            "static", "classroom", "lessons")
CODE = re.compile(r"`([^`\n]+)`")
IDENTIFIER = re.compile(r"^[A-Za-z_]\w*")


@cache
def top_level_names(module_file: Path) -> frozenset[str]:
    """Functions, classes and assigned names defined at the top of a module."""
    names = set()
    for node in ast.parse(module_file.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):  # re-exports count: `from .x import name`
            names.update(alias.asname or alias.name for alias in node.names)
    return frozenset(names)


def module_file(dotted: str) -> Path | None:
    path = REPO.joinpath(*dotted.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def resolve(dotted: str) -> str | None:
    """None when `a.b.c` is a module or a top-level name of one; else what is missing."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        found = module_file(".".join(parts[:cut]))
        if found is None:
            continue
        rest = parts[cut:]
        if not rest or rest[0] in top_level_names(found):
            return None
        return f"{'.'.join(parts[:cut])} has no {rest[0]}"
    return f"no module {dotted}"


PACKAGE_PREFIXES = tuple(f"{package}{sep}" for package in PACKAGES for sep in "./")
# Module paths anywhere in the text, code blocks included: "-> ae_models.preprocess (...)".
DOTTED = re.compile(r"(?<![\w/.])((?:ae_models|ui|bench)\.[a-z_]\w*(?:\.[A-Za-z_]\w*)*)")


def mentions(document: str) -> list[str]:
    """Module paths (`ui.state`, `ui.state.dataset`) and files (`bench/RESULTS.md`)."""
    text = (REPO / document).read_text()
    found = DOTTED.findall(text)
    for code in CODE.findall(text):
        token = code.split("(")[0].split(" ")[0].rstrip(",.:")
        if token.startswith(PACKAGE_PREFIXES) or token == "app.py":
            found.append(token)
    return found


def problem(token: str) -> str | None:
    if "<" in token:  # a pattern such as weights/<key>/
        return None
    if "*" in token:
        return None if list(REPO.glob(token)) else f"no file matches {token}"
    if "/" in token or token.endswith((".py", ".md", ".json", ".txt")):
        return None if (REPO / token).exists() else f"no file {token}"
    return resolve(token)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_module_and_file_a_document_names_exists(document: str) -> None:
    tokens = mentions(document)
    assert len(tokens) > 5, "the document names modules"
    problems = [p for p in map(problem, tokens) if p]
    assert problems == []


def test_the_architecture_tables_list_real_names() -> None:
    """In a `| module | job |` row, every backticked identifier is defined in that module."""
    problems = []
    for line in (REPO / "docs/architecture.md").read_text().splitlines():
        cells = line.split("|")
        if len(cells) < 4 or not (first := CODE.findall(cells[1])):
            continue
        module = first[0] if "." in first[0] else f"ae_models.{first[0]}"  # `loading` in a table
        found = module_file(module) if module.startswith(("ae_models.", "ui.")) else None
        if found is None:
            continue
        for name in CODE.findall("|".join(cells[2:])):
            word = IDENTIFIER.match(name)
            if word and "." not in name.split("(")[0] and word.group() not in top_level_names(found) \
                    and "=" not in name and "/" not in name and not name.startswith("python "):
                problems.append(f"{module}: {name}")
    assert problems == []


def test_the_check_catches_a_missing_module_and_a_missing_name() -> None:
    assert resolve("ui.model_cache.get_model") is None
    assert resolve("ui.models") == "ui has no models"  # renamed ui.model_cache
    assert resolve("ae_models.loading.read_card") == "ae_models.loading has no read_card"


ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:work|home|root|tmp|usr|opt|mnt|Users)/\S+"
                           r"|\b[A-Z]:\\[^\s`]+")


@pytest.mark.parametrize("document", [*DOCUMENTS, "bench/RESULTS.md", "static/models/README.md"])
def test_documents_hold_no_path_of_the_machine_they_were_made_on(document: str) -> None:
    """Written by people and by the benches; a path of this machine means nothing elsewhere."""
    text = (REPO / document).read_text()
    allowed = {"/usr/bin/chromium", "/usr/share/datasets/fashion-mnist/", "/usr/sbin/nginx"}
    found = [m for m in ABSOLUTE_PATH.findall(text) if m.rstrip("`),.;") not in allowed]
    assert found == []


def test_the_path_check_sees_a_machine_path() -> None:
    assert ABSOLUTE_PATH.findall("ran `streamlit run /work/main/app.py` here")
    assert not ABSOLUTE_PATH.findall("see bench/RESULTS.md and https://example.org/work/x")
