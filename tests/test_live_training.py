"""The live-training core: a small model learns, reports every epoch, and behaves like a shipped one."""

from __future__ import annotations

import numpy as np
import pytest

from ae_models.data import synthetic_digits
from ae_models.live_training import LIVE_KEY, PREVIEW, LiveSettings, live_spec, train_live
from ae_models.loading import Autoencoder


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    images, _ = synthetic_digits(700, seed=5)
    x = images.astype(np.float32) / 255
    return x[:600], x[600:]


def test_loss_falls_and_every_epoch_is_reported(digits) -> None:
    train, val = digits
    seen = []
    settings = LiveSettings(code_size=8, train_size=600, epochs=6, batch_size=32, seed=1)
    model, reports = train_live(settings, train, val, on_epoch=seen.append)
    assert [r.epoch for r in seen] == [1, 2, 3, 4, 5, 6] and seen == reports
    assert all(r.epochs == 6 for r in reports)
    assert reports[-1].val_loss < 0.8 * reports[0].val_loss  # it learnt something
    # a mean image scores about the pixel variance; the trained model must beat it clearly
    assert reports[-1].val_loss < 0.8 * float(np.mean((val - train.mean(axis=0)) ** 2))
    assert [r.seconds for r in reports] == sorted(r.seconds for r in reports)
    assert reports[-1].preview.shape == (PREVIEW, 28, 28)
    assert isinstance(model, Autoencoder) and model.key == LIVE_KEY
    assert model.encode(val[0]).shape == (8,)
    rebuilt = model.reconstruct(val[:PREVIEW])
    # the preview is what the model gives for the first validation images after the last epoch
    np.testing.assert_allclose(rebuilt, reports[-1].preview, atol=1e-5)


def test_noise_makes_a_denoiser_that_beats_the_plain_model_on_noisy_input(digits) -> None:
    train, val = digits
    plain, _ = train_live(LiveSettings(code_size=16, train_size=600, epochs=5, batch_size=32,
                                       seed=2), train, val)
    denoiser, _ = train_live(LiveSettings(code_size=16, noise_sigma=0.5, train_size=600, epochs=5,
                                          batch_size=32, seed=2), train, val)
    noisy = np.clip(val + np.random.default_rng(0).normal(0, 0.5, val.shape), 0, 1).astype(np.float32)
    plain_err = np.mean((plain.reconstruct(noisy) - val) ** 2)
    denoise_err = np.mean((denoiser.reconstruct(noisy) - val) ** 2)
    assert denoise_err < plain_err
    assert denoiser.spec.corruption == "gaussian" and plain.spec.corruption == "clean"


def test_spec_describes_the_model() -> None:
    spec = live_spec(LiveSettings(code_size=4, noise_sigma=0.3, train_size=1000, epochs=6),
                     "fashion_mnist")
    assert spec.key == LIVE_KEY and spec.code_shape == (4,) and spec.dataset == "fashion_mnist"
    assert "1,000 images" in spec.description and "6 epochs" in spec.description
    assert "0.3" in spec.description


@pytest.mark.parametrize("bad", [{"code_size": 1}, {"code_size": 64}, {"noise_sigma": -0.1},
                                 {"epochs": 0}, {"train_size": 10}])
def test_settings_out_of_range_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        LiveSettings(**bad)
