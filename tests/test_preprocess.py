"""Preprocessing turns drawings and uploads into MNIST-style digits, or says why it cannot."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ae_models.preprocess import (
    InputError,
    Preprocessed,
    preprocess_array,
    preprocess_bytes,
    preprocess_image,
)

# ---------------------------------------------------------------------------------------------
# Inputs made here, no files on disk
# ---------------------------------------------------------------------------------------------


def draw_seven(
    size: int = 280, x0: float = 20, y0: float = 30, scale: float = 80, width: int = 8,
    ink: object = 255, background: object = 0, mode: str = "L",
) -> Image.Image:
    """A "7" (a bar and a slanted stroke) in a box of side `scale` with its corner at (x0, y0)."""
    img = Image.new(mode, (size, size), background)
    pen = ImageDraw.Draw(img)
    points = [(x0, y0), (x0 + 0.6 * scale, y0), (x0 + 0.2 * scale, y0 + scale)]
    pen.line(points, fill=ink, width=width, joint="curve")
    return img


def canvas_rgba(stroke_rgb: tuple[int, int, int], size: int = 200) -> np.ndarray:
    """What streamlit-drawable-canvas sends: stroke pixels opaque, everything else alpha 0."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    pen.line([(120, 30), (150, 40), (130, 150)], fill=(*stroke_rgb, 255), width=12)
    return np.asarray(img)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = image.sum()
    rows, cols = np.arange(image.shape[0]), np.arange(image.shape[1])
    return float(image.sum(axis=1) @ rows / total), float(image.sum(axis=0) @ cols / total)


def bbox_size(image: np.ndarray, threshold: float = 0.0) -> tuple[int, int]:
    rows = np.flatnonzero((image > threshold).any(axis=1))
    cols = np.flatnonzero((image > threshold).any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def encode(img: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **options)
    return buffer.getvalue()


def assert_mnist_like(result: Preprocessed) -> np.ndarray:
    assert isinstance(result, Preprocessed)
    assert not result.empty, result.message
    image = result.image
    assert image.shape == (28, 28)
    assert image.dtype == np.float32
    assert np.isfinite(image).all()
    assert image.min() >= 0.0 and image.max() == pytest.approx(1.0)
    return image


def assert_centred(image: np.ndarray) -> None:
    cy, cx = centre_of_mass(image)
    assert abs(cy - 14) <= 1.0 and abs(cx - 14) <= 1.0, (cy, cx)
    height, width = bbox_size(image)
    assert 18 <= max(height, width) <= 20, (height, width)


# ---------------------------------------------------------------------------------------------
# Arrays (the canvas)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x0", "y0", "scale", "width"),
    [(10, 10, 40, 4), (170, 20, 90, 10), (30, 150, 120, 14), (5, 5, 260, 24), (200, 200, 25, 3)],
)
def test_off_centre_digit_is_scaled_to_20px_and_mass_centred(x0, y0, scale, width):
    drawing = np.asarray(draw_seven(x0=x0, y0=y0, scale=scale, width=width))
    image = assert_mnist_like(preprocess_array(drawing))
    assert_centred(image)


def test_tiny_canvas_digit_is_scaled_up():
    arr = np.zeros((28, 28), np.uint8)
    arr[3:9, 20:22] = 255  # a small "1" in the corner
    image = assert_mnist_like(preprocess_array(arr))
    assert_centred(image)
    height, width = bbox_size(image, 0.5)
    assert height >= 18 and width < height  # tall and thin, aspect ratio kept


def test_aspect_ratio_is_kept():
    arr = np.zeros((100, 100), np.uint8)
    arr[40:60, 10:90] = 255  # 80 wide, 20 tall
    height, width = bbox_size(assert_mnist_like(preprocess_array(arr)), 0.5)
    assert width == 20 and 4 <= height <= 6


def test_dark_ink_on_light_background_is_inverted():
    light = np.asarray(draw_seven(ink=0, background=255))
    dark = np.asarray(draw_seven(ink=255, background=0))
    inverted = assert_mnist_like(preprocess_array(light))
    assert inverted[0, 0] == 0.0  # the paper became black
    np.testing.assert_allclose(inverted, preprocess_array(dark).image, atol=0.02)


def test_grey_background_photo_is_background_subtracted():
    arr = np.asarray(draw_seven(ink=40, background=200, mode="L")).astype(np.float32) / 255
    image = assert_mnist_like(preprocess_array(arr))
    assert_centred(image)
    assert (image == 0).mean() > 0.5


