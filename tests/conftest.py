"""Shared test setup: quiet TensorFlow, real data when the shared folder exists, common fixtures."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Before anything imports TensorFlow: no C++ info/warning spam in test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

# Real MNIST when the developers'/CI's shared folder is there; an explicit AE_DATA_DIR wins.
if not os.environ.get("AE_DATA_DIR") and SHARED_DATA.is_dir():
    os.environ["AE_DATA_DIR"] = str(SHARED_DATA)

# Class mode's store: a throwaway folder for the whole test session, so no test writes
# class-data/ into the repository (a caller's own AE_CLASS_DIR or AE_CLASS_DB_URL, such as the
# PostgreSQL runs', wins). App servers that the browser tests start inherit it.
if not os.environ.get("AE_CLASS_DIR") and not os.environ.get("AE_CLASS_DB_URL"):
    os.environ["AE_CLASS_DIR"] = tempfile.mkdtemp(prefix="ae-class-tests-")
    atexit.register(shutil.rmtree, os.environ["AE_CLASS_DIR"], ignore_errors=True)

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def synthetic_batch() -> np.ndarray:
    """256 synthetic digits as float32 (N, 28, 28, 1) in [0, 1] (fixed seed; shared, do not modify)."""
    from ae_models.data import synthetic_digits

    images, _ = synthetic_digits(256, seed=0)
    batch = (images.astype(np.float32) / 255.0)[..., None]
    batch.setflags(write=False)
    return batch


@pytest.fixture
def scratch_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty weights folder that the loader and the training code use instead of weights/."""
    folder = tmp_path / "weights"
    folder.mkdir()
    monkeypatch.setenv("AE_WEIGHTS_DIR", str(folder))
    return folder



@pytest.fixture(autouse=True)
def served_as_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTests run app.py, but the app is served by lab.py, which mounts class mode's endpoints
    (`classroom.http_api.serve`): pages see that, as they do in a class. A test of the other
    case sets it back."""
    from classroom import http_api

    monkeypatch.setattr(http_api, "_serving", True)
