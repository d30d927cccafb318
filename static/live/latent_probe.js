/**
 * Decode a latent probe in the browser, at the frame rate: the point under the pointer on a 2-D
 * map, and the probe sliders' values while they are dragged.
 *
 * Mounted by the `latent_probe_decoder` component (ui/live_latent.py) in the latent pages' side
 * panel. Moving the mouse, or a finger, over the Plotly map that Streamlit draws (st.plotly_chart
 * with key `chartKey`) decodes the point under it with the model's decoder in TensorFlow.js;
 * dragging a probe slider (Streamlit sliders with keys `sliderKeys`) decodes its value as it
 * moves, where Streamlit itself only reruns on release. Nothing is sent to the server. A click on
 * empty map space pins the point (a trigger value: the server moves the probe there and into the
 * URL). Until the model is ready, or if it cannot run here, the server's own picture stays in
 * place and this panel says so once.
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

function plotPoint(event, plot) {
  /* The data coordinates under the pointer, or null outside the plotting area. */
  const layout = plot._fullLayout;
  if (!layout?.xaxis || !layout?.yaxis) {
    return null;
  }
  const box = plot.getBoundingClientRect();
  const px = event.clientX - box.left - layout.xaxis._offset;
  const py = event.clientY - box.top - layout.yaxis._offset;
  if (px < 0 || py < 0 || px > layout.xaxis._length || py > layout.yaxis._length) {
    return null;
  }
  return [layout.xaxis.p2d(px), layout.yaxis.p2d(py)];
}

function codeValues(drawn, widths) {
  /* A map drawn on an asinh scale (ae_models/map_scale.py): drawn position -> code value. */
  return drawn.map((d, i) => (widths?.[i] ? widths[i] * Math.sinh(d / widths[i]) : d));
}

class HoverDecoder {
  constructor(parent, setStateValue, setTriggerValue) {
    this.panel = parent.querySelector('.live-decoder');
    this.title = parent.querySelector('.live-title');
    this.canvas = parent.querySelector('canvas');
    this.note = parent.querySelector('.live-note');
    this.setStateValue = setStateValue;
    this.setTriggerValue = setTriggerValue;
    this.pending = null;
    this.busy = false;
    this.down = null;
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

  mapUnder(event) {
    /* The map's Plotly element if the event is on it and live decoding is ready, else null. */
    if (!this.data.chartKey || !hook.ready) {
      return null;
    }
    return event.target.closest?.(`.st-key-${this.data.chartKey}`)
      ?.querySelector('.js-plotly-plot') ?? null;
  }

  pointUnder(event, plot) {
    /* The code under the pointer on the map (inside its axes), or null. */
    const drawn = plot && plotPoint(event, plot);
    return drawn ? codeValues(drawn, this.data.scaleWidths) : null;
  }

  onMove(event) {
    if (!this.data.chartKey) {
      return;
    }
    const point = this.pointUnder(event, this.mapUnder(event));
    if (point) {
      this.moving();
      this.pending = {point, at: event.timeStamp};
      this.title.textContent = `Under the pointer: ${this.describe(point)}`;
    } else if (this.title.textContent.startsWith('Under')) {
      this.pending = {point: this.data.pinned, at: event.timeStamp};
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

  onTouch(event) {
    /* A finger on the map explores it (the point under it is decoded) and does not pan it:
     * Plotly's drag layer would slide the map away under the finger. Stopped here, in the
     * capture phase, before it reaches Plotly; a tap still selects a dot (the browser follows
     * it with mouse events). */
    this.fingerOnMap = Boolean(this.mapUnder(event));
    if (this.fingerOnMap) {
      event.stopPropagation();
    }
  }

  onFingerMove(event) {
    /* Nor does the page scroll under it (Plotly used to prevent that itself): the browser
     * would take the finger for a scroll and stop sending its moves. */
    if (this.fingerOnMap && event.cancelable) {
      event.preventDefault();
    }
  }

  onDown(event) {
    this.down = {x: event.clientX, y: event.clientY};
  }

  onClick(event) {
    /* A click (not a drag) on empty plot space pins the point; dots are pinned by the chart.
     * (A click, not a pointerup: during a press Plotly covers the page with its own layer.) */
    const moved = this.down && Math.hypot(event.clientX - this.down.x, event.clientY - this.down.y);
    const plot = this.mapUnder(event);
    const point = this.pointUnder(event, plot);
    const onDot = plot?._hoverdata?.length > 0;  // Plotly's own click selects the dot
    if (point && moved !== null && moved < 5 && !onDot) {
      this.setTriggerValue('pin', point);
    }
    this.down = null;
  }

  listen() {
    const on = (target, type, handler, passive = true) => {
      // Capture phase: Plotly's drag layer stops some events from bubbling up to the document.
      target.addEventListener(type, handler, {capture: true, passive});
      this.listeners.push(() => target.removeEventListener(type, handler, {capture: true}));
    };
    on(document, 'pointermove', (event) => this.onMove(event));
    on(document, 'pointerdown', (event) => this.onDown(event));
    on(document, 'touchstart', (event) => this.onTouch(event));
    on(document, 'touchmove', (event) => this.onFingerMove(event), false);
    on(document, 'click', (event) => this.onClick(event));
  }

  stop() {
    clearTimeout(this.still);
    this.observer.disconnect();
    this.listeners.forEach((remove) => remove());
  }
}

/** Mount (or update) the decoder in `parentElement`; returns the cleanup for an unmount. */
export function mount({data, parentElement, setStateValue, setTriggerValue}) {
  return mountLive(parentElement, () => {
    const decoder = new HoverDecoder(parentElement, setStateValue, setTriggerValue);
    decoder.listen();
    return decoder;
  }, data);
}
