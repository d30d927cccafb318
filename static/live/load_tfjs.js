/**
 * Load the vendored TensorFlow.js (and its WASM backend) once per page, then pick a backend.
 *
 * The bundles are classic scripts that define the global `tf`; they are served by the app
 * itself (static/vendor/tfjs/), so this works offline. `run_model.js` reads that global when it
 * is evaluated, so it is imported only after the scripts have run. The live components' loader
 * (ui/browser_models.py) adds the same script tags as soon as a component mounts, before this
 * module is even imported; a tag already there is waited for, not added again.
 */

const VENDOR = new URL('../vendor/tfjs/', import.meta.url).href;
const SCRIPTS = ['tf.min.js', 'tf-backend-wasm.min.js'];
// WASM first: exact float32 everywhere and fast on a CPU; WebGL next; the CPU backend always runs.
const BACKENDS = ['wasm', 'webgl', 'cpu'];
// The binary the WASM backend picks where WebAssembly SIMD runs (every current browser): the
// threaded build on a cross-origin-isolated page (lab.py sends the headers), else the other.
// ui/browser_models.py's loader preloads the same one.
const WASM_BINARY = globalThis.crossOriginIsolated ? 'tfjs-backend-wasm-threaded-simd.wasm'
  : 'tfjs-backend-wasm-simd.wasm';

function addScript(src) {
  /* Runs once `src` has run; a tag the loader added (`data-state` says how it went) is reused. */
  let tag = document.querySelector(`script[src="${src}"]`);
  if (!tag) {
    tag = Object.assign(document.createElement('script'), {src, async: false});
    tag.addEventListener('load', () => { tag.dataset.state = 'loaded'; });
    tag.addEventListener('error', () => { tag.dataset.state = 'failed'; });
    document.head.appendChild(tag);
  }
  return new Promise((resolve, reject) => {
    const failed = () => reject(new Error(`could not load ${src}`));
    if (tag.dataset.state) {
      return tag.dataset.state === 'loaded' ? resolve() : failed();
    }
    tag.addEventListener('load', resolve);
    tag.addEventListener('error', failed);
  });
}

/**
 * Ask for the files that follow tf.min.js now, so they download while it does: the WASM
 * backend's script (it needs the global `tf`, so it runs after) and binary (the backend asks for
 * it only once both scripts have run: 0.6 s later on the 2-D page, whose main thread is busy
 * drawing the Plotly map), and `run_model.js` with its imports (they read `tf` when evaluated, so
 * they are imported after).
 */
function requestTheRest() {
  const links = [
    ...SCRIPTS.slice(1).map((name) => ({rel: 'preload', as: 'script', href: VENDOR + name})),
    {rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: VENDOR + WASM_BINARY},
    ...['run_model.js', 'half_pixel_resizing.js', 'sub_pixel_conv_transpose.js'].map((name) => (
      {rel: 'modulepreload', href: new URL(name, import.meta.url).href})),
  ];
  for (const attributes of links) {
    document.head.appendChild(Object.assign(document.createElement('link'), attributes));
  }
}

let ready = null;

/**
 * Resolves to {backend, runModel} (the module `run_model.js`) once `tf` is usable; rejects with
 * the reason it is not.
 */
export function loadTensorFlow() {
  if (!ready) {
    ready = (async () => {
      if (!globalThis.tf?.wasm) {
        requestTheRest();
      }
      for (const name of SCRIPTS) {
        if (!(name === 'tf.min.js' ? globalThis.tf : globalThis.tf?.wasm)) {
          await addScript(VENDOR + name);
        }
      }
      const runModel = await import('./run_model.js');
      const backend = await runModel.useFirstWorkingBackend(BACKENDS);
      return {backend, runModel};
    })();
  }
  return ready;
}
