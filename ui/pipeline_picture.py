"""The Home page's one picture: input -> encoder -> code -> decoder -> output, from a real model.

Built as HTML (no Streamlit import), so it is tested directly and stays crisp on a projector.
"""

from __future__ import annotations

import base64
import html

import numpy as np

from ae_models.registry import ModelSpec
from ui.images import code_image, to_png_bytes, upscale

PIXELS = 784


def _data_uri(pixels: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(to_png_bytes(pixels)).decode("ascii")


def pipeline_html(image: np.ndarray, code: np.ndarray, output: np.ndarray, spec: ModelSpec,
                  scale: int = 7, note: str = "") -> str:
    """input -> encoder -> code -> decoder -> output as one HTML row, from real model outputs.

    Images are embedded as PNG data URIs with `image-rendering: pixelated`, so the 28x28 digits
    stay crisp squares at any zoom; arrows and captions are text sized for a projector.
    """
    size = 28 * scale
    panels = [
        (_data_uri(upscale(image, scale)), "Input", f"{PIXELS} pixels"),
        (_data_uri(code_image(code, spec.code_shape, size)), "Code",
         f"{spec.code_size} numbers"),
        (_data_uri(upscale(output, scale)), "Output", f"{PIXELS} pixels"),
    ]
    arrows = [("encoder", f"{PIXELS} → {spec.code_size}"), ("decoder", f"{spec.code_size} → {PIXELS}")]

    def panel(uri: str, title: str, caption: str) -> str:
        return (f'<figure style="margin:0;text-align:center">'
                f'<div style="font-size:1.3rem;font-weight:600;margin-bottom:.4rem">{title}</div>'
                f'<img src="{uri}" alt="{title}" style="width:{size}px;height:auto;'
                f'image-rendering:pixelated;border:2px solid #888;border-radius:4px;'
                f'background:#fff"/>'
                f'<figcaption style="font-size:1.5rem;font-weight:700;margin-top:.4rem">'
                f'{caption}</figcaption></figure>')

    def arrow(name: str, sizes: str) -> str:
        return (f'<div style="text-align:center;line-height:1.1;min-width:8rem">'
                f'<div style="font-size:1.6rem;font-weight:700;color:#4E79A7">{name}</div>'
                f'<div style="font-size:4.5rem;color:#4E79A7">&#10230;</div>'
                f'<div style="font-size:1.1rem;color:#444">{sizes}</div></div>')

    parts = [panel(*panels[0]), arrow(*arrows[0]), panel(*panels[1]), arrow(*arrows[1]),
             panel(*panels[2])]
    footer = (f'<div style="font-size:1.1rem;color:#444;margin-top:.6rem;text-align:center">'
              f'{html.escape(note)}</div>' if note else "")
    return ('<div style="display:flex;flex-wrap:wrap;align-items:center;justify-content:center;'
            f'gap:1.2rem;padding:.5rem 0">{"".join(parts)}</div>{footer}')
