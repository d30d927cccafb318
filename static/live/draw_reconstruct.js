/**
 * The Draw page in the browser: while the pen moves, and while a corruption slider is dragged,
 * the drawing is made MNIST-style (preprocess.js), corrupted (corrupt.js) and rebuilt by every
 * chosen model with TensorFlow.js, and the tiles, error maps, MSE and PSNR are repainted, at the
 * frame rate, with nothing sent to the server.
 *
 * Two components of ui/live_draw.py mount it: the `inputs` part (the input and its corrupted
 * copy) and the `models` part (a tile or row per model), which carries the data and drives
 * both. After a stroke the canvas sends its drawing as it always did; the server's rerun brings
 * its own 28x28 input (the source of truth: every later pass starts from it) and runs no model.
 * Until the models are ready the server's pictures stay on the page. If they cannot run here
 * (no TensorFlow.js, a model without a browser form), this part says so once and reports
 * `ready: 'server'`: the server then runs the models and sends its pictures and numbers as data
 * (`data.server`), which are painted here like the live ones, with no image files to fetch.
 *
 * Test hook: window.aeLive.draw = {ready, backend, threads, passes, blankRuns, serverPaints,
 * source, input, corrupted, outputs, codes, metrics, latencies}, where outputs, codes and metrics
 * are keyed by model; threads is the WASM backend's (1 where the page is not cross-origin
 * isolated); blankRuns counts the models' unpainted first runs (see blankRun); source is
 * 'canvas' (a live pass of the pen's drawing), 'server' (a live pass of the server's input) or
 * 'server results' (the server's own pictures).
 */
import {loadTensorFlow} from './load_tfjs.js';
import {cachedModel, floats, paintStrip, sliderValue} from './page_tools.js';
import {preprocess} from './preprocess.js';
import {corrupt, crosshairMask} from './corrupt.js';
import {renderInputs, renderModels, paintOutputs} from './draw_tiles.js';
import {ssim} from './ssim.js';

const MAX_LATENCIES = 2000;
// A pass longer than two frames at 60 Hz (the pen-move target, issue #17) leaves the next
// frame to the pen (see schedule).
const SLOW_PASS_MS = 2000 / 60;
const hook = (globalThis.aeLive ??= {}).draw ??= {
  ready: false, backend: null, threads: null, passes: 0, blankRuns: 0, serverPaints: 0,
  source: null, input: null, corrupted: null, outputs: {}, codes: {}, metrics: {}, latencies: [],
};

/** The drawable canvas's finished strokes and the stroke in progress (open shadow root). */
function drawingCanvases(canvasKey) {
  const root = document.querySelector(`.st-key-${canvasKey} [data-testid="stBidiComponentIsolated"]`)
    ?.shadowRoot;
  const lower = root?.querySelector('canvas.dc-canvas.lower-canvas');
  const upper = root?.querySelector('canvas.upper-canvas');
  return lower && upper ? {lower, upper} : null;
}

class DrawEngine {
  constructor() {
    this.parts = {};  // 'inputs' / 'models' -> their root element
    this.models = [];  // [{key, encoder, decoder}] in the order of the tiles
    this.input = null;  // the clean 28x28 input now shown (Float32Array), or null
    this.fromCanvas = false;  // the input comes from the pen, not yet from the server
    this.penDown = false;
    this.busy = false;
    this.again = false;
    this.framePending = false;
    this.lastPassMs = 0;
    this.modelsRan = false;  // since the models were loaded
    this.scratch = document.createElement('canvas');
    this.sliderObserver = new MutationObserver(() => this.schedule());
    this.onPointer = (event) => this.pointer(event);
    for (const type of ['pointerdown', 'pointermove', 'pointerup', 'pointercancel']) {
      document.addEventListener(type, this.onPointer, true);
    }
  }

  attach(part, element, data) {
    this.parts[part] = element;
    if (part === 'inputs') {
      renderInputs(element, data);
      this.schedule();
    }
  }

