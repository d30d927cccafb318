"""The registry's dataset variants: every page asks for a role and gets the right model."""

from __future__ import annotations

from ae_models.data import DATASETS
from ae_models.registry import MODELS, REGISTRY, model_keys, resolve


def test_every_fashion_model_repeats_an_mnist_model_on_fashion_mnist() -> None:
    fashion = model_keys("fashion_mnist")
    assert set(fashion) == {"fashion_conv", "fashion_conv_denoise", "fashion_ae_3d",
                            "fashion_vae_2d"}
    for key in fashion:
        spec = REGISTRY[key]
        assert spec.dataset == "fashion_mnist"
        original = REGISTRY[spec.variant_of]
        assert original.dataset == "mnist"
        assert spec.code_shape == original.code_shape and spec.family == original.family
        assert spec.corruption == original.corruption
        assert spec.notes, f"{key} must record how it departs from the recipe"


def test_roles_resolve_per_dataset() -> None:
    assert resolve("vae_2d", "mnist") == "vae_2d"
    assert resolve("vae_2d", "fashion_mnist") == "fashion_vae_2d"
    assert resolve("conv_crosshair", "fashion_mnist") is None
    assert resolve("vae", "fashion_mnist") is None
    for spec in MODELS:
        assert resolve(spec.role, spec.dataset) == spec.key


def test_keys_are_unique_and_every_dataset_has_models() -> None:
    assert len(REGISTRY) == len(MODELS)
    for dataset in DATASETS:
        assert model_keys(dataset)
