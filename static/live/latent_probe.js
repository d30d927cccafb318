/**
 * Decode a latent probe in the browser, at the frame rate: the point under the pointer on a 2-D
 * map, and the probe sliders' values while they are dragged.
 *
 * Mounted by the `latent_probe_decoder` component (ui/live_latent.py) in the latent pages' side
 * panel. The 2-D page's map (static/live/latent_plane.js) announces the code under the mouse, or
 * a finger, as a `latent-point` event; it is decoded with the model's decoder in TensorFlow.js.
 * Dragging a probe slider (Streamlit sliders with keys `sliderKeys`) decodes its value as it
 * moves, where Streamlit itself only reruns on release. Nothing is sent to the server (a click
 * on the map is the map's own message). Until the model is ready, or if it cannot run here, the
 * server's own picture stays in place and this panel says so once.
 *
 * Test hook: window.aeLive.latent = {ready, backend, decodes, lastPoint, lastPixels, latencies}.
 */
import {loadTensorFlow} from './load_tfjs.js';
import {cachedModel, mountLive, paintStrip, sliderValue, watchSliders} from './page_tools.js';

const MAX_LATENCIES = 2000;  // the test hook keeps the newest decode times only
const STILL_MS = 1500;  // after this long without a move the panel goes back in its place
const hook = (globalThis.aeLive ??= {}).latent ??= {
  ready: false, backend: null, decodes: 0, lastPoint: null, lastPixels: null, latencies: [],
};

class HoverDecoder {
  constructor(parent, setStateValue) {
    this.panel = parent.querySelector('.live-decoder');
    this.title = parent.querySelector('.live-title');
    this.canvas = parent.querySelector('canvas');
    this.note = parent.querySelector('.live-note');
    this.setStateValue = setStateValue;
    this.pending = null;
    this.busy = false;
    this.listeners = [];
    this.observer = new MutationObserver(() => this.onSlide());
  }

  describe(point) {
    return this.data.axisNames.map((name, i) => `${name} = ${point[i].toFixed(2)}`).join(', ');
  }

  async update(data) {
    this.data = data;
    this.title.textContent = `Decoded at ${this.describe(data.pinned)}`;
    watchSliders(this.observer, this.data.sliderKeys?.[0]);
    if (!data.decoder) {
      return this.fail(data.problem ?? 'no browser form of this model');
    }
    try {
      const {backend, runModel} = await loadTensorFlow();
      this.runModel = runModel;
      this.decoder = await cachedModel(runModel, data.decoder);
      this.pca?.mean.dispose();
      this.pca?.components.dispose();
      this.pca = data.pca && globalThis.tf.tidy(() => ({
        mean: globalThis.tf.keep(globalThis.tf.tensor1d(data.pca.mean)),
        components: globalThis.tf.keep(globalThis.tf.tensor2d(data.pca.components)),
      }));
      this.pending = null;
      await this.decode(data.pinned);
      Object.assign(hook, {ready: true, backend});
      this.panel.dataset.live = 'ready';
      this.setStateValue('ready', data.decoder);
    } catch (error) {
      this.fail(error.message);
    }
  }

  fail(reason) {
    hook.ready = false;
    this.panel.dataset.live = 'off';
    this.note.textContent = this.note.dataset.off;
    this.note.title = reason;
    this.setStateValue('ready', null);
  }

  async codeOf(point) {
    /* The decoder's input for a plot point: the point itself, or its place on the PCA plane. */
    if (!this.pca) {
      return new Float32Array(point);
    }
    const tf = globalThis.tf;
    const code = tf.tidy(() => tf.tensor2d([point]).matMul(this.pca.components)
      .add(this.pca.mean));
    try {
      return await code.data();
    } finally {
      code.dispose();
    }
  }

  async decode(point, startedAt = performance.now()) {
    const code = await this.codeOf(point);
    const pixels = await this.runModel.runModel(this.decoder, code, [1, code.length]);
    paintStrip(this.canvas, pixels, 1);
    Object.assign(hook, {decodes: hook.decodes + 1, lastPoint: point, lastPixels: pixels});
    hook.latencies.push(performance.now() - startedAt);
    hook.latencies.splice(0, hook.latencies.length - MAX_LATENCIES);  // a long lesson stays small
  }

  moving() {
    /* The probe is being moved: on a phone the panel floats in sight until it rests. */
    this.panel.classList.add('moving');
    clearTimeout(this.still);
    this.still = setTimeout(() => this.panel.classList.remove('moving'), STILL_MS);
  }

  drain() {
    /* Decode the newest point now if the decoder is idle; while it is busy, newer points
     * replace the pending one, so a fast sweep never builds a queue of stale decodes. */
    if (!this.pending || this.busy || !this.decoder) {
      return;
    }
    const {point, at} = this.pending;
    this.pending = null;
    this.busy = true;
    this.decode(point, at).finally(() => {
      this.busy = false;
      this.drain();
    });
  }

  onPoint({detail: {code, at}}) {
    /* The map's code under the pointer (null: it left the axes) is decoded, newest first. */
    if (!hook.ready) {
      return;
    }
    if (code) {
      this.moving();
      this.pending = {point: code, at};
      this.title.textContent = `Under the pointer: ${this.describe(code)}`;
    } else if (this.title.textContent.startsWith('Under')) {
      this.pending = {point: this.data.pinned, at};
      this.title.textContent = `Decoded at ${this.describe(this.data.pinned)}`;
    }
    this.drain();
  }

  sliderValues() {
    /* The probe sliders' values as shown on their thumbs (live while dragged), or null. */
    const values = (this.data.sliderKeys ?? []).map(sliderValue);
    return values.length && values.every(Number.isFinite) ? values : null;
  }

  onSlide() {
    /* Thumbs show 2 decimals: the pinned probe, shown rounded, is not a move. */
    const point = hook.ready ? this.sliderValues() : null;
    const shown = this.data.pinned.map((v) => Number(v.toFixed(2)));
    if (point && point.some((v, i) => v !== shown[i])) {
      this.moving();
      this.pending = {point, at: performance.now()};
      this.title.textContent = `Decoded at ${this.describe(point)}`;
      this.drain();
    }
  }

  listen() {
    const onPoint = (event) => this.onPoint(event);
    document.addEventListener('latent-point', onPoint);
    this.listeners.push(() => document.removeEventListener('latent-point', onPoint));
  }

  stop() {
    clearTimeout(this.still);
    this.observer.disconnect();
    this.listeners.forEach((remove) => remove());
  }
}

/** Mount (or update) the decoder in `parentElement`; returns the cleanup for an unmount. */
export function mount({data, parentElement, setStateValue}) {
  return mountLive(parentElement, () => {
    const decoder = new HoverDecoder(parentElement, setStateValue);
    decoder.listen();
    return decoder;
  }, data);
}
