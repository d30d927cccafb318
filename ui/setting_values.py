"""What each URL key accepts: the values its widget takes, so a lesson file is checked when it
is opened, not in front of the class.

The widgets live in the pages; this table repeats their ranges and options. It cannot drift
from them unnoticed: `tests/test_lessons.py` opens every page and compares each rule here
with the range and options of the widget bound to the key.

A value may be written as a link writes it ("Test digits", "0.5", "true") or as TOML writes it
(0.5, true, 64); a model may also be named by its key ("conv" for "Convolutional (conv)").
`widget_value` turns it into the value the widget holds (what `st.session_state` gets), or
raises `SettingError` saying why not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from ae_models import latent_maps
from ae_models.data import DATASETS
from ae_models.registry import model_keys, resolve
from ui.model_cache import class_name, latents, spec_of, title_of
from ui.latent import latent_2d_options, option_label
from ui.url_keys import BY_KEY

NOT_SETTABLE = {"lesson", "step"}  # a lesson's own place, not a view's setting
FASHION_SUFFIX = "_fashion_mnist"


class SettingError(ValueError):
    """A value the widget would not take; the message says what it takes instead."""


@dataclass(frozen=True)
class Number:
    low: float
    high: float
    step: float | None = None  # None: any value in range
    integer: bool = False

    def value(self, raw: object) -> int | float:
        number = _number(raw, self.integer)
        if not self.low <= number <= self.high:
            raise SettingError(f"{raw!r} is out of range: it runs from {self.low:g} to "
                               f"{self.high:g}")
        if self.step and abs(round((number - self.low) / self.step) * self.step
                             + self.low - number) > 1e-9:
            raise SettingError(f"{raw!r} is not a step of the slider: it moves from "
                               f"{self.low:g} in steps of {self.step:g}")
        return int(number) if self.integer else float(number)


@dataclass(frozen=True)
class Flag:
    def value(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise SettingError(f"{raw!r} is not true or false")


@dataclass(frozen=True)
class Choice:
    options: tuple[tuple[str, object], ...]  # (label as a link writes it, the widget's value)
    aliases: tuple[tuple[str, str], ...] = ()  # other accepted names -> label (model keys)
    many: bool = False  # a multiselect: a list of options

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.options)

    def value(self, raw: object) -> object:
        if self.many:
            if not isinstance(raw, list) or not raw:
                raise SettingError(f"{raw!r} is not a list of options, e.g. "
                                   f"[{_quoted(self.labels[:2])}]")
            return [self._one(item) for item in raw]
        return self._one(raw)

    def _one(self, raw: object) -> object:
        text = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
        label = dict(self.aliases).get(text, text)
        values = dict(self.options)
        if label not in values:
            raise SettingError(f"{raw!r} is not one of the options: {_quoted(self.labels)}")
        return values[label]


def choice(*labels: str) -> Choice:
    """Options whose value is their label (segmented controls, radios, tabs)."""
    return Choice(tuple((label, label) for label in labels))


def numbers(*values: int) -> Choice:
    """A select slider of whole numbers, written as "32" in a link."""
    return Choice(tuple((str(v), v) for v in values))


Rule = Number | Flag | Choice


def _quoted(labels) -> str:
    return ", ".join(f'"{label}"' for label in labels)


def _number(raw: object, integer: bool) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise SettingError(f"{raw!r} is not a number")
    try:
        number = float(raw)
    except ValueError:
        raise SettingError(f"{raw!r} is not a number") from None
    if not math.isfinite(number):
        raise SettingError(f"{raw!r} is not a finite number")
    if integer and number != int(number):
        raise SettingError(f"{raw!r} is not a whole number")
    return number


# --- Choices that depend on the data set -------------------------------------------------------

def _models(keys: list[str], label: Callable[[str], str], many: bool = False) -> Choice:
    """A model choice: options written as `label(key)`, valued by the key (accepted too)."""
    return Choice(tuple((label(k), k) for k in keys), tuple((k, label(k)) for k in keys), many)


def _with_key(key: str) -> str:
    return f"{title_of(key)} ({key})"


def _vae_models(dataset: str) -> tuple[str, str]:
    """The VAE explorer's (main, grid) models: the 16-D VAE falls back to the 2-D one."""
    grid = resolve("vae_2d", dataset) or "vae_2d"
    return resolve("vae", dataset) or grid, grid


def _dataset_rules(dataset: str) -> dict[str, Rule]:
    pickable = model_keys(dataset, include_twins=False)
    main_vae, grid_vae = _vae_models(dataset)
    classes = len(DATASETS[dataset].class_names)
    return {
        "home_model": _models(pickable, title_of),
        "models": _models(pickable, _with_key, many=True),
        "dn_models": _models(pickable, _with_key, many=True),
        "l2d_model": _models(latent_2d_options(dataset), option_label),
        "vae_trav_k": Number(1, spec_of(main_vae).code_size, 1, integer=True),
        "vae_interp_digit": Choice(tuple((class_name(dataset, i), i) for i in range(classes)),
                                   tuple((str(i), class_name(dataset, i)) for i in range(classes))),
        "vae_sample_model": _models(list(dict.fromkeys([main_vae, grid_vae])), title_of),
        "zoo_model": _models(model_keys(dataset), _with_key),
    }


