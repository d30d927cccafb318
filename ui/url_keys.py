"""Every setting a link can carry: the widget keys bound to the URL (`bind="query-params"`).

They are a public contract: teachers put them in slide links, e.g.
`/denoise?dn_source=Test+digits&dn_n=64`. Renaming a key, or the label of an option, breaks
those links; `tests/test_url_keys.py` opens a link with each key below and checks the page
restores it, and fails when a page binds a key this table does not list.

A choice widget writes its option's *label* in the URL (the sidebar's data set is
`dataset=Fashion-MNIST+clothes`). Keys marked `per_dataset` exist once per data set: the
MNIST one is plain, the others end in `_fashion_mnist` (`ui.state.per_dataset`). The latent
pages' probe keys end in the model's key (`l2d_x_ae_2d`): each model keeps its own probe.
Class mode's two keys are read by the pages, not bound to a widget: `class` (a join link, kept
in the session as the class to join) and `teacher` (a teacher link's key, kept in the session
and taken out of the address bar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UrlKey:
    key: str  # the widget key, and the parameter's name in the URL
    page: str  # the page script that reads it ("app.py": the sidebar, on every page)
    means: str
    link: str | list[str]  # an example value as a link writes it
    restored: Any  # the widget's value after opening that link
    needs: dict[str, str] = field(default_factory=dict)  # other parameters that must come along
    per_dataset: bool = False


DRAW, DENOISE, LATENT_2D, LATENT_3D = ("app_pages/draw.py", "app_pages/denoise.py",
                                       "app_pages/latent_2d.py", "app_pages/latent_3d.py")
HOME, VAE, TRAIN, ZOO = ("app_pages/home.py", "app_pages/vae.py", "app_pages/train_live.py",
                         "app_pages/zoo.py")
CLASS = "app_pages/class_room.py"
CROSSHAIR = {"draw_kind": "Crosshair"}
FIXED_CROSSHAIR = {"draw_kind": "Crosshair", "draw_random": "false"}
VAE_MAP = {"l2d_model": "VAE, 2-D latent (vae_2d)"}

URL_KEYS: tuple[UrlKey, ...] = (
    # The sidebar, on every page
    UrlKey("dataset", "app.py", "data set the pages show", "Fashion-MNIST clothes",
           "fashion_mnist"),
    UrlKey("presenter", "app.py", "presenter mode", "true", True),
    # A lesson's step (ui.lesson_panel): the step's page opens with the step's settings
    UrlKey("lesson", "app.py", "open lesson", "autoencoders-in-15-minutes",
           "autoencoders-in-15-minutes", {"step": "4"}),
    UrlKey("step", "app.py", "step of the open lesson", "4", 4,
           {"lesson": "autoencoders-in-15-minutes"}),
    # Home
    UrlKey("home_model", HOME, "model of the one-picture pipeline", "Deep dense", "deep_dense",
           per_dataset=True),
    # Draw & reconstruct
    UrlKey("models", DRAW, "models compared", ["Shallow dense (dense)", "2-D code (ae_2d)"],
           ["dense", "ae_2d"], per_dataset=True),
    UrlKey("draw_kind", DRAW, "corruption", "Gaussian noise", "Gaussian noise"),
    UrlKey("draw_sigma", DRAW, "noise sigma", "0.8", 0.8, {"draw_kind": "Gaussian noise"}),
    UrlKey("draw_seed", DRAW, "noise seed", "42", 42, {"draw_kind": "Gaussian noise"}),
    UrlKey("draw_thickness", DRAW, "crosshair thickness", "4", 4, CROSSHAIR),
    UrlKey("draw_intensity", DRAW, "crosshair brightness", "0.5", 0.5, CROSSHAIR),
    UrlKey("draw_random", DRAW, "crosshair at a random place", "true", True, CROSSHAIR),
    UrlKey("draw_row", DRAW, "crosshair row", "5", 5, FIXED_CROSSHAIR),
    UrlKey("draw_col", DRAW, "crosshair column", "20", 20, FIXED_CROSSHAIR),
    # Class mode: a join link puts a pupil's Draw page in a class (ui.class_panel)
    UrlKey("class", DRAW, "the class a pupil joins", "K7QX", "K7QX"),
    # Denoising lab
    UrlKey("dn_models", DENOISE, "models compared", ["Convolutional (conv)"], ["conv"],
           per_dataset=True),
    UrlKey("dn_source", DENOISE, "your digit or test digits", "Test digits", "Test digits"),
    UrlKey("dn_n", DENOISE, "how many test digits", "64", 64, {"dn_source": "Test digits"}),
    UrlKey("dn_sigma", DENOISE, "gallery noise sigma", "0.3", 0.3),
    UrlKey("dn_thickness", DENOISE, "crosshair thickness", "3", 3),
    UrlKey("dn_random", DENOISE, "crosshair at a random place", "false", False),
    UrlKey("dn_row", DENOISE, "crosshair row", "7", 7, {"dn_random": "false"}),
    UrlKey("dn_col", DENOISE, "crosshair column", "21", 21, {"dn_random": "false"}),
    # Latent space 2-D
    UrlKey("l2d_model", LATENT_2D, "model of the map", "VAE, 2-D latent (vae_2d)", "vae_2d",
           per_dataset=True),
    UrlKey("l2d_grid", LATENT_2D, "decoded digits behind the dots", "true", True),
    UrlKey("l2d_grid_n", LATENT_2D, "size of that grid", "20", 20, {"l2d_grid": "true"}),
    UrlKey("l2d_x_ae_2d", LATENT_2D, "probe z1 (one pair of keys per model)", "1.5", 1.5),
    UrlKey("l2d_y_ae_2d", LATENT_2D, "probe z2", "-2.0", -2.0),
    UrlKey("l2d_x_vae_2d", LATENT_2D, "the VAE map's probe z1", "0.5", 0.5, VAE_MAP),
    UrlKey("l2d_y_vae_2d", LATENT_2D, "the VAE map's probe z2", "-0.5", -0.5, VAE_MAP),
    # Latent space 3-D
    UrlKey("l3d_x_ae_3d", LATENT_3D, "probe z1 (one triple of keys per model)", "1.0", 1.0),
    UrlKey("l3d_y_ae_3d", LATENT_3D, "probe z2", "2.0", 2.0),
    UrlKey("l3d_z_ae_3d", LATENT_3D, "probe z3", "-1.0", -1.0),
    # VAE explorer
    UrlKey("vae_section", VAE, "open tab", "Samples", "Samples"),
    UrlKey("vae_grid_n", VAE, "manifold grid size", "9", 9),
    UrlKey("vae_trav_start", VAE, "traversals start from", "A prior sample", "A prior sample",
           {"vae_section": "Traversals"}),
    UrlKey("vae_trav_k", VAE, "traversal rows", "4", 4, {"vae_section": "Traversals"},
           per_dataset=True),
    UrlKey("vae_trav_steps", VAE, "steps per traversal row", "7", 7, {"vae_section": "Traversals"}),
    UrlKey("vae_trav_seed", VAE, "prior sample seed", "12", 12,
           {"vae_section": "Traversals", "vae_trav_start": "A prior sample"}),
    UrlKey("vae_interp_digit", VAE, "interpolate into an example of", "3", 3,
           {"vae_section": "Interpolation"}, per_dataset=True),
    UrlKey("vae_interp_steps", VAE, "interpolation steps", "11", 11,
           {"vae_section": "Interpolation"}),
    UrlKey("vae_interp_spherical", VAE, "curved interpolation", "true", True,
           {"vae_section": "Interpolation"}),
    UrlKey("vae_sample_model", VAE, "model sampled", "VAE, 2-D latent", "vae_2d",
           {"vae_section": "Samples"}, per_dataset=True),
    UrlKey("vae_sample_seed", VAE, "sample seed", "5", 5, {"vae_section": "Samples"}),
    # Train it live
    UrlKey("live_code", TRAIN, "code size", "16", 16),
    UrlKey("live_noise", TRAIN, "training noise sigma", "0.3", 0.3),
    UrlKey("live_n", TRAIN, "training images", "1000", 1000),
    UrlKey("live_epochs", TRAIN, "epochs", "5", 5),
    # Class: a teacher link reopens the wall (ui.class_teacher; the key leaves the address bar)
    UrlKey("teacher", CLASS, "the teacher key of the class named by `class`",
           "c2VjcmV0LWtleS1leGFtcGxl", "c2VjcmV0LWtleS1leGFtcGxl", {"class": "K7QX"}),
    # Model zoo
    UrlKey("zoo_model", ZOO, "model in detail", "3-D code (ae_3d)", "ae_3d", per_dataset=True),
)

BY_KEY: dict[str, UrlKey] = {entry.key: entry for entry in URL_KEYS}
