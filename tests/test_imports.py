"""The first page must show without TensorFlow: importing it costs seconds of every cold start."""

from __future__ import annotations

import subprocess
import sys

from apptest_helpers import REPO


def test_shared_ui_and_the_registry_do_not_import_tensorflow() -> None:
    code = ("import sys; import ae_models.registry, ae_models.preprocess, ae_models.corruption, "
            "ae_models.metrics, ui.state, ui.models, ui.widgets, ui.latent, ui.zoo, ui.figures, "
            "ui.images; print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=300, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