@pytest.mark.parametrize("stroke", [(255, 255, 255), (0, 0, 0), (200, 30, 30)])
def test_canvas_rgba_with_transparent_background(stroke):
    image = assert_mnist_like(preprocess_array(canvas_rgba(stroke)))
    assert_centred(image)


def test_white_and_black_strokes_on_transparent_give_the_same_digit():
    white = preprocess_array(canvas_rgba((255, 255, 255))).image
    black = preprocess_array(canvas_rgba((0, 0, 0))).image
    np.testing.assert_allclose(white, black, atol=1e-5)


def test_opaque_rgba_is_treated_as_rgb():
    rgb = np.asarray(draw_seven(mode="RGB", ink=(0, 0, 0), background=(255, 255, 255)))
    rgba = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=2)
    np.testing.assert_allclose(preprocess_array(rgba).image, preprocess_array(rgb).image)


@pytest.mark.parametrize(
    "arr",
    [
        np.zeros((200, 200, 4), np.uint8),  # untouched canvas: all transparent
        np.full((200, 200, 4), (255, 255, 255, 0), np.uint8),  # transparent, white RGB
        np.full((64, 64, 3), 255, np.uint8),  # all white
        np.zeros((64, 64), np.uint8),  # all black
        np.full((64, 64), 0.5, np.float32),  # all grey
        np.zeros((1, 1), np.float64),
        np.full((10, 10), np.nan),
    ],
    ids=["transparent", "transparent-white", "white", "black", "grey", "1x1", "nan"],
)
def test_blank_inputs_are_empty_not_errors(arr):
    result = preprocess_array(arr)
    assert result.empty and result.image is None
    assert result.message.startswith("Nothing drawn yet")


def test_faint_noise_counts_as_nothing_drawn():
    rng = np.random.default_rng(0)
    paper = np.clip(240 + rng.normal(0, 3, (120, 120)), 0, 255).astype(np.uint8)  # JPEG-ish grain
    assert preprocess_array(paper).empty


def test_a_stray_speck_is_almost_no_ink():
    canvas = np.zeros((400, 400), np.uint8)
    canvas[200, 200] = 255
    result = preprocess_array(canvas)
    assert result.empty and "almost no ink" in result.message


def test_faint_grain_does_not_move_the_bounding_box():
    rng = np.random.default_rng(1)
    clean = np.asarray(draw_seven(ink=0, background=255)).astype(np.float32)
    grainy = np.clip(clean + rng.normal(0, 6, clean.shape), 0, 255).astype(np.uint8)
    image = assert_mnist_like(preprocess_array(grainy))
    assert_centred(image)


@pytest.mark.parametrize(
    "dtype_case",
    ["uint8", "uint16", "bool", "float01", "float255", "gray1", "int32"],
)
def test_dtypes_and_channel_layouts(dtype_case):
    base = np.asarray(draw_seven(size=100, x0=10, y0=10, scale=60)) > 127  # bool mask
    arr = {
        "uint8": base.astype(np.uint8) * 255,
        "uint16": base.astype(np.uint16) * 65535,
        "bool": base,
        "float01": base.astype(np.float32),
        "float255": base.astype(np.float64) * 255,
        "gray1": (base.astype(np.uint8) * 255)[..., None],
        "int32": base.astype(np.int32) * 255,
    }[dtype_case]
    assert_centred(assert_mnist_like(preprocess_array(arr)))


@pytest.mark.parametrize(
    "arr",
    [
        np.zeros(10),
        np.zeros((4, 4, 5)),
        np.zeros((2, 4, 4, 3)),
        np.zeros((4, 4), np.complex64),
        np.array([[object(), 1]], dtype=object),
        np.array([["a", "b"]]),
        np.zeros((0, 5)),
    ],
    ids=["1d", "5-channel", "4d", "complex", "object", "str", "no-pixels"],
)
def test_bad_shapes_and_dtypes_raise_input_error(arr):
    with pytest.raises(InputError) as info:
        preprocess_array(arr)
    assert str(info.value).endswith(".")


def test_ragged_list_raises_input_error():
    with pytest.raises(InputError):
        preprocess_array([[1, 2], [3]])


def test_center_false_keeps_the_whole_picture():
    arr = np.zeros((60, 30), np.uint8)
    arr[5:10, 3:8] = 255  # small item near the top-left corner
    image = assert_mnist_like(preprocess_array(arr, center=False))
    # The whole 60x30 frame becomes 28x14 in the middle: the item stays near the frame's corner.
    cy, cx = centre_of_mass(image)
    assert cy < 8 and cx < 12