FIXED_RULES: dict[str, Rule] = {
    "dataset": Choice(tuple((info.label, name) for name, info in DATASETS.items()),
                      tuple((name, info.label) for name, info in DATASETS.items())),
    "presenter": Flag(),
    "draw_kind": choice("None", "Gaussian noise", "Crosshair", "Both"),
    "draw_sigma": Number(0.0, 1.0, 0.05),
    "draw_seed": Number(0, 9999, 1, integer=True),
    "draw_thickness": Number(1, 5, 1, integer=True),
    "draw_intensity": Number(0.1, 1.0, 0.1),
    "draw_random": Flag(),
    "draw_row": Number(0, 27, 1, integer=True),
    "draw_col": Number(0, 27, 1, integer=True),
    "dn_source": choice("Current input", "Test digits"),
    "dn_n": numbers(16, 32, 64),
    "dn_sigma": Number(0.0, 1.0, 0.05),
    "dn_thickness": Number(1, 5, 1, integer=True),
    "dn_random": Flag(),
    "dn_row": Number(0, 27, 1, integer=True),
    "dn_col": Number(0, 27, 1, integer=True),
    "l2d_grid": Flag(),
    "l2d_grid_n": numbers(10, 15, 20),
    "vae_section": choice("Manifold grid", "Traversals", "Interpolation", "Samples"),
    "vae_grid_n": Number(5, 25, 1, integer=True),
    "vae_trav_start": choice("Your input", "A prior sample"),
    "vae_trav_steps": Number(5, 13, 2, integer=True),
    "vae_trav_seed": Number(0, 9999, 1, integer=True),
    "vae_interp_steps": Number(5, 15, 1, integer=True),
    "vae_interp_spherical": Flag(),
    "vae_sample_seed": Number(0, 1_000_000, 1, integer=True),
    "live_code": numbers(2, 4, 8, 16, 32),  # not imported: live_training loads Keras
    "live_noise": Number(0.0, 0.75, 0.05),
    "live_n": numbers(1000, 3000, 5000),
    "live_epochs": Number(3, 20, 1, integer=True),
}
PROBE = re.compile(r"^(l2d)_([xy])_(\w+)$|^(l3d)_([xyz])_(\w+)$")


def _probe_rule(key: str, dataset: str) -> Rule | None:
    """The range of a latent page's probe slider (`l2d_x_ae_2d`): the model's whole map."""
    match = PROBE.match(key)
    if match is None:
        return None
    page, axis, model = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
        else (match.group(4), match.group(5), match.group(6))
    dims = 2 if page == "l2d" else 3
    models = latent_2d_options(dataset) if dims == 2 else [resolve("ae_3d", dataset) or "ae_3d"]
    if model not in models:
        raise SettingError(f"{model!r} is not a model of this map: "
                           f"{', '.join(models)}")
    stored = latents(model)
    if stored is None:  # the page says so itself; any number will do until then
        return Number(-math.inf, math.inf)
    low, high = latent_maps.axis_ranges(latent_maps.plot_points(stored, dims))["xyz".index(axis)]
    return Number(float(low), float(high))


def rule_for(key: str, dataset: str) -> tuple[str, Rule]:
    """(the widget's key, its rule) for a setting named `key` on `dataset`.

    Keys that exist once per data set may be written plain: on Fashion-MNIST `models` becomes
    `models_fashion_mnist`, as the page names it. Raises `KeyError` for a key no page binds.
    """
    plain = key.removesuffix(FASHION_SUFFIX)
    entry = BY_KEY.get(plain)
    if plain in NOT_SETTABLE or (entry is None and PROBE.match(key) is None):
        raise KeyError(key)
    if entry is not None and entry.per_dataset:
        if key != plain and dataset != "fashion_mnist":
            raise SettingError(f"{key} is the Fashion-MNIST variant: set dataset to "
                               f"\"{DATASETS['fashion_mnist'].label}\" in this step, or write "
                               f"{plain}")
        url_key = plain if dataset == "mnist" else f"{plain}_{dataset}"
        return url_key, _dataset_rules(dataset)[plain]
    if key != plain:
        raise KeyError(key)
    rule = FIXED_RULES.get(key) or _probe_rule(key, dataset)
    if rule is None:  # read by a page but no view's setting (class mode's join code and key)
        raise KeyError(key)
    return key, rule


def settable(key: str) -> bool:
    """Whether a lesson step may set `key` (on MNIST)."""
    try:
        rule_for(key, "mnist")
    except (KeyError, SettingError):
        return False
    return True


def dataset_of(raw: object) -> str:
    """The data set a step's `dataset` setting names (its label or its name)."""
    return FIXED_RULES["dataset"].value(raw)


def widget_value(key: str, raw: object, dataset: str) -> tuple[str, object]:
    """(widget key, the widget's value) for setting `key` to `raw` on `dataset`; raises
    `KeyError` for a key no page binds, `SettingError` for a value its widget does not take."""
    widget_key, rule = rule_for(key, dataset)
    return widget_key, rule.value(raw)
