/**
 * The VAE explorer's traversals, redrawn in the browser while *Rows* or *Steps per row* is dragged.
 *
 * Mounted by the `vae_traversal_rows` component (ui/live_vae.py). The server sends the start code,
 * the dimensions ordered by their KL (and each one's KL) and the decoder; the browser builds the
 * codes with TensorFlow.js as ae_models.latent_walks.traversal_codes does (row i moves only
 * dimension order[i], from start - span to start + span), decodes them in one batch, and paints a
 * labelled strip per row. Nothing is sent to the server until a slider is released.
 *
 * Test hook: window.aeLive.vaeTraversal = {ready, decodes, rows, steps, pixels},
 * and window.aeLive.vaeTraversalInputs, the data the server sent.
 */
import {loadTensorFlow} from './load_tfjs.js';
import {cachedModel, mountLive, paintStrip, sliderValue, watchSliders} from './page_tools.js';

const hook = (globalThis.aeLive ??= {}).vaeTraversal ??= {
  ready: false, decodes: 0, rows: null, steps: null, pixels: null,
};

function traversalCodes(tf, start, dims, steps, span) {
  /* (rows * steps, D) codes: row i adds -span..+span to dimension dims[i] of `start` only. */
  const size = start.length;
  const offsets = tf.linspace(-span, span, steps).reshape([1, steps, 1]);
  const moved = tf.oneHot(tf.tensor1d(dims, 'int32'), size).reshape([dims.length, 1, size]);
  return tf.tensor1d(start).reshape([1, 1, size]).add(moved.mul(offsets))
    .reshape([dims.length * steps, size]);
}

function rowLabel(data, dim) {
  const kl = data.kl[dim];
  return `z${dim + 1} · KL ${kl.toFixed(2)} nats${kl < data.unusedKl ? ' · unused' : ''}`;
}

class TraversalRows {
  constructor(parent, setStateValue) {
    this.parent = parent;
    this.setStateValue = setStateValue;
    this.observer = new MutationObserver(() => this.redraw(
      sliderValue(this.data.rowsKey), sliderValue(this.data.stepsKey)));
    this.drawing = null;
  }

  async update(data) {
    this.data = data;
    globalThis.aeLive.vaeTraversalInputs = data;
    const root = this.parent.querySelector('.vae-traversal');
    try {
      if (!data.decoder) {
        throw new Error(data.problem ?? 'no browser form of this model');
      }
      const {runModel} = await loadTensorFlow();
      this.decoder = await cachedModel(runModel, data.decoder);
      hook.rows = null;  // new data: draw even if the counts did not change
      await this.draw(data.rows, data.steps);
      hook.ready = true;
      root.dataset.live = 'ready';
      watchSliders(this.observer, data.stepsKey);
      this.setStateValue('ready', data.decoder);
    } catch (error) {
      hook.ready = false;
      root.dataset.live = 'off';
      this.setStateValue('ready', null);
      console.warn('live traversals unavailable', error);
    }
  }

  redraw(rows, steps) {
    /* The newest counts only: while one drawing runs, newer counts wait their turn. */
    if (!Number.isInteger(rows) || !Number.isInteger(steps) || steps < 2 || rows < 1
        || (rows === hook.rows && steps === hook.steps)) {
      return;
    }
    this.wanted = [rows, steps];
    if (!this.drawing) {
      this.drawing = this.draw(rows, steps).finally(() => {
        this.drawing = null;
        const [r, s] = this.wanted;
        if (r !== hook.rows || s !== hook.steps) {
          this.redraw(r, s);
        }
      });
    }
  }

  async draw(rows, steps) {
    const tf = globalThis.tf;
    const dims = this.data.order.slice(0, rows);
    const output = tf.tidy(() => this.decoder.predict(
      traversalCodes(tf, this.data.start, dims, steps, this.data.span)));
    try {
      const pixels = await output.data();
      this.paint(dims, steps, pixels);
      Object.assign(hook, {decodes: hook.decodes + 1, rows, steps, pixels});
    } finally {
      output.dispose();
    }
  }

  paint(dims, steps, pixels) {
    const list = this.parent.querySelector('.vae-traversal .rows');
    while (list.children.length < dims.length) {
      const row = document.createElement('div');
      row.className = 'vae-row';
      row.innerHTML = '<div class="label"></div><canvas role="img"></canvas>';
      list.appendChild(row);
    }
    while (list.children.length > dims.length) {
      list.lastChild.remove();
    }
    dims.forEach((dim, i) => {
      const row = list.children[i];
      row.querySelector('.label').textContent = rowLabel(this.data, dim);
      const canvas = row.querySelector('canvas');
      canvas.setAttribute('aria-label', `Dimension z${dim + 1} moved ${this.data.span} either way`);
      paintStrip(canvas, pixels.subarray(i * steps * 784, (i + 1) * steps * 784), steps);
    });
  }

  stop() {
    this.observer.disconnect();
  }
}

/** Mount (or update) the rows in `parentElement`; returns the cleanup for an unmount. */
export function mount({data, parentElement, setStateValue}) {
  return mountLive(parentElement, () => new TraversalRows(parentElement, setStateValue), data);
}