  detach(part) {
    delete this.parts[part];
  }

  async configure(element, data, setStateValue) {
    /* The models part's data: load what it names, start from the server's input, say ready. */
    this.data = data;
    this.noise = data.noise && floats(data.noise);  // the server's, for its seed
    this.mask = data.mask && floats(data.mask);  // a crosshair the server placed at random
    this.setStateValue = setStateValue;
    this.watchSliders();
    this.adoptServerInput(data);
    const note = element.querySelector('.live-empty');
    note.textContent = data.emptyNote ?? '';
    note.setAttribute('role', 'status');
    element.classList.toggle('empty', this.input === null);
    try {
      const problem = data.models.find((model) => !model.encoder)?.problem;
      if (problem !== undefined) {
        throw new Error(problem ?? 'a model has no browser form');
      }
      const {backend, runModel} = await loadTensorFlow();
      const loaded = await Promise.all(data.models.map(async (model) => ({
        key: model.key,
        encoder: await cachedModel(runModel, model.encoder),
        decoder: await cachedModel(runModel, model.decoder),
      })));
      if (this.data !== data) {
        return;  // newer data arrived while these loaded: its own configure finishes the job
      }
      this.models = loaded;
      this.modelsRan = false;
      renderModels(element, data);
      // The pen was faster than the models (a fresh page): start from what it has drawn.
      this.readCanvas ||= this.input === null && this.liveDrawing();
      await this.pass();
      Object.assign(hook, {ready: true, backend, threads: runModel.wasmThreads()});
      element.dataset.live = 'ready';
      this.showInputs('ready');
      setStateValue('ready', data.signature);
      // Where nothing is drawn yet (a fresh page), the models' first run, 3-4 passes' time
      // while TensorFlow.js sets their layers up, is done now, not in the pen's first stroke;
      // after the frame that shows the page live.
      requestAnimationFrame(() => setTimeout(() => this.run(() => this.blankRun()), 0));
    } catch (error) {
      this.fail(element, error);
      this.paintServer(element, data);
    }
  }

  paintServer(element, data) {
    /* The server's results for its input, when the models cannot run here. */
    if (!data.server || this.data !== data) {
      return;
    }
    const server = data.server;
    const outputs = {corrupted: floats(server.corrupted), images: server.images.map(floats),
      codes: server.codes.map(floats), metrics: server.metrics};
    element.dataset.live = 'server';
    this.showInputs('server');
    renderModels(element, data);
    this.paint(outputs, data.corruption, 'server results');
    hook.serverPaints += 1;
  }

  adoptServerInput(data) {
    /* The server's input replaces the live one, unless the pen has moved on since it was sent
       (a stroke in progress, or a later stroke whose rerun is still coming). */
    const server = data.image ? floats(data.image) : null;
    if (this.penDown) {
      return;
    }
    if (this.fromCanvas && this.liveDrawing()) {
      const drawn = this.canvasInput();
      if (!sameImage(drawn, server)) {
        this.input = drawn;
        return;
      }
    }
    this.input = server;
    this.fromCanvas = false;
  }

  liveDrawing() {
    /* Mid-stroke drawings are made MNIST-style only where the server centres them (digits). */
    return Boolean(this.data.center && this.data.canvasKey && drawingCanvases(this.data.canvasKey));
  }

  fail(element, error) {
    hook.ready = false;
    element.dataset.live = 'off';
    this.showInputs('off');
    const note = element.querySelector('.live-note');
    note.textContent = note.dataset.off;
    note.title = error.message;
    this.setStateValue('ready', 'server');  // the server runs the models, this part paints
    if (!this.warned) {
      this.warned = true;
      console.warn('live drawing unavailable', error);
    }
  }

  showInputs(state) {
    if (this.parts.inputs) {
      this.parts.inputs.dataset.live = state;
    }
  }

