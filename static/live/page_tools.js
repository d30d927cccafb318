/**
 * What the live modules share: models loaded once per page, Streamlit sliders read while they
 * move, and float images painted as gray pixels.
 */

const mounted = new WeakMap();  // component root -> its live object, kept across reruns

/**
 * Mount a live object in a component's root, or update the one already there (Streamlit calls
 * a component again on every rerun); returns the cleanup Streamlit runs when it unmounts it.
 */
export function mountLive(parentElement, create, data) {
  let live = mounted.get(parentElement);
  if (!live) {
    live = create();
    mounted.set(parentElement, live);
  }
  live.update(data);
  return () => {
    live.stop();
    mounted.delete(parentElement);
  };
}

const models = new Map();  // URL -> loading or loaded model: a remount does not load it again

/** The model at `url` (relative to the page), loaded once per page with `runModel.loadModel`. */
export function cachedModel(runModel, url) {
  if (!models.has(url)) {
    models.set(url, runModel.loadModel(new URL(url, document.baseURI).href));
  }
  return models.get(url);
}

/** A Streamlit slider's value as its thumb shows it (live while dragged), or NaN. */
export function sliderValue(key) {
  return Number.parseFloat(
    document.querySelector(`.st-key-${key} input[type="range"]`)?.getAttribute('aria-valuetext'));
}

/**
 * Call `onChange` whenever a slider near the one keyed `key` shows a new value. Streamlit
 * redraws its sliders on reruns, so the column holding them is observed, not one input.
 */
export function watchSliders(observer, key) {
  observer.disconnect();
  const column = document.querySelector(`.st-key-${key}`)?.closest('[data-testid="stVerticalBlock"]');
  if (column) {
    observer.observe(column, {subtree: true, attributes: true, attributeFilter: ['aria-valuetext']});
  }
}

/** Float32 numbers sent as base64 of their bytes (exact, and a quarter of their JSON). */
export function floats(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

const SIDE = 28;
const PAD = 2;  // as ui.images.image_grid: 2 px of gray 0.3 between tiles
const PAD_GRAY = Math.round(0.3 * 255);

/** `count` 28x28 float images in [0, 1] side by side on `canvas`; CSS scales it, pixelated. */
export function paintStrip(canvas, pixels, count) {
  canvas.width = count * SIDE + (count - 1) * PAD;
  canvas.height = SIDE;
  const context = canvas.getContext('2d');
  const image = context.createImageData(canvas.width, SIDE);
  image.data.fill(PAD_GRAY);
  for (let i = 0; i < count; i += 1) {
    for (let p = 0; p < SIDE * SIDE; p += 1) {
      const gray = Math.round(Math.min(1, Math.max(0, pixels[i * SIDE * SIDE + p])) * 255);
      const x = i * (SIDE + PAD) + (p % SIDE);
      const offset = 4 * (Math.floor(p / SIDE) * canvas.width + x);
      image.data.set([gray, gray, gray], offset);
    }
  }
  for (let a = 3; a < image.data.length; a += 4) {
    image.data[a] = 255;
  }
  context.putImageData(image, 0, 0);
}
