"""A transposed convolution as one ordinary convolution and a depth-to-space shuffle.

TensorFlow.js's WebAssembly backend runs `Conv2DTranspose` as a plain loop (its
`Conv2DBackpropInput` kernel) at about a fifth of the speed of its XNNPACK convolution: in the VAE
decoders it took 7.3 ms of a decode's 8.4. Each output pixel of a stride-s transposed convolution
falls in one of s x s phases (its row and column modulo s), and each phase is an ordinary
convolution of the input with some of the kernel's taps: the "sub-pixel convolution" of Shi et
al. (2016). So the browser form stacks the s x s phase kernels along the output channels, runs one
convolution, and puts each phase back on its pixels with depth-to-space
(`static/live/sub_pixel_conv_transpose.js`). This module works out those kernels from the Keras
layer's own weights; `tests/test_sub_pixel.py` checks the result against Keras.

Along one axis, Keras's `padding="same"` transposed convolution (TensorFlow's definition) writes
input pixel `o` through kernel tap `t` to output pixel `s * o + t - P`, with
`P = max(k - s, 0) // 2` the padding its forward convolution puts before the image.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# Activations that act on each value alone, so they commute with the depth-to-space shuffle and
# TensorFlow.js can fuse them into the convolution.
FUSABLE_ACTIVATIONS = frozenset({"linear", "relu", "sigmoid", "elu"})


@dataclass(frozen=True)
class AxisPlan:
    """One axis of the phase convolution: its kernel length, the zeros added before and after
    the input, and which original tap fills each (phase, phase-kernel index)."""

    size: int
    pad_before: int
    pad_after: int
    taps: tuple[tuple[int, int, int], ...]  # (phase, index in the phase kernel, original tap)


@dataclass(frozen=True)
class SubPixelForm:
    """How one `Conv2DTranspose` layer runs as a convolution then depth-to-space."""

    block_size: int  # the stride: output pixels per input pixel along each axis
    rows: AxisPlan
    cols: AxisPlan

    @property
    def kernel_size(self) -> list[int]:
        return [self.rows.size, self.cols.size]

    @property
    def padding(self) -> list[list[int]]:
        """[[top, bottom], [left, right]] zeros around the input."""
        return [[self.rows.pad_before, self.rows.pad_after],
                [self.cols.pad_before, self.cols.pad_after]]


def axis_plan(kernel: int, stride: int) -> AxisPlan:
    """Output pixel `s * m + a` (phase `a`) sums input pixels `m - d` through taps
    `t = a + P + s * d`; the phase kernel reads the input from `m - d_max` to `m - d_min`."""
    before = max(kernel - stride, 0) // 2
    offsets = [(a, t, (t - a - before) // stride) for a in range(stride) for t in range(kernel)
               if (t - a - before) % stride == 0]
    d_min = min((d for _, _, d in offsets), default=0)
    d_max = max((d for _, _, d in offsets), default=0)
    taps = tuple((a, d_max - d, t) for a, t, d in offsets)
    return AxisPlan(size=d_max - d_min + 1, pad_before=d_max, pad_after=-d_min, taps=taps)


def sub_pixel_form(config: dict[str, Any]) -> SubPixelForm | None:
    """The form of a `Conv2DTranspose` layer's config, or None where it does not apply (then the
    browser runs TensorFlow.js's own `Conv2DTranspose`)."""
    kernel, strides = tuple(config["kernel_size"]), tuple(config["strides"])
    applies = (config.get("padding") == "same" and strides[0] == strides[1]
               and tuple(config.get("dilation_rate", (1, 1))) == (1, 1)
               and config.get("output_padding") is None and config.get("groups", 1) == 1
               and config.get("data_format", "channels_last") == "channels_last"
               and config.get("activation") in FUSABLE_ACTIVATIONS)
    if not applies:
        return None
    return SubPixelForm(block_size=strides[0], rows=axis_plan(kernel[0], strides[0]),
                        cols=axis_plan(kernel[1], strides[1]))


def phase_kernel(kernel: np.ndarray, form: SubPixelForm) -> np.ndarray:
    """The convolution kernel, (rows, cols, in, s*s*out), from a Keras `Conv2DTranspose` kernel
    (kernel rows, kernel cols, out, in). Output channel `(a * s + b) * out + c` is channel `c` of
    phase (a, b): the order TensorFlow.js's `depthToSpace` reads."""
    _, _, filters, channels = kernel.shape
    s = form.block_size
    phases = np.zeros((form.rows.size, form.cols.size, channels, s, s, filters), np.float32)
    for a, i, ty in form.rows.taps:
        for b, j, tx in form.cols.taps:
            phases[i, j, :, a, b, :] = kernel[ty, tx].T
    return phases.reshape(form.rows.size, form.cols.size, channels, s * s * filters)


def phase_bias(bias: np.ndarray, form: SubPixelForm) -> np.ndarray:
    """The bias of every phase: the layer's own, once per phase."""
    return np.tile(np.asarray(bias, np.float32), form.block_size ** 2)
