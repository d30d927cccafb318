"""The one table of pages: `app.py` builds the navigation from it, Home links to it, tests walk it.

Pages live in `app_pages/`, never `pages/`: with Streamlit 1.67 a `pages/` folder next to
`app.py` makes a deep link run that page without `app.py` (no page config, no sidebar).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    script: str  # path from the repository root
    title: str
    icon: str
    url_path: str  # "" for the default page
    blurb: str  # one line on the Home page's link card


HOME = PageInfo("app_pages/home.py", "Home", ":material/home:", "",
                "What an autoencoder is, and the zoo at a glance.")
PAGES: tuple[PageInfo, ...] = (
    HOME,
    PageInfo("app_pages/draw.py", "Draw & reconstruct", ":material/draw:", "draw",
             "Draw a digit and watch every model rebuild it."),
    PageInfo("app_pages/denoise.py", "Denoising lab", ":material/blur_off:", "denoise",
             "Add noise or a crosshair; see which model cleans it up."),
    PageInfo("app_pages/latent_2d.py", "Latent space 2-D", ":material/scatter_plot:", "latent-2d",
             "Digits as points on a plane; point anywhere to decode it."),
    PageInfo("app_pages/latent_3d.py", "Latent space 3-D", ":material/view_in_ar:", "latent-3d",
             "Rotate the 3-number code of ten thousand digits."),
    PageInfo("app_pages/vae.py", "VAE explorer", ":material/grid_view:", "vae",
             "Sample new digits and walk smoothly between them."),
    PageInfo("app_pages/train_live.py", "Train it live", ":material/model_training:", "train",
             "Train a small autoencoder in under a minute and watch it learn."),
    PageInfo("app_pages/class_room.py", "Class", ":material/groups:", "class",
             "Pupils send their drawings from their phones to one wall."),
    PageInfo("app_pages/zoo.py", "Model zoo", ":material/table_chart:", "zoo",
             "Every model's numbers, layers and training curves."),
    PageInfo("app_pages/lessons.py", "Lessons", ":material/school:", "lessons",
             "Walk a class through the app, step by step."),
)
