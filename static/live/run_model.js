/**
 * Run a model exported by `ae_models.browser_export` in the browser with TensorFlow.js.
 *
 * Float32Array in, Float32Array out: what a page paints and what the parity tests compare with
 * Keras. Needs the global `tf` (static/vendor/tfjs/tf.min.js) loaded first; the WASM backend also
 * needs static/vendor/tfjs/tf-backend-wasm.min.js.
 */
import './half_pixel_resizing.js';
import './sub_pixel_conv_transpose.js';

const tf = globalThis.tf;
const WASM_FOLDER = new URL('../vendor/tfjs/', import.meta.url).href;

/** Switch TensorFlow.js to `name` ('webgl', 'wasm' or 'cpu'); throws when it cannot start. */
export async function useBackend(name) {
  if (name === 'wasm') {
    tf.wasm.setWasmPaths(WASM_FOLDER);
  }
  const started = await tf.setBackend(name);
  await tf.ready();
  if (!started || tf.getBackend() !== name) {
    throw new Error(`TensorFlow.js backend ${name} is not available here`);
  }
  return name;
}

/** The first backend of `names` that starts in this browser. */
export async function useFirstWorkingBackend(names = ['webgl', 'wasm', 'cpu']) {
  for (const name of names) {
    try {
      return await useBackend(name);
    } catch (error) {
      console.info(`backend ${name} unavailable: ${error.message}`);
    }
  }
  throw new Error(`none of the backends ${names} started`);
}

/** Load model.json (and the weights file it names) from `url`. */
export function loadModel(url) {
  return tf.loadLayersModel(url);
}

/** One batch through the model: `values` laid out as `shape` (batch first). */
export async function runModel(model, values, shape) {
  const output = tf.tidy(() => model.predict(tf.tensor(values, shape, 'float32')));
  try {
    return await output.data();
  } finally {
    output.dispose();
  }
}

/** Images through encoder then decoder; the code stays inside TensorFlow.js between the two. */
export async function reconstruct(encoder, decoder, images, count) {
  const output = tf.tidy(() => {
    const batch = tf.tensor(images, [count, 28, 28, 1], 'float32');
    return decoder.predict(encoder.predict(batch));
  });
  try {
    return await output.data();
  } finally {
    output.dispose();
  }
}

/** Milliseconds of each of `repeats` awaited calls of `call`, after `warmup` untimed calls. */
export async function timeCalls(call, repeats = 50, warmup = 3) {
  for (let i = 0; i < warmup; i += 1) {
    await call();
  }
  const times = [];
  for (let i = 0; i < repeats; i += 1) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times;
}
