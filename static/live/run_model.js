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
  const started = await (name === 'wasm' ? startWasm() : tf.setBackend(name));
  await tf.ready();
  if (!started || tf.getBackend() !== name) {
    throw new Error(`TensorFlow.js backend ${name} is not available here`);
  }
  return name;
}

/**
 * Start the WASM backend. On a cross-origin-isolated page (lab.py) it is TensorFlow.js's threaded
 * build, whose pool has half of `navigator.hardwareConcurrency` threads, at most 4: it counts
 * two hardware threads per core, so a 2-core laptop got one, and `tf.wasm.setThreadsCount` is
 * capped by that count. Two threads there ran the Draw page's four models 1.65x faster
 * (17.5 -> 10.6 ms, bench/RESULTS.md), so a machine of 2 or 3 cores shows the backend 4 while it
 * reads the count, once, as it starts; the browser's own value is back right after.
 */
async function startWasm() {
  const cores = navigator.hardwareConcurrency;
  if (!globalThis.crossOriginIsolated || !(cores === 2 || cores === 3)) {
    return tf.setBackend('wasm');
  }
  Object.defineProperty(navigator, 'hardwareConcurrency', {value: 4, configurable: true});
  try {
    return await tf.setBackend('wasm');
  } finally {
    delete navigator.hardwareConcurrency;  // the own property: Navigator's getter shows again
  }
}

/** Threads of the WASM backend's pool (1: the single-threaded build), or null on another. */
export function wasmThreads() {
  return tf.getBackend() === 'wasm' ? tf.wasm.getThreadsCount() : null;
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
