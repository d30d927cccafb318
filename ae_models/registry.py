"""The one table of models that exist: pages, training, evaluation and tests all read it.

Adding a model is one `ModelSpec` entry here plus its builder in `architectures`.

A model's `recipe` names the reference tutorial it follows; its `notes` say where it departs:

- R1: Abien Fred Agarap, "Implementing an Autoencoder in TensorFlow 2.0" (Senti AI, 2019),
  https://senti.ai/resources/implementing-an-autoencoder-in-tensorflow-2-0/
- R2: Giuseppe Bonaccorso, the "Autoencoders" chapter of *Mastering Machine Learning Algorithms*
  (Packt, second edition, 2020).
- R3: Chablani, "Autoencoders — Introduction and Implementation in TF." (Towards Data Science),
  https://towardsdatascience.com/autoencoders-introduction-and-implementation-3f40483b0a85
- R4: Tathagat, "Deep autoencoders using TensorFlow".
- R5: Czumak, "The magic of autoencoders" (PyTorch).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

Corruption = Literal["clean", "gaussian", "crosshair"]


@dataclass(frozen=True)
class TrainingSettings:
    """How the training CLI fits one model (the reference recipe, or our documented departure)."""

    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 1e-3
    patience: int = 6
    augment: bool = False  # random shifts of up to 2 px (see train.random_shift)
    loop: Literal["fit", "gradient_tape"] = "fit"
    loss: Literal["mse", "bce", "elbo"] = "mse"
    max_sigma: float = 0.0  # gaussian-trained models: sigma drawn per batch from [0, max_sigma]
    train_limit: int | None = None  # use only the first N training images (CPU budget), None: all


@dataclass(frozen=True)
class ModelSpec:
    """Metadata of one shipped model; `key` names its folder under `weights/`."""

    key: str
    title: str
    description: str
    family: Literal["dense", "conv", "dac", "sparse", "vae"]
    recipe: str
    code_shape: tuple[int, ...]
    builder: str
    builder_kwargs: dict[str, Any] = field(default_factory=dict)
    dataset: Literal["mnist", "fashion_mnist"] = "mnist"
    corruption: Corruption = "clean"
    training: TrainingSettings = field(default_factory=TrainingSettings)
    twin_of: str | None = None  # a reference model trained only to measure another against
    variant_of: str | None = None  # the MNIST model this one repeats on another dataset
    notes: tuple[str, ...] = ()  # departures from the reference recipe, copied into the model card

    @property
    def code_size(self) -> int:
        size = 1
        for d in self.code_shape:
            size *= d
        return size

    @property
    def is_vae(self) -> bool:
        return self.family == "vae"

    @property
    def role(self) -> str:
        """What the model is for, whatever it was trained on: pages ask for roles, not keys."""
        return self.variant_of or self.key

    @property
    def code_label(self) -> str:
        return "x".join(str(d) for d in self.code_shape)


_CONV_CODE = (4, 4, 16)

MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        key="dense",
        title="Shallow dense",
        description="One hidden layer each way and a 32-number code: the TF2 GradientTape classic.",
        family="dense",
        recipe="R1",
        code_shape=(32,),
        builder="shallow_dense",
        builder_kwargs={"hidden": 512, "code_size": 32},
        training=TrainingSettings(epochs=60, loop="gradient_tape", patience=8),
        notes=(
            "Code layer is linear (R1 uses a sigmoid code): a linear code packs more into 32 "
            "numbers.",
            "Hidden width 512 and early stopping on a 1,000-digit validation split.",
        ),
    ),
    ModelSpec(
        key="deep_dense",
        title="Deep dense",
        description="Stacked 784-392-196 layers; wide code, sharp digits.",
        family="dense",
        recipe="R4",
        code_shape=(196,),
        builder="deep_dense",
        builder_kwargs={"hidden": 392, "code_size": 196},
        training=TrainingSettings(epochs=80, batch_size=150, learning_rate=1e-3, patience=10),
        notes=(
            "Output layer uses a sigmoid instead of R4's ReLU, so pixels stay in [0, 1].",
            "Adam learning rate 1e-3 instead of 0.01 (0.01 diverges to blank outputs); trained up "
            "to 40 epochs with early stopping instead of 5.",
        ),
    ),
    ModelSpec(
        key="conv",
        title="Convolutional",
        description="Conv + max-pool encoder, resize + conv decoder (no checkerboard artefacts).",
        family="conv",
        recipe="R3",
        code_shape=_CONV_CODE,
        builder="conv",
        training=TrainingSettings(epochs=120, batch_size=128, loss="bce", patience=12),
        notes=('Trained on sigmoid cross-entropy as in R3; reported MSE for comparison with PCA.',),
    ),
    ModelSpec(
        key="conv_denoise",
        title="Denoising conv",
        description="The conv AE trained to map noisy digits to clean ones.",
        family="conv",
        recipe="R3",
        code_shape=_CONV_CODE,
        builder="conv",
        builder_kwargs={"filters": (64, 64, 16), "depth": 2},
        corruption="gaussian",
        training=TrainingSettings(epochs=300, batch_size=128, loss="bce", max_sigma=0.75,
                                  patience=20),
        notes=(
            "R3 adds noise with sigma 0.5; here sigma is drawn per image from [0, 0.75] so one "
            "model serves every noise level.",
            "Wider and deeper than R3: 64 filters and two convolutions per resolution (R3: 32/32, "
            "one each), same 4x4x16 code; +1 dB PSNR at sigma 0.5 over the R3 widths (20.2 vs "
            "19.2 dB).",
            "Trained on cross-entropy: an MSE loss stalled on blank outputs.",
        ),
    ),
    ModelSpec(
        key="conv_crosshair",
        title="Crosshair remover",
        description="The conv AE trained to erase crosshairs it has never seen in that place.",
        family="conv",
        recipe="R3",
        code_shape=_CONV_CODE,
        builder="conv",
        corruption="crosshair",
        training=TrainingSettings(epochs=120, batch_size=128, loss="bce", patience=12),
        notes=(
            "Crosshairs are drawn fresh for every batch at random rows/columns (4-23) and "
            "thickness 1-3.",
        ),
    ),
    ModelSpec(
        key="dac",
        title="Deep conv (DAC)",
        description="Strided conv encoder to a dense 256 code, transposed-conv decoder.",
        family="dac",
        recipe="R2",
        code_shape=(256,),
        builder="deep_conv",
        builder_kwargs={"input_size": 32, "code_size": 256, "l1": 0.0},
        training=TrainingSettings(epochs=100, batch_size=128, patience=12),
        notes=(
            "Convolutions 2 and 3 use stride 2 (R2: stride 1) and the third has 64 filters (R2: "
            "128), giving a 4x4x64 map: R2's 16x16x128 flatten would need 8.4M weights in the "
            "code layer alone.",
            "Batch normalisation after every (transposed) convolution: without it the sigmoid "
            "code saturated and the network output the mean digit (MSE stuck at 0.068).",
            "Decoder reshapes the code to 4x4x16 and upsamples with three stride-2 transposed "
            "convolutions (64, 32, 16 filters) instead of R2's 16x16x1 start with 128/64/32 "
            "filters: a quarter of the compute, same output size.",
            "Input resized to 32x32 inside the encoder and the output back to 28x28 inside the "
            "decoder, so the loss is taken against the original 28x28 digit.",
        ),
    ),
    ModelSpec(
        key="sparse",
        title="Sparse (L1)",
        description="Wide 576 code with an L1 penalty: most code units stay near zero.",
        family="sparse",
        recipe="R2",
        code_shape=(576,),
        builder="deep_conv",
        builder_kwargs={"input_size": 24, "code_size": 576, "l1": 5e-5},
        training=TrainingSettings(epochs=100, batch_size=128, patience=12),
        notes=(
            "L1 activity penalty 5e-5 per code unit (summed over the 576 units); R2's alpha 0.1 "
            "on a summed code collapses every unit to zero with Keras 3's per-sample regulariser.",
            "Same encoder/decoder changes as dac (batch normalisation, strided convs); input "
            "resized to 24x24 inside the encoder.",
        ),
    ),
    ModelSpec(
        key="sparse_twin",
        title="Sparse's twin (no L1)",
        description="The sparse network trained without its penalty: the yardstick for sparsity.",
        family="sparse",
        recipe="R2",
        code_shape=(576,),
        builder="deep_conv",
        builder_kwargs={"input_size": 24, "code_size": 576, "l1": 0.0},
        training=TrainingSettings(epochs=100, batch_size=128, patience=12),
        twin_of="sparse",
        notes=(
            "Identical to sparse without the L1 penalty: the yardstick for the sparsity target "
            "(not shown as a separate model in the app).",
        ),
    ),
    ModelSpec(
        key="ae_2d",
        title="2-D code",
        description="Squeezes a digit into two numbers you can plot on a plane.",
        family="dense",
        recipe="R5",
        code_shape=(2,),
        builder="dense_bottleneck",
        builder_kwargs={"hidden": (256, 128, 64), "code_size": 2, "input_noise": 0.3},
        training=TrainingSettings(epochs=300, batch_size=128, patience=15),
        notes=(
            "Dense funnel 784-256-128-64-2 (no reference prescribes the 2-D model); linear code.",
            "Gaussian noise (sigma 0.3) on the encoder input while training, as a regulariser: "
            "test 10-NN label agreement 0.72-0.76 over two seeds against 0.61-0.63 without, and "
            "lower test MSE (0.037 vs 0.040). Sigma 0.2, 0.4, 0.5, a wider funnel, dropout 0.2 "
            "(0.71), batch norm (0.62), code noise (0.65) and the 1000-500-250 funnel (0.72) were "
            "tried; shifts as augmentation hurt (0.54).",
        ),
    ),
    ModelSpec(
        key="ae_3d",
        title="3-D code",
        description="784-128-64-12-3: a code you can rotate in 3-D.",
        family="dense",
        recipe="R5",
        code_shape=(3,),
        builder="dense_bottleneck",
        builder_kwargs={"hidden": (256, 128, 64, 12), "code_size": 3},
        training=TrainingSettings(epochs=200, batch_size=128, patience=15),
        notes=(
            "R5's 784-128-64-12-3 with a wider first layer (256) before the 128: the R5 net alone "
            "stays near PCA-3.",
            "Adam 1e-3 without weight decay; early stopping on validation loss.",
        ),
    ),
    ModelSpec(
        key="vae_2d",
        title="VAE, 2-D latent",
        description="A variational AE whose 2-D latent space is a smooth map of digits.",
        family="vae",
        recipe="R2",
        code_shape=(2,),
        builder="conv_vae",
        builder_kwargs={"latent_dim": 2, "hidden": 64},
        training=TrainingSettings(epochs=250, batch_size=64, learning_rate=5e-4, loss="elbo",
                                  patience=15),
        notes=(
            "keras.io convolutional VAE with a 64-unit dense layer (keras.io: 16) before the "
            "latent heads; batch 64, Adam 5e-4 (tried 128/256 units and batch 128: 1-7 nats worse "
            "on test).",
            "Decoder ends in a sigmoid and the loss is the summed binary cross-entropy on it (R2: "
            "logits); the same ELBO.",
            "Tried for a clearer map (10-NN label agreement 0.60, aim 0.75), neither kept: "
            "Gaussian noise (sigma 0.3) on the encoder input as for ae_2d (0.60, -ELBO 152.2) and "
            "half the KL weight while training (0.60, -ELBO 155.3).",
        ),
    ),
    ModelSpec(
        key="vae",
        title="VAE, 16-D latent",
        description="A variational AE with 16 latent dimensions: sharper, and still samples.",
        family="vae",
        recipe="R2",
        code_shape=(16,),
        builder="conv_vae",
        builder_kwargs={"latent_dim": 16},
        training=TrainingSettings(epochs=250, batch_size=128, loss="elbo", patience=15,
                                  augment=True),
        notes=(
            "Same conv network as vae_2d with 16 latent dimensions and a 128-unit dense layer.",
            "Random shifts of up to 2 px as augmentation: 1 nat better test ELBO than without "
            "(102.2 vs 103.2).",
        ),
    ),
)


def _fashion_variant(spec: ModelSpec, description: str,
                     builder_kwargs: dict[str, Any] | None = None,
                     training: TrainingSettings | None = None,
                     notes: tuple[str, ...] = ()) -> ModelSpec:
    """The same job on Fashion-MNIST: 60k training images, so fewer epochs do the same work."""
    return replace(
        spec, key=f"fashion_{spec.key}", variant_of=spec.key, dataset="fashion_mnist",
        title=f"{spec.title} (Fashion)", description=description,
        builder_kwargs=spec.builder_kwargs if builder_kwargs is None else builder_kwargs,
        training=training or spec.training, notes=notes)


_BY_KEY = {spec.key: spec for spec in MODELS}
FASHION_MODELS: tuple[ModelSpec, ...] = (
    _fashion_variant(
        _BY_KEY["conv"], "The convolutional AE on clothes: shapes survive, fine texture does not.",
        training=TrainingSettings(epochs=8, batch_size=128, loss="bce", patience=4,
                                  train_limit=15_000),
        notes=(
            "R3 network and loss; 8 epochs over 15,000 of the 59,000 Fashion-MNIST training "
            "images: full-resolution convolutions cost 5 minutes per 59k epoch on 2 CPU cores.",
        )),
    _fashion_variant(
        _BY_KEY["conv_denoise"], "The denoising conv AE trained on noisy clothes.",
        builder_kwargs={},
        training=TrainingSettings(epochs=10, batch_size=128, loss="bce", max_sigma=0.75, patience=4,
                                  train_limit=15_000),
        notes=("Sigma drawn per image from [0, 0.75], as for the MNIST denoiser.",
               "R3's widths (32 filters, one convolution per resolution; the MNIST denoiser has 64 "
               "and two) and 10 epochs over 15,000 training images: a CPU budget of about 15 "
               "minutes.")),
    _fashion_variant(
        _BY_KEY["ae_3d"], "R5 exactly: 784-128-64-12-3 on Fashion-MNIST, the tutorial's own data.",
        builder_kwargs={"hidden": (128, 64, 12), "code_size": 3},
        training=TrainingSettings(epochs=12, batch_size=128, patience=4),
        notes=("R5's own 784-128-64-12-3 network on all 59,000 training images; 12 epochs "
               "(R5: 10), Adam 1e-3 without weight decay.",)),
    _fashion_variant(
        _BY_KEY["vae_2d"], "A 2-D VAE on clothes: shoes, bags and tops settle into regions.",
        training=TrainingSettings(epochs=10, batch_size=128, learning_rate=1e-3, loss="elbo",
                                  patience=4, train_limit=30_000),
        notes=("Same network as the MNIST vae_2d (64-unit dense layer); batch 128, Adam 1e-3, "
               "10 epochs on 30,000 of the training images (CPU budget).",)),
)
MODELS = MODELS + FASHION_MODELS

REGISTRY: dict[str, ModelSpec] = {spec.key: spec for spec in MODELS}


def get_spec(key: str) -> ModelSpec:
    """Look up a model, with an error that lists what exists."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"Unknown model {key!r}; known models: {', '.join(REGISTRY)}") from None


def model_keys(dataset: str | None = "mnist", include_twins: bool = True) -> list[str]:
    """Keys in registry order, optionally filtered by dataset and without measurement twins."""
    return [
        spec.key
        for spec in MODELS
        if (dataset is None or spec.dataset == dataset) and (include_twins or spec.twin_of is None)
    ]


LIVE_KEY = "live"  # the model a session trains on the "Train it live" page (not in the table)


def resolve(role: str, dataset: str) -> str | None:
    """The key of the model that plays `role` (an MNIST key) on `dataset`, or None if none does."""
    for spec in MODELS:
        if spec.role == role and spec.dataset == dataset:
            return spec.key
    return None
