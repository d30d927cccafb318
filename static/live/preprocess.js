/**
 * A drawing made MNIST-style in the browser, as `ae_models.preprocess.preprocess_array(rgba,
 * center=True)` makes it on the server, so the Draw page can reconstruct while the pen moves.
 *
 *   canvas RGBA -> grey levels (transparent pixels composited onto the contrasting colour)
 *     -> white ink on black, scaled by its contrast, faint noise dropped
 *     -> crop to the ink, longer side to 20 px (Lanczos, as PIL), centre of mass at (14, 14)
 *
 * TensorFlow.js does the tensor maths. It has no Lanczos resize, and the centre of mass is
 * rounded to a whole pixel, so a resize that is merely close moves some digits by one pixel:
 * on the parity test's drawings, the server with PIL's BOX (what avgPool does), BILINEAR or
 * BICUBIC filter in place of LANCZOS differs from itself by up to 0.057 mean per pixel (the limit
 * is 0.01). So the resize is PIL's own: the same Lanczos weights, one matrix per axis, applied
 * with `tf.matMul`. The thresholds are the server's, copied from
 * ae_models/preprocess.py; tests/e2e/test_browser_preprocess.py checks the two agree.
 *
 * The caller passes its `tf` (static/vendor/tfjs/tf.min.js, loaded as load_tfjs.js does).
 */

const SIZE = 28;          // side of the output image
const BOX = 20;           // the digit's longer side, as MNIST's 20x20 box
const CENTRE = 14.0;      // where the centre of mass goes (row, column)
const MIN_CONTRAST = 0.1; // less contrast than this: one flat colour, nothing drawn
const NOISE_FLOOR = 0.1;  // weaker ink is dropped before centring
const BBOX_THRESHOLD = 0.25;  // stronger ink counts towards the bounding box
const MIN_INK_FRACTION = 1e-4;  // less ink than this share of the area is "almost nothing"
const ALPHA_EPS = 0.01;   // alpha differences below this mean "no transparency"
const LUMA = [0.299, 0.587, 0.114];  // ITU-R 601, as PIL's "L" conversion
const LANCZOS_SUPPORT = 3;

/**
 * The 28x28 image (row-major, [0, 1]) the models see for an RGBA drawing of `width` x
 * `height` pixels (a Uint8ClampedArray from getImageData, or any array of 0..255), or null when
 * nothing is drawn (blank, or almost no ink), as the server's empty result.
 */
export function preprocess(tf, rgba, width, height) {
  const image = tf.tidy(() => mnistStyle(tf, rgba, width, height));
  if (image === null) {
    return null;
  }
  try {
    return image.dataSync();
  } finally {
    image.dispose();
  }
}

/** The 28x28 tensor, or null when nothing is drawn (run inside the caller's tf.tidy). */
function mnistStyle(tf, rgba, width, height) {
  const gray = toGray(tf, tf.tensor3d(rgba, [height, width, 4], 'float32'));
  if (gray === null) {
    return null;
  }
  const ink = inkOnBlack(tf, gray);
  const tooLittle = Math.max(1, MIN_INK_FRACTION * width * height);
  if (ink === null || tf.sum(ink).dataSync()[0] < tooLittle) {
    return null;
  }
  const box = inkBox(tf, ink);
  if (box === null) {
    return null;
  }
  const patch = fitLanczos(tf, tf.slice(ink, [box.top, box.left], [box.height, box.width]));
  const image = pasteAtCentreOfMass(tf, patch);
  const peak = tf.max(image).dataSync()[0];
  if (!Number.isFinite(peak) || peak <= 1e-6) {
    return null;
  }
  return tf.clipByValue(tf.div(image, peak), 0, 1);
}

