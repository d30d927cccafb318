/**
 * Structural similarity of reconstructions to the clean input, with TensorFlow.js, as
 * `ae_models.metrics.ssim` computes it with `tf.image.ssim` (max value 1, a 7x7 Gaussian window
 * of sigma 1, K1 0.01, K2 0.03, the 'valid' part of the image, averaged): the Draw page shows it
 * while the pen moves, and the server no longer rebuilds every drawing to score it.
 */

const FILTER_SIZE = 7;  // ae_models.metrics.SSIM_FILTER_SIZE
const FILTER_SIGMA = 1.0;  // ae_models.metrics.SSIM_FILTER_SIGMA
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

/** The normalised Gaussian window as tf.image.ssim makes it (a softmax of -d^2 / 2 sigma^2). */
function window(tf) {
  const centre = (FILTER_SIZE - 1) / 2;
  const exponents = [];
  for (let row = 0; row < FILTER_SIZE; row += 1) {
    for (let col = 0; col < FILTER_SIZE; col += 1) {
      exponents.push(-0.5 * ((row - centre) ** 2 + (col - centre) ** 2) / FILTER_SIGMA ** 2);
    }
  }
  return tf.softmax(tf.tensor1d(exponents)).reshape([FILTER_SIZE, FILTER_SIZE, 1, 1]);
}

/**
 * SSIM of each image in `images` ([n, 28, 28, 1]) to `clean` ([1, 28, 28, 1], or one each):
 * a [n] tensor. Call it inside tf.tidy.
 */
export function ssim(tf, clean, images) {
  const kernel = window(tf);
  const n = images.shape[0];
  const x = clean.shape[0] === n ? clean : tf.tile(clean, [n, 1, 1, 1]);
  const blur = (t) => tf.conv2d(t, kernel, 1, 'valid');
  const meanX = blur(x);
  const meanY = blur(images);
  const twiceMeans = meanX.mul(meanY).mul(2);
  const luminance = twiceMeans.add(C1).div(meanX.square().add(meanY.square()).add(C1));
  const twiceCross = blur(x.mul(images)).mul(2);
  const squares = blur(x.square().add(images.square()));
  const contrast = twiceCross.sub(twiceMeans).add(C2)
    .div(squares.sub(meanX.square()).sub(meanY.square()).add(C2));
  return luminance.mul(contrast).mean([1, 2, 3]);
}
