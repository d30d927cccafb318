"""ui.images: crisp upscaling, error heatmaps, grids and PNG export keep the pixels honest."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ui import images


@pytest.fixture()
def digit() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.random((28, 28), dtype=np.float32)


def test_to_uint8_clips_and_scales() -> None:
    out = images.to_uint8(np.array([[-0.5, 0.0, 0.5, 1.0, 2.0]], dtype=np.float32))
    assert out.dtype == np.uint8
    assert out.tolist() == [[0, 0, 128, 255, 255]]


def test_to_uint8_passes_uint8_through() -> None:
    pixels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    assert images.to_uint8(pixels) is pixels


def test_upscale_is_nearest_neighbour(digit: np.ndarray) -> None:
    big = images.upscale(digit, scale=8)
    assert big.shape == (224, 224)
    assert big.dtype == np.uint8
    expected = images.to_uint8(digit)
    blocks = big.reshape(28, 8, 28, 8)
    # Every 8x8 block holds exactly one value: the source pixel, never a blend of neighbours.
    assert (blocks == expected[:, None, :, None]).all()


def test_upscale_border_adds_grey_frame(digit: np.ndarray) -> None:
    big = images.upscale(digit, scale=4, border=3)
    assert big.shape == (28 * 4 + 6, 28 * 4 + 6)
    assert (big[:3, :] == images.GRID_BORDER_GREY).all()
    assert (big[:, -3:] == images.GRID_BORDER_GREY).all()
    assert np.array_equal(big[3:-3, 3:-3], images.upscale(digit, scale=4))


def test_upscale_rgb_keeps_channels() -> None:
    rgb = np.zeros((2, 3, 3), dtype=np.uint8)
    rgb[1, 2] = (10, 20, 30)
    big = images.upscale(rgb, scale=5)
    assert big.shape == (10, 15, 3)
    assert (big[5:, 10:] == (10, 20, 30)).all()
    assert (big[:5] == 0).all()


def test_error_heatmap_shape_and_zero_error_colour(digit: np.ndarray) -> None:
    heat = images.error_heatmap(digit, digit, scale=8)
    assert heat.shape == (224, 224, 3)
    assert heat.dtype == np.uint8
    assert (heat == images.INFERNO_LUT[0]).all()


def test_error_heatmap_maximal_error_is_last_colour() -> None:
    clean = np.zeros((28, 28), dtype=np.float32)
    recon = clean.copy()
    recon[5, 7] = 1.0
    heat = images.error_heatmap(clean, recon, scale=2)
    assert (heat[10:12, 14:16] == images.INFERNO_LUT[-1]).all()
    assert (heat[0, 0] == images.INFERNO_LUT[0]).all()


def test_inferno_lut_gets_brighter() -> None:
    lut = images.INFERNO_LUT
    assert lut.shape == (256, 3) and lut.dtype == np.uint8
    luminance = lut.astype(float) @ np.array([0.299, 0.587, 0.114])
    assert (np.diff(luminance) >= -0.5).all()  # monotone up to rounding: bright means big error


def test_error_heatmap_rejects_mismatched_shapes(digit: np.ndarray) -> None:
    with pytest.raises(ValueError):
        images.error_heatmap(digit, digit[:14])


def test_image_grid_flat_batch_shape_and_layout() -> None:
    batch = np.stack([np.full((28, 28), i / 10, dtype=np.float32) for i in range(7)])
    grid = images.image_grid(batch, cols=3, pad=2, pad_value=0.3)
    assert grid.shape == (3 * 28 + 2 * 2, 3 * 28 + 2 * 2)
    assert grid.dtype == np.float32
    # Image 4 is row 1, column 1; the padding between tiles and the two empty cells are grey.
    assert np.allclose(grid[30:58, 30:58], 0.4)
    assert np.allclose(grid[28:30, :], 0.3)
    assert np.allclose(grid[60:, 30:], 0.3)


def test_image_grid_keeps_row_column_layout() -> None:
    block = np.zeros((2, 5, 28, 28), dtype=np.float32)
    block[1, 4] = 1.0
    grid = images.image_grid(block, pad=0)
    assert grid.shape == (56, 140)
    assert grid[28:, 112:].min() == 1.0
    assert grid[:28].max() == 0.0


def test_image_grid_default_cols_is_near_square() -> None:
    grid = images.image_grid(np.zeros((9, 28, 28), dtype=np.float32), pad=0)
    assert grid.shape == (84, 84)


def test_to_png_bytes_round_trips(digit: np.ndarray) -> None:
    gray = Image.open(io.BytesIO(images.to_png_bytes(images.upscale(digit, 4))))
    assert gray.size == (112, 112) and gray.mode == "L"
    assert np.array_equal(np.asarray(gray), images.upscale(digit, 4))

    heat = images.error_heatmap(digit, np.zeros_like(digit), scale=3)
    rgb = Image.open(io.BytesIO(images.to_png_bytes(heat)))
    assert rgb.size == (84, 84) and rgb.mode == "RGB"
    assert np.array_equal(np.asarray(rgb), heat)


def test_labelled_grid_png_decodes_with_room_for_labels(digit: np.ndarray) -> None:
    heat = images.error_heatmap(digit, np.zeros_like(digit), scale=1)
    rows = [[digit, digit, heat], [digit, None, digit]]
    png = images.labelled_grid_png(
        rows, ["Dense AE", "Conv AE"], ["clean", "noisy", "error"], scale=4
    )
    page = Image.open(io.BytesIO(png))
    assert page.mode == "RGB"
    width, height = page.size
    assert width > 3 * 112 and height > 2 * 112  # three 112-px columns plus a label margin
    assert np.asarray(page)[0, 0].tolist() == [255, 255, 255]  # white page behind the labels


def test_labelled_grid_png_draws_no_missing_glyph_boxes(digit: np.ndarray) -> None:
    """Pillow's font has no σ: the Denoising lab's "noisy input (σ 0.50)" showed a box."""
    from PIL import ImageFont

    font = ImageFont.load_default(size=20)
    box = bytes(font.getmask("\U0010fffd"))  # what a missing glyph looks like

    def drawable(text: str) -> bool:
        return all(bytes(font.getmask(ch)) != box for ch in text if not ch.isspace())

    assert not drawable("σ×−")  # why labels are spelt out at all
    assert all(drawable(spelt) for spelt in images.SPELT_OUT.values())
    greek = images.labelled_grid_png([[digit]], ["noisy input (σ 0.50)"], ["draw 1 × 2"])
    spelt = images.labelled_grid_png([[digit]], ["noisy input (sigma 0.50)"], ["draw 1 x 2"])
    assert greek == spelt


def test_labelled_grid_png_checks_label_counts(digit: np.ndarray) -> None:
    with pytest.raises(ValueError):
        images.labelled_grid_png([[digit]], ["a", "b"], ["x"])
    with pytest.raises(ValueError):
        images.labelled_grid_png([[digit, digit]], ["a"], ["x"])


def test_the_exported_result_grid_is_one_png_with_a_row_per_model() -> None:
    digit = np.zeros((28, 28), np.float32)
    digit[6:22, 12:16] = 1.0
    rows = [[digit, digit * 0.5, images.error_heatmap(digit, digit * 0.5, scale=1)]] * 3
    png = images.labelled_grid_png(rows, ["a", "b", "c"], ["Input", "Reconstruction", "Error"],
                                   scale=6)
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    assert picture.height > 3 * 28 * 6 and picture.width > 3 * 28 * 6