def test_center_false_fills_28_on_the_longer_side():
    arr = np.full((80, 40, 3), 255, np.uint8)
    arr[2:78, 2:38] = (30, 30, 120)  # a dark shirt on white
    image = assert_mnist_like(preprocess_array(arr, center=False))
    height, width = bbox_size(image)
    assert height >= 26 and width <= 15


def test_output_is_independent_of_the_input_array():
    arr = np.asarray(draw_seven()).copy()
    before = arr.copy()
    preprocess_array(arr)
    np.testing.assert_array_equal(arr, before)


# ---------------------------------------------------------------------------------------------
# PIL images
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "CMYK", "1", "F", "I", "I;16", "LA", "P"])
def test_pil_modes(mode):
    base = draw_seven(size=120, x0=15, y0=15, scale=80, ink=255, background=0)
    if mode == "I;16":
        img = Image.fromarray((np.asarray(base).astype(np.uint16) * 257))
    elif mode == "F":
        img = Image.fromarray(np.asarray(base).astype(np.float32) / 255)
    else:
        img = base.convert(mode)
    assert img.mode == mode
    assert_centred(assert_mnist_like(preprocess_image(img)))


def test_preprocess_image_blank_says_nothing_to_see():
    result = preprocess_image(Image.new("RGB", (40, 40), "white"))
    assert result.empty and "nothing to see" in result.message


# ---------------------------------------------------------------------------------------------
# Uploads (bytes)
# ---------------------------------------------------------------------------------------------