/** Grey levels (H, W) in [0, 1]; null when every pixel is transparent (an untouched canvas). */
function toGray(tf, pixels) {
  const [height, width] = pixels.shape;
  // One row per pixel, R G B A. Weighing the channels with a matrix product picks them out far
  // faster than slicing the channel axis (WASM, 280x280: about 0.8 ms against 7 ms).
  const unit = tf.reshape(tf.div(pixels, 255), [-1, 4]);
  const lum = tf.reshape(tf.matMul(unit, tf.tensor2d([...LUMA, 0], [4, 1])), [height, width]);
  const opacity = tf.reshape(tf.matMul(unit, tf.tensor2d([0, 0, 0, 1], [4, 1])), [height, width]);
  const [top, bottom] = [tf.max(opacity).dataSync()[0], tf.min(opacity).dataSync()[0]];
  if (top <= ALPHA_EPS) {
    return null;
  }
  if (top - bottom <= ALPHA_EPS) {
    return lum;  // uniformly opaque (the canvas with its black background): alpha says nothing
  }
  // Untouched pixels are transparent, whatever their RGB: composite onto the colour that
  // contrasts with the strokes, as the server does.
  const inkLum = tf.div(tf.sum(tf.mul(lum, opacity)), tf.sum(opacity)).dataSync()[0];
  const background = inkLum >= 0.5 ? 0 : 1;
  return tf.add(tf.mul(lum, opacity), tf.mul(background, tf.sub(1, opacity)));
}

/**
 * White-on-black ink in [0, 1] with ink fainter than NOISE_FLOOR dropped; null when the
 * picture is one flat colour. The background is the median of the border pixels; whichever side
 * strays further from it is the ink (dark pen on white gets inverted, like MNIST).
 */
function inkOnBlack(tf, gray) {
  const [height, width] = gray.shape;
  // First and last rows and columns (corners twice, as the server's), by index: gathering is
  // quicker than slicing out columns.
  const border = tf.concat([
    tf.reshape(tf.gather(gray, [0, height - 1], 0), [-1]),
    tf.reshape(tf.gather(gray, [0, width - 1], 1), [-1]),
  ]);
  const background = median(tf, border);
  const bright = tf.max(gray).dataSync()[0] - background;
  const dark = background - tf.min(gray).dataSync()[0];
  const contrast = Math.max(bright, dark);
  if (contrast < MIN_CONTRAST) {
    return null;
  }
  const ink = bright >= dark ? tf.sub(gray, background) : tf.sub(background, gray);
  const scaled = tf.clipByValue(tf.div(ink, contrast), 0, 1);
  return tf.mul(scaled, atLeast(tf, scaled, NOISE_FLOOR));
}

/**
 * 1 where `values` >= `threshold`, else 0, as float32. The same as `greaterEqual` (a - b > 0
 * exactly when a > b in floating point), with the step function: WebAssembly's comparison ops
 * took 1.2-2.4 ms a 280x280 drawing, ten times its arithmetic.
 */
function atLeast(tf, values, threshold) {
  return tf.sub(1, tf.step(tf.sub(threshold, values)));
}

/** 1 where `values` > `threshold`, else 0, as float32 (see atLeast). */
function above(tf, values, threshold) {
  return tf.step(tf.sub(values, threshold));
}

