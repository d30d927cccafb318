/**
 * The Draw page's corruptions in the browser, as ae_models.corruption makes them on the server:
 * a crosshair (out = intensity on the lines, the image elsewhere), then Gaussian noise,
 * clip(x + sigma * noise, 0, 1). The noise field is the server's own (ae_models.corruption.
 * unit_noise for the page's seed), so the live sigma slider shows the very picture the server
 * computes; tests/e2e/test_live_draw_browser.py checks the two agree.
 */

const SIDE = 28;

/**
 * The crosshair's pixels (SIDE * SIDE numbers, 1 on a line) for line centres `row`, `col` and a
 * `thickness`: a line covers rows row - floor(t / 2) to row - floor(t / 2) + t - 1, as
 * ae_models.corruption._cross_mask.
 */
export function crosshairMask({row, col, thickness}) {
  const mask = new Float32Array(SIDE * SIDE);
  const top = row - Math.floor(thickness / 2);
  const left = col - Math.floor(thickness / 2);
  for (let r = 0; r < SIDE; r += 1) {
    for (let c = 0; c < SIDE; c += 1) {
      const onRow = r >= top && r < top + thickness;
      const onCol = c >= left && c < left + thickness;
      mask[r * SIDE + c] = onRow || onCol ? 1 : 0;
    }
  }
  return mask;
}

/**
 * `clean` (a [1, 28, 28, 1] tensor) corrupted as `settings` say: kind "none", "gaussian",
 * "crosshair" or "both" (the crosshair first, then the noise); `noise` is the unit field and
 * `mask` the crosshair's pixels. Call inside tf.tidy.
 */
export function corrupt(tf, clean, settings, noise, mask) {
  const {kind, sigma, intensity} = settings;
  let image = clean;
  if ((kind === 'crosshair' || kind === 'both') && mask) {
    const lines = tf.tensor(mask, clean.shape).cast('bool');
    image = tf.where(lines, tf.fill(clean.shape, intensity), image);
  }
  if ((kind === 'gaussian' || kind === 'both') && noise && sigma > 0) {
    const scaled = tf.mul(tf.scalar(sigma, 'float32'), tf.tensor(noise, clean.shape));
    image = tf.clipByValue(tf.add(image, scaled), 0, 1);
  }
  return image;
}