def png_with_declared_size(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose IHDR claims another size (with a correct CRC)."""
    data = bytearray(encode(Image.new("L", (1, 1), 0), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_empty_file():
    with pytest.raises(InputError, match="The file is empty."):
        preprocess_bytes(b"")


@pytest.mark.parametrize(
    "data",
    [
        np.random.default_rng(0).bytes(2000),
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28">'
        b'<path d="M4 4 L24 24" stroke="black"/></svg>',
        b"This is a note, not a picture.\n" * 20,
        encode(draw_seven(size=60), "TIFF"),
    ],
    ids=["random-bytes", "svg-renamed", "plain-text", "tiff"],
)
def test_non_images_are_refused(data):
    with pytest.raises(InputError, match="not a readable PNG, JPEG, BMP, GIF or WebP image"):
        preprocess_bytes(data)


def test_truncated_png_is_refused():
    noise = np.random.default_rng(0).integers(0, 256, (64, 64), dtype=np.uint8)
    data = encode(Image.fromarray(noise), "PNG")
    with pytest.raises(InputError, match="not a readable"):
        preprocess_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("declared", [(30000, 30000), (6000, 6000)], ids=["bomb", "over-limit"])
def test_huge_declared_size_is_refused_before_decoding(declared):
    data = png_with_declared_size(*declared)
    with pytest.raises(InputError, match="too large"):  # not "damaged": pixels never decoded
        preprocess_bytes(data)


def test_max_pixels_is_respected():
    data = encode(draw_seven(size=100), "PNG")
    with pytest.raises(InputError, match="too large"):
        preprocess_bytes(data, max_pixels=100 * 100 - 1)
    assert not preprocess_bytes(data, max_pixels=100 * 100).empty


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "GIF", "WEBP"])
def test_dark_digit_on_white_in_every_format(fmt):
    img = draw_seven(mode="RGB", ink=(20, 20, 20), background=(250, 250, 250))
    assert_centred(assert_mnist_like(preprocess_bytes(encode(img, fmt))))


def test_jpeg_artefacts_do_not_spoil_centring():
    img = draw_seven(ink=0, background=255, width=5)
    image = assert_mnist_like(preprocess_bytes(encode(img, "JPEG", quality=30)))
    assert_centred(image)


def test_one_pixel_image():
    result = preprocess_bytes(encode(Image.new("L", (1, 1), 128), "PNG"))
    assert result.empty and "nothing to see" in result.message


@pytest.mark.parametrize("content", ["line", "noise"])
def test_very_thin_image(content):
    if content == "line":
        img = Image.new("L", (2000, 10), 255)
        ImageDraw.Draw(img).line([(300, 5), (1700, 5)], fill=0, width=3)
    else:
        noise = np.random.default_rng(2).integers(0, 256, (10, 2000), dtype=np.uint8)
        img = Image.fromarray(noise)
    result = preprocess_bytes(encode(img, "PNG"))
    if not result.empty:
        assert_mnist_like(result)
    if content == "line":
        height, width = bbox_size(result.image)
        assert width == 20 and height <= 2


def test_16_bit_grayscale_png():
    arr = np.zeros((100, 100), np.uint16)
    arr[20:80, 45:55] = 60000
    data = encode(Image.fromarray(arr), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    assert_centred(assert_mnist_like(preprocess_bytes(data)))


def test_dark_16_bit_png_is_nothing_to_see():
    arr = np.zeros((50, 50), np.uint16)
    arr[10:40, 20:30] = 200  # 0.3% of full scale: black to the eye
    assert preprocess_bytes(encode(Image.fromarray(arr), "PNG")).empty


def test_palette_png_with_transparency():
    img = Image.new("P", (80, 80), 0)
    # Index 0 is white (and will be transparent), index 1 black.
    img.putpalette([255, 255, 255, 0, 0, 0] + [0] * (3 * 254))
    ImageDraw.Draw(img).line([(20, 10), (50, 15), (30, 70)], fill=1, width=6)
    data = encode(img, "PNG", transparency=0)
    reopened = Image.open(io.BytesIO(data))
    assert reopened.mode == "P" and "transparency" in reopened.info
    assert_centred(assert_mnist_like(preprocess_bytes(data)))


def test_cmyk_jpeg():
    img = draw_seven(mode="CMYK", ink=(0, 0, 0, 255), background=(0, 0, 0, 0))
    data = encode(img, "JPEG", quality=90)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    assert_centred(assert_mnist_like(preprocess_bytes(data)))


def test_animated_gif_uses_the_first_frame():
    vertical = Image.new("L", (60, 60), 0)
    ImageDraw.Draw(vertical).line([(30, 5), (30, 55)], fill=255, width=4)
    horizontal = Image.new("L", (60, 60), 0)
    ImageDraw.Draw(horizontal).line([(5, 30), (55, 30)], fill=255, width=4)
    data = encode(vertical, "GIF", save_all=True, append_images=[horizontal], duration=100, loop=0)
    result = preprocess_bytes(data)
    image = assert_mnist_like(result)
    assert "first frame" in result.message and "Animated" in result.message
    height, width = bbox_size(image)
    assert height > width  # the vertical bar, not the horizontal one


def test_animated_gif_with_blank_first_frame_explains_both():
    blank = Image.new("L", (40, 40), 0)
    drawn = Image.new("L", (40, 40), 0)
    ImageDraw.Draw(drawn).line([(5, 5), (35, 35)], fill=255, width=3)
    data = encode(blank, "GIF", save_all=True, append_images=[drawn], duration=100, loop=0)
    result = preprocess_bytes(data)
    assert result.empty and "first frame" in result.message and "nothing to see" in result.message


@pytest.mark.parametrize(("colour", "fmt"), [("white", "PNG"), ("black", "PNG"), ("white", "JPEG")])
def test_flat_images_are_nothing_to_see(colour, fmt):
    result = preprocess_bytes(encode(Image.new("RGB", (64, 48), colour), fmt))
    assert result.empty and "nothing to see" in result.message


def test_transparent_png_upload_like_the_canvas():
    data = encode(Image.fromarray(canvas_rgba((0, 0, 0))), "PNG")
    assert_centred(assert_mnist_like(preprocess_bytes(data)))


def test_exif_orientation_is_applied():
    img = Image.new("L", (120, 60), 0)
    ImageDraw.Draw(img).line([(10, 30), (110, 30)], fill=255, width=5)  # horizontal as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    result = preprocess_bytes(encode(img, "JPEG", exif=exif.tobytes()))
    height, width = bbox_size(assert_mnist_like(result), 0.5)
    assert height > width  # shown upright, the line is vertical


def test_large_upload_is_reduced_and_still_centred():
    img = draw_seven(size=2400, x0=1600, y0=300, scale=600, width=50)  # over MAX_WORK_SIDE
    assert_centred(assert_mnist_like(preprocess_bytes(encode(img, "PNG"))))


def test_bytearray_and_memoryview_are_accepted():
    data = encode(draw_seven(size=80, scale=50), "PNG")
    assert not preprocess_bytes(bytearray(data)).empty
    assert not preprocess_bytes(memoryview(data)).empty