/** NumPy's median of a 1-D tensor: the middle value, or the mean of the two middle values. */
function median(tf, values) {
  const count = values.shape[0];
  const sorted = tf.topk(values, count).values.dataSync();  // descending
  const middle = Math.floor(count / 2);
  return count % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The rows and columns holding ink above BBOX_THRESHOLD, as {top, left, height, width}. */
function inkBox(tf, ink) {
  const strong = above(tf, ink, BBOX_THRESHOLD);
  const rows = tf.max(strong, 1);
  const cols = tf.max(strong, 0);
  if (tf.max(rows).dataSync()[0] === 0) {
    return null;
  }
  const [top, bottom] = firstAndLast(tf, rows);
  const [left, right] = firstAndLast(tf, cols);
  return {top, left, height: bottom - top + 1, width: right - left + 1};
}

/** Indices of the first and the last 1 in a 0/1 vector (argMax picks the first maximum). */
function firstAndLast(tf, flags) {
  const first = tf.argMax(flags).dataSync()[0];
  const fromEnd = tf.argMax(tf.reverse(flags)).dataSync()[0];
  return [first, flags.shape[0] - 1 - fromEnd];
}

/** Scale so the longer side is BOX px, keeping the aspect ratio, as PIL's LANCZOS resize. */
function fitLanczos(tf, patch) {
  const [height, width] = patch.shape;
  const scale = BOX / Math.max(height, width);
  const newHeight = Math.min(BOX, Math.max(1, roundHalfEven(height * scale)));
  const newWidth = Math.min(BOX, Math.max(1, roundHalfEven(width * scale)));
  // PIL resamples the columns, then the rows: rowsWeights . patch . columnWeights^T
  const across = tf.matMul(patch, lanczosWeights(tf, width, newWidth), false, true);
  const resized = tf.matMul(lanczosWeights(tf, height, newHeight), across);
  return tf.clipByValue(resized, 0, 1);  // Lanczos rings below 0 (and above 1)
}

/** Python's (and NumPy's) round(): halves go to the even neighbour (13 * 0.5 gives 6, not 7). */
export function roundHalfEven(x) {
  const down = Math.floor(x);
  const rest = x - down;
  if (rest !== 0.5) {
    return Math.round(x);
  }
  return down % 2 === 0 ? down : down + 1;
}

/**
 * The (outSize, inSize) matrix of PIL's Lanczos resampling weights along one axis (Pillow's
 * Resample.c, precompute_coeffs): the kernel is stretched by the scale when shrinking
 * (anti-aliasing), cut at the image edge, and each row normalised to sum to 1.
 */
function lanczosWeights(tf, inSize, outSize) {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = LANCZOS_SUPPORT * filterScale;
  const weights = new Float32Array(outSize * inSize);
  for (let out = 0; out < outSize; out += 1) {
    const centre = (out + 0.5) * scale;
    const first = Math.max(0, Math.trunc(centre - support + 0.5));
    const last = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const row = [];
    for (let x = first; x < last; x += 1) {
      row.push(lanczos((x - centre + 0.5) / filterScale));
    }
    const total = row.reduce((sum, w) => sum + w, 0);
    row.forEach((w, i) => { weights[out * inSize + first + i] = total === 0 ? w : w / total; });
  }
  return tf.tensor2d(weights, [outSize, inSize]);
}

/** Lanczos-3: sinc(x) sinc(x / 3) on [-3, 3), 0 elsewhere. */
function lanczos(x) {
  if (x < -LANCZOS_SUPPORT || x >= LANCZOS_SUPPORT) {
    return 0;
  }
  return sinc(x) * sinc(x / LANCZOS_SUPPORT);
}

function sinc(x) {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

/**
 * The patch in a 28x28 field with its centre of mass on (14, 14), to the nearest pixel, never
 * cropped (the server rounds the same way, so both land on the same pixel).
 */
function pasteAtCentreOfMass(tf, patch) {
  const [height, width] = patch.shape;
  const total = tf.sum(patch).dataSync()[0];
  let top = Math.floor((SIZE - height) / 2);
  let left = Math.floor((SIZE - width) / 2);
  if (total > 0) {
    const cy = tf.dot(tf.sum(patch, 1), tf.range(0, height, 1, 'float32')).dataSync()[0] / total;
    const cx = tf.dot(tf.sum(patch, 0), tf.range(0, width, 1, 'float32')).dataSync()[0] / total;
    top = clamp(Math.floor(CENTRE - cy + 0.5), 0, SIZE - height);
    left = clamp(Math.floor(CENTRE - cx + 0.5), 0, SIZE - width);
  }
  return tf.pad(patch, [[top, SIZE - height - top], [left, SIZE - width - left]]);
}

function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}
