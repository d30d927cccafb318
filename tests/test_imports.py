"""Pages must show without TensorFlow: importing it costs seconds of every cold start.

TensorFlow comes in only when a model is loaded (`ui.model_cache.get_model`) or trained.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from apptest_helpers import REPO

from ui.navigation import PAGES

# Train it live builds and fits a Keras model, so its page imports TensorFlow by design.
PAGES_THAT_TRAIN = {"app_pages/train_live.py"}
PAGE_SCRIPTS = ["app.py", *(page.script for page in PAGES)]


def _imported_modules(script: str) -> list[str]:
    """The modules a page script imports at its top level."""
    modules = []
    for node in ast.parse((REPO / script).read_text()).body:
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
    return modules


def _tensorflow_after_importing(modules: list[str]) -> list[str]:
    code = (f"import importlib, sys; [importlib.import_module(m) for m in {modules!r}]; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=300, check=True)
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_shared_ui_and_the_registry_do_not_import_tensorflow() -> None:
    modules = ["ae_models.registry", "ae_models.preprocess", "ae_models.corruption",
               "ae_models.metrics", "ae_models.artifacts",
               *(f"ui.{path.stem}" for path in sorted((REPO / "ui").glob("[!_]*.py")))]
    assert _tensorflow_after_importing(modules) == []


@pytest.mark.parametrize("script", [s for s in PAGE_SCRIPTS if s not in PAGES_THAT_TRAIN])
def test_a_page_imports_no_tensorflow(script: str) -> None:
    modules = _imported_modules(script)
    assert modules, "the page imports something"
    assert _tensorflow_after_importing(modules) == [], script


def test_the_check_sees_tensorflow_where_it_is_imported() -> None:
    """The training page does import it: the check above is not blind."""
    assert "tensorflow" in _tensorflow_after_importing(_imported_modules("app_pages/train_live.py"))