  watchSliders() {
    /* The corruption sliders' thumbs (their aria-valuetext) move before Streamlit reruns. */
    this.sliderObserver.disconnect();
    const panel = document.querySelector(`.st-key-${this.data.controls}_panel`);
    if (panel) {
      this.sliderObserver.observe(panel, {subtree: true, attributes: true,
        attributeFilter: ['aria-valuetext']});
    }
  }

  pointer(event) {
    if (!this.data || !event.composedPath().some((el) => el.classList?.contains('upper-canvas'))) {
      if (event.type === 'pointerup' || event.type === 'pointercancel') {
        this.endStroke();
      }
      return;
    }
    if (event.type === 'pointerdown') {
      this.penDown = true;
    } else if (event.type === 'pointerup' || event.type === 'pointercancel') {
      this.endStroke();
      return;
    }
    if (this.penDown && this.liveDrawing()) {
      this.moveAt = performance.now();
      this.readCanvas = true;
      this.schedule();
    }
  }

  endStroke() {
    /* Once more, a frame later: the drawing surface moves the finished stroke onto its lower
       canvas at its next frame, after clearing the upper one. */
    if (this.penDown) {
      this.penDown = false;
      requestAnimationFrame(() => {
        this.readCanvas = this.liveDrawing();
        this.schedule();
      });
    }
  }

  schedule() {
    /* One pass per frame at most, with the newest drawing and slider values. Where passes
       take longer than two frames (a slow machine or phone, the first passes of a fresh page),
       a frame with no pass follows each one, so that the pen's own line and the pointer keep
       moving between the pictures' updates instead of waiting for every pass. */
    if (this.framePending || !this.data) {
      return;
    }
    this.framePending = true;
    const start = () => {
      this.framePending = false;
      this.run();
    };
    requestAnimationFrame(this.lastPassMs > SLOW_PASS_MS
      ? () => requestAnimationFrame(start) : start);
  }

  async run(job = () => this.pass()) {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const started = performance.now();
    try {
      await job();
    } catch (error) {
      console.warn('live pass failed', error);
    } finally {
      this.busy = false;
      this.lastPassMs = performance.now() - started;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    }
  }

  canvasInput() {
    const canvases = drawingCanvases(this.data.canvasKey);
    if (!canvases) {
      return this.input;
    }
    const {lower, upper} = canvases;
    this.scratch.width = lower.width;
    this.scratch.height = lower.height;
    const context = this.scratch.getContext('2d', {willReadFrequently: true});
    context.drawImage(lower, 0, 0);
    context.drawImage(upper, 0, 0, lower.width, lower.height);
    const pixels = context.getImageData(0, 0, lower.width, lower.height).data;
    this.fromCanvas = true;
    return preprocess(globalThis.tf, pixels, lower.width, lower.height);
  }

  settings() {
    /* The corruption as the sliders show it now (mid-drag), else as the server sent it. */
    const sent = this.data.corruption;
    const live = (name) => {
      const value = sliderValue(`${this.data.controls}_${name}`);
      return Number.isFinite(value) ? value : sent[name];
    };
    return {...sent, sigma: live('sigma'), intensity: live('intensity'),
      thickness: live('thickness'), row: live('row'), col: live('col')};
  }

  corruption() {
    const settings = this.settings();
    return {settings, mask: settings.random ? this.mask : crosshairMask(settings)};
  }

  async blankRun() {
    /* The models run once on a blank image, nothing painted, unless a pass has run them. */
    if (this.modelsRan || !this.models.length) {
      return;
    }
    const {settings, mask} = this.corruption();
    await reconstructAll(globalThis.tf, this.models, new Float32Array(28 * 28), settings,
                         this.noise, mask);
    this.modelsRan = true;
    hook.blankRuns += 1;
  }

