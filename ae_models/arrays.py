"""Three small helpers that training, evaluation, the baselines and the metrics all need.

Pure NumPy, so every module may import it without pulling in TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

BATCH = 500  # images per model call: bounded memory, no model.predict overhead


def to_float(images: np.ndarray, dtype: type = np.float32) -> np.ndarray:
    """Pixels as floats in [0, 1]: uint8 is read as 0..255, anything else is only cast.

    Data sets and drawings arrive as uint8 and model outputs as floats; every measure and
    every model wants the same [0, 1] scale whichever it is given.
    """
    arr = np.asarray(images)
    if arr.dtype == np.uint8:
        return arr.astype(dtype) / dtype(255.0)
    return arr.astype(dtype)


def batched(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
            batch_size: int = BATCH) -> np.ndarray:
    """Apply `fn` to `x` in slices and join the results: the memory of one batch, the speed of a
    compiled call (a Keras model called on 10,000 images at once would hold all activations)."""
    return np.concatenate([fn(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])


def significant(value: float, digits: int = 6) -> float:
    """`value` rounded to `digits` significant digits: readable JSON, far below any tolerance
    that reads it back."""
    return float(f"{float(value):.{digits}g}")