  async pass() {
    const tf = globalThis.tf;
    if (!this.models.length || !tf) {
      return;
    }
    const started = this.readCanvas && this.penDown ? this.moveAt : performance.now();
    if (this.readCanvas) {
      this.readCanvas = false;
      this.input = this.canvasInput();
    }
    const {settings, mask} = this.corruption();
    const result = this.input && reconstructAll(tf, this.models, this.input, settings,
                                                 this.noise, mask);
    const outputs = result ? await result : null;
    this.modelsRan ||= outputs !== null;
    this.paint(outputs, settings, this.fromCanvas ? 'canvas' : 'server');
    hook.passes += 1;
    hook.latencies.push(performance.now() - started);
    hook.latencies.splice(0, hook.latencies.length - MAX_LATENCIES);
  }

  paint(outputs, settings, source) {
    hook.source = outputs === null ? null : source;
    hook.input = this.input;
    hook.corrupted = outputs?.corrupted ?? null;
    hook.outputs = {};
    hook.codes = {};
    hook.metrics = {};
    for (const [index, model] of this.data.models.entries()) {
      if (outputs) {
        hook.outputs[model.key] = outputs.images[index];
        hook.codes[model.key] = outputs.codes[index];
        hook.metrics[model.key] = outputs.metrics[index];
      }
    }
    const corrupted = settings.kind === 'none' ? null : outputs?.corrupted;
    const inputs = this.parts.inputs;
    if (inputs) {
      paintInputs(inputs, this.input, corrupted);
    }
    const models = this.parts.models;
    if (models) {
      paintOutputs(models, this.data, outputs, this.input);
    }
  }

  stop() {
    this.sliderObserver.disconnect();
  }
}

const SAME_IMAGE = 0.02;  // mean abs difference per pixel: the same drawing, preprocessed twice

function sameImage(a, b) {
  if (a === null || b === null) {
    return a === b;
  }
  let total = 0;
  for (let i = 0; i < a.length; i += 1) {
    total += Math.abs(a[i] - b[i]);
  }
  return total / a.length <= SAME_IMAGE;
}

function paintInputs(element, input, corrupted) {
  element.classList.toggle('empty', input === null);
  const [clean, noisy] = element.querySelectorAll('canvas');
  if (input) {
    paintStrip(clean, input, 1);
  }
  element.querySelector('.tile-corrupted').hidden = !corrupted;
  if (corrupted) {
    paintStrip(noisy, corrupted, 1);
  }
}

/**
 * The corrupted input and every model's reconstruction, code, MSE, PSNR and SSIM (as
 * ae_models.metrics: PSNR for a data range of 1, capped at 100 dB), read back in one go.
 */
async function reconstructAll(tf, models, input, settings, noise, mask) {
  const tensors = tf.tidy(() => {
    const clean = tf.tensor(input, [1, 28, 28, 1]);
    const corrupted = corrupt(tf, clean, settings, noise, mask);
    const codes = models.map((m) => m.encoder.predict(corrupted));
    const images = models.map((m, i) => m.decoder.predict(codes[i]));
    const mse = tf.stack(images.map((image) => tf.mean(tf.squaredDifference(image, clean))));
    const psnr = tf.mul(-10 / Math.LN10, tf.log(tf.maximum(mse, 1e-10)));
    const similarity = ssim(tf, clean, tf.concat(images.map((i) => i.reshape([1, 28, 28, 1]))));
    return [corrupted, mse, psnr, similarity, ...images, ...codes];
  });
  try {
    const [corrupted, mse, psnr, similarity, ...rest] =
      await Promise.all(tensors.map((t) => t.data()));
    return {
      corrupted,
      images: rest.slice(0, models.length),
      codes: rest.slice(models.length),
      metrics: models.map((_, i) => ({mse: mse[i], psnr: psnr[i], ssim: similarity[i]})),
    };
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

const engine = (globalThis.aeLive.drawEngine ??= new DrawEngine());

/** Mount (or update) a part of the Draw page's live pictures; returns the cleanup. */
export function mount({data, parentElement, setStateValue}) {
  const element = parentElement.querySelector('.live-draw');
  engine.attach(data.part, element, data);
  if (data.part === 'models') {
    engine.configure(element, data, setStateValue);
  }
  return () => engine.detach(data.part);
}
