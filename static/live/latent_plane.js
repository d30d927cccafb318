/**
 * The 2-D latent map on a canvas: every test digit a dot in its class's colour and shape, the
 * class names on the densest spots, the user's gold star and the probe's x, a legend that hides
 * and shows classes, zoom and pan; mounted by the `latent_plane` component (ui/latent_plane.py).
 *
 * Plotly drew the same 4,000 points as SVG in about 1.5 s of the main thread, twice, after
 * evaluating a 4.7 MB chunk; one path per class here draws them in a few milliseconds, so the
 * page's live decoder starts at once (bench/RESULTS.md). Points arrive as their code values
 * (float32, exact); compressed axes (ae_models/map_scale.py) draw them at w * asinh(z / w).
 *
 * Mouse: the wheel zooms around the pointer, a drag pans, a double-click resets; a finger
 * explores without panning (the buttons on the plane zoom). A click (less than 5 px of movement)
 * pins a point: the dot's own code when it is within 8 px of one, else the code under the
 * pointer, sent as the `pin` trigger value (the server moves the probe there). The code under the
 * pointer is announced to the live decoder (static/live/latent_probe.js) as a `latent-point`
 * event on the document: {code (code values, or null off the axes), at (the event's timeStamp)}.
 *
 * Test hook: window.aeLive.plane = {draws, drawMs, dot(i) (client x/y of point i), axes() (the
 * box between the axes, client x/y/width/height), ranges() (drawn x0, x1, y0, y1)}.
 */
import {floats, mountLive} from './page_tools.js';
import {addShape, paintMarkers} from './plane_shapes.js';

const HOVER_PX = 8;  // a dot this close to the pointer is the one under it
const CLICK_PX = 5;  // a press that moved less than this is a click, not a drag
const ZOOM_STEP = 1.5;  // the + and - buttons
const CHUNK = 24;  // dots per path: see drawDots
const WHEEL_RATE = 0.002;  // zoom factor per pixel of wheel delta
const GRID = '#EBF0F8';  // plotly_white's grid, as the Plotly map had
const INK = '#111111';
const hook = (globalThis.aeLive ??= {}).plane ??= {draws: 0, drawMs: null};

/** Code values -> where the map draws them (ae_models.map_scale.MapScale.to_display). */
export function toDisplay(value, width) {
  return width ? width * Math.asinh(value / width) : value;
}

/** Where the map draws a value -> its code value (MapScale.from_display). */
export function fromDisplay(drawn, width) {
  return width ? width * Math.sinh(drawn / width) : drawn;
}

function niceTicks(low, high, pixels) {
  /* Ticks at 1-2-5 steps, about one per 70 px, labelled with as many decimals as the step. */
  const rough = (high - low) / Math.max(2, pixels / 70);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = [];
  for (let v = Math.ceil(low / step) * step; v <= high; v += step) {
    ticks.push({at: v, text: (Math.abs(v) < step / 2 ? 0 : v).toFixed(decimals)});
  }
  return ticks;
}

function axisTicks(given, low, high, pixels) {
  /* A compressed axis's ticks from the server (drawn place, true value), else nice ones. */
  if (!given) {
    return niceTicks(low, high, pixels);
  }
  return given[0].map((at, i) => ({at, text: given[1][i]}))
    .filter((tick) => tick.at >= low && tick.at <= high);
}

/** A drawing box and the data ranges it shows: drawn coordinates <-> canvas pixels. */
class Frame {
  constructor(box, ranges) {
    Object.assign(this, box);
    [this.x0, this.x1, this.y0, this.y1] = ranges;
  }

  px(x) {
    return this.left + ((x - this.x0) / (this.x1 - this.x0)) * this.width;
  }

  py(y) {
    return this.top + ((this.y1 - y) / (this.y1 - this.y0)) * this.height;
  }

  at(px, py) {
    /* The drawn coordinates at a pixel, or null outside the box. */
    const fx = (px - this.left) / this.width;
    const fy = (py - this.top) / this.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) {
      return null;
    }
    return [this.x0 + fx * (this.x1 - this.x0), this.y1 - fy * (this.y1 - this.y0)];
  }
}

function zoomed(ranges, centre, factor) {
  /* Ranges scaled by `factor` around the drawn point `centre`. */
  const [x0, x1, y0, y1] = ranges;
  const [cx, cy] = centre;
  return [cx + (x0 - cx) * factor, cx + (x1 - cx) * factor,
    cy + (y0 - cy) * factor, cy + (y1 - cy) * factor];
}

function element(tag, className, text) {
  return Object.assign(document.createElement(tag), {className, textContent: text ?? ''});
}

function swatch(symbol, marker) {
  /* A legend's small picture of a marker, drawn as on the map. */
  const canvas = element('canvas', 'swatch');
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = canvas.height = Math.round(24 * ratio);
  canvas.setAttribute('aria-hidden', 'true');
  const context = canvas.getContext('2d');
  context.scale(ratio, ratio);
  const path = new Path2D();
  addShape(path, symbol, 12, 12, Math.min(18, Math.max(12, marker.size * 1.6)));
  const line = {...marker.line, width: Math.max(1, marker.line?.width ?? 0)};
  paintMarkers(context, path, {...marker, line});
  return canvas;
}

class Plane {
  constructor(root, setTriggerValue) {
    this.root = root;
    this.box = root.querySelector('.plane-box');
    this.canvas = root.querySelector('canvas.plane');
    this.tip = root.querySelector('.plane-tip');
    this.legend = root.querySelector('.plane-legend');
    this.setTriggerValue = setTriggerValue;
    this.hidden = new Set();  // labels hidden from the legend: kept across reruns
    this.view = null;  // the ranges after a zoom or pan; null: the server's ranges
    this.press = null;
    this.listeners = [];
    this.resizer = new ResizeObserver(() => this.redrawSoon());
  }

  update(data) {
    if (data.revision !== this.data?.revision) {
      this.view = null;  // a new model: its own ranges (Plotly's uirevision)
      this.hidden.clear();
    }
    if (data.codes !== this.data?.codes) {
      this.codes = floats(data.codes);
      this.drawnAt = this.codes.map((v, i) => toDisplay(v, data.widths[i % 2]));
    }
    const legendChanged = JSON.stringify(data.classes) !== JSON.stringify(this.data?.classes);
    this.data = data;
    this.canvas.setAttribute('aria-label', data.label);
    this.loadBackground(data.background?.png);
    if (legendChanged) {
      this.makeLegend();  // kept across reruns otherwise: a focused legend button stays focused
    }
    // At the next frame, once with the box's first size: the live decoder's component mounts
    // meanwhile and asks for TensorFlow.js and the model (a page load's longest wait).
    this.redrawSoon();
  }

  loadBackground(png) {
    /* The decoded grid's picture, decoded once per grid (a rerun keeps it: no flicker). */
    if (png === this.backgroundPng) {
      return;
    }
    this.backgroundPng = png;
    this.background = null;
    if (png) {
      this.background = Object.assign(new Image(), {src: `data:image/png;base64,${png}`});
      this.background.decode().then(() => this.draw(), () => {});
    }
  }

  ranges() {
    return this.view ?? this.data.ranges;
  }

  makeLegend() {
    /* One button per class (its marker and name; pressed = shown), then the star and the x. */
    const items = this.data.classes.map((c) => {
      const button = element('button', 'class-key');
      button.type = 'button';
      button.dataset.label = String(c.label);
      button.setAttribute('aria-pressed', String(!this.hidden.has(c.label)));
      button.title = `Hide or show class ${c.name}`;
      button.append(swatch(c.symbol, {...this.data.marker, color: c.color, opacity: 1}),
        element('span', '', c.name));
      return button;
    });
    const {userMarker, probeMarker} = this.data;
    for (const [marker, name] of [[userMarker, 'Your drawing'], [probeMarker, 'Probe']]) {
      const key = element('span', 'mark-key');
      key.append(swatch(marker.symbol, {...marker, size: marker.size * 0.7}),
        element('span', '', name));
      items.push(key);
    }
    this.legend.replaceChildren(...items);
  }

  layout() {
    /* Size the canvas to its box (crisp at the device's pixel ratio) and place the axes. */
    const ratio = globalThis.devicePixelRatio || 1;
    const width = Math.max(200, this.box.clientWidth);
    const height = Math.max(240, this.data.height - this.legend.offsetHeight);
    this.box.style.height = `${height}px`;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const context = this.canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.fontSize = width < 500 ? 15 : 18;
    this.font = getComputedStyle(this.box).fontFamily;  // a canvas's font cannot read var()
    this.height = height;
    const left = (width < 500 ? 44 : 64) + this.fontSize;
    const bottom = 2.4 * this.fontSize + 12;
    const [top, right] = [12, 48];  // the zoom buttons stand right of the axes: never on a dot
    this.frame = new Frame({left, top, width: width - left - right, height: height - top - bottom},
      this.ranges());
    return context;
  }

  draw() {
    if (!this.data) {
      return;
    }
    const started = performance.now();
    const context = this.layout();
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawAxes(context);
    context.save();
    context.beginPath();
    context.rect(this.frame.left, this.frame.top, this.frame.width, this.frame.height);
    context.clip();
    this.drawBackground(context);
    this.drawDots(context);
    this.drawNames(context);
    this.drawMarks(context);
    context.restore();
    Object.assign(hook, {draws: hook.draws + 1, drawMs: performance.now() - started});
  }

  drawAxes(context) {
    /* Grid lines and tick labels on both axes, then the axis titles. */
    const f = this.frame;
    context.font = `${this.fontSize}px ${this.font}`;
    context.fillStyle = INK;
    context.strokeStyle = GRID;
    context.lineWidth = 1;
    context.textAlign = 'center';
    context.textBaseline = 'top';
    let clear = -Infinity;  // where the last x label ends: a label that would overlap it goes
    for (const tick of axisTicks(this.data.ticks[0], f.x0, f.x1, f.width)) {
      const x = Math.round(f.px(tick.at)) + 0.5;
      const half = context.measureText(tick.text).width / 2;
      if (x - half < clear + 8) {
        continue;
      }
      clear = x + half;
      context.beginPath();
      context.moveTo(x, f.top);
      context.lineTo(x, f.top + f.height);
      context.stroke();
      context.fillText(tick.text, x, f.top + f.height + 6);
    }
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    for (const tick of axisTicks(this.data.ticks[1], f.y0, f.y1, f.height)) {
      const y = Math.round(f.py(tick.at)) + 0.5;
      context.beginPath();
      context.moveTo(f.left, y);
      context.lineTo(f.left + f.width, y);
      context.stroke();
      context.fillText(tick.text, f.left - 6, y);
    }
    this.drawTitles(context);
  }

  drawTitles(context) {
    /* z1 under the x axis, z2 beside the y axis (PC1, PC2 in the PCA view), a size up. */
    const f = this.frame;
    const [x, y] = this.data.axisNames;
    context.font = `${this.fontSize + 3}px ${this.font}`;
    context.textAlign = 'center';
    context.textBaseline = 'bottom';
    context.fillText(x, f.left + f.width / 2, this.height - 4);
    context.save();
    context.translate(this.fontSize, f.top + f.height / 2);
    context.rotate(-Math.PI / 2);
    context.textBaseline = 'middle';
    context.fillText(y, 0, 0);
    context.restore();
  }

  drawBackground(context) {
    /* The decoded digits behind the dots, stretched over their extent, faint. */
    if (!this.background?.complete || !this.background.naturalWidth) {
      return;
    }
    const [x0, x1, y0, y1] = this.data.background.extent;
    const f = this.frame;
    context.save();
    context.globalAlpha = this.data.background.opacity;
    const [left, top] = [f.px(x0), f.py(y1)];
    context.drawImage(this.background, left, top, f.px(x1) - left, f.py(y0) - top);
    context.restore();
  }

  drawDots(context) {
    /* A class's dots as a few paths of CHUNK dots: a fill and an outline each, so a dense cloud
     * shows its colour with the newest outlines on top (one path per class outlined every dot
     * over every fill: dense clouds turned black), in a few ms for 4,000 dots. */
    const {labels, classes, marker} = this.data;
    const chunks = new Map(classes.map((c) => [c.label, [new Path2D()]]));
    const counts = new Map();
    const symbols = new Map(classes.map((c) => [c.label, c.symbol]));
    this.screen = new Float32Array(this.drawnAt.length);
    for (let i = 0; i < labels.length; i += 1) {
      const x = this.frame.px(this.drawnAt[2 * i]);
      const y = this.frame.py(this.drawnAt[2 * i + 1]);
      this.screen[2 * i] = x;
      this.screen[2 * i + 1] = y;
      const label = labels[i];
      if (!this.hidden.has(label)) {
        const paths = chunks.get(label);
        const count = (counts.get(label) ?? 0) + 1;
        counts.set(label, count);
        if (count % CHUNK === 0) {
          paths.push(new Path2D());
        }
        addShape(paths.at(-1), symbols.get(label), x, y, marker.size);
      }
    }
    for (const c of classes) {
      const style = {...marker, color: c.color};
      chunks.get(c.label).forEach((path) => paintMarkers(context, path, style));
    }
  }

  drawNames(context) {
    /* Each class's name on its densest spots, dark on a white halo. */
    const {names, nameFont, widths} = this.data;
    context.font = `${nameFont.weight} ${nameFont.size}px ${this.font}`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.lineJoin = 'round';
    context.lineWidth = 4;
    context.strokeStyle = 'rgba(255, 255, 255, 0.9)';
    context.fillStyle = nameFont.color;
    for (const {label, name, at} of names) {
      if (!this.hidden.has(label)) {
        const x = this.frame.px(toDisplay(at[0], widths[0]));
        const y = this.frame.py(toDisplay(at[1], widths[1]));
        context.strokeText(name, x, y);
        context.fillText(name, x, y);
      }
    }
  }

  drawMarks(context) {
    /* The probe's x, then the user's star on top of everything (as the Plotly map). */
    const {probe, user, probeMarker, userMarker, widths} = this.data;
    for (const [code, marker] of [[probe, probeMarker], [user, userMarker]]) {
      if (code) {
        const path = new Path2D();
        addShape(path, marker.symbol, this.frame.px(toDisplay(code[0], widths[0])),
          this.frame.py(toDisplay(code[1], widths[1])), marker.size);
        paintMarkers(context, path, marker);
      }
    }
  }

  dotNear(px, py) {
    /* The index of the shown dot nearest a canvas pixel, within HOVER_PX, or -1. */
    let best = -1;
    let bestDistance = HOVER_PX * HOVER_PX;
    const {labels} = this.data;
    for (let i = 0; i < labels.length; i += 1) {
      const dx = this.screen[2 * i] - px;
      const dy = this.screen[2 * i + 1] - py;
      const distance = dx * dx + dy * dy;
      if (distance <= bestDistance && !this.hidden.has(labels[i])) {
        best = i;
        bestDistance = distance;
      }
    }
    return best;
  }

  codeAt(px, py) {
    /* The code values under a canvas pixel (inside the axes), or null. */
    const drawn = this.frame.at(px, py);
    return drawn && drawn.map((d, i) => fromDisplay(d, this.data.widths[i]));
  }

  local(event) {
    const box = this.canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  showTip(dot, px, py) {
    /* "class 7 · z1=1.23, z2=-0.45" beside the dot under the pointer, as text. */
    if (dot < 0) {
      this.tip.hidden = true;
      return;
    }
    const name = this.data.classes.find((c) => c.label === this.data.labels[dot])?.name;
    const [x, y] = this.data.axisNames;
    const [zx, zy] = [this.codes[2 * dot], this.codes[2 * dot + 1]];
    this.tip.textContent = `class ${name} · ${x}=${zx.toFixed(2)}, ${y}=${zy.toFixed(2)}`;
    this.tip.hidden = false;
    const right = px > this.frame.left + this.frame.width * 0.6;
    this.tip.style.left = right ? '' : `${px + 14}px`;
    this.tip.style.right = right ? `${this.box.clientWidth - px + 14}px` : '';
    this.tip.style.top = `${Math.max(0, py - 40)}px`;
  }

  announce(code, at) {
    /* The code under the pointer, for the live decoder (null: off the axes). */
    document.dispatchEvent(new CustomEvent('latent-point', {detail: {code, at}}));
  }

  onMove(event) {
    if (!this.frame) {
      return;  // not drawn yet
    }
    const [px, py] = this.local(event);
    if (this.press?.mouse) {
      this.pan(px, py);
    }
    this.showTip(event.pointerType === 'touch' ? -1 : this.dotNear(px, py), px, py);
    this.announce(this.codeAt(px, py), event.timeStamp);
  }

  pan(px, py) {
    const {x, y, ranges} = this.press;
    this.press.moved = Math.max(this.press.moved, Math.hypot(px - x, py - y));
    const dx = ((px - x) / this.frame.width) * (ranges[1] - ranges[0]);
    const dy = ((py - y) / this.frame.height) * (ranges[3] - ranges[2]);
    this.view = [ranges[0] - dx, ranges[1] - dx, ranges[2] + dy, ranges[3] + dy];
    this.redrawSoon();
  }

  onDown(event) {
    if (!this.frame) {
      return;  // not drawn yet
    }
    const [x, y] = this.local(event);
    const mouse = event.pointerType === 'mouse' && event.button === 0;
    this.press = {x, y, mouse, moved: 0, ranges: this.ranges()};
    if (mouse) {
      this.canvas.setPointerCapture(event.pointerId);
    }
  }

  onUp(event) {
    if (this.press && !this.press.mouse) {
      const [px, py] = this.local(event);
      this.press.moved = Math.hypot(px - this.press.x, py - this.press.y);
    }
    this.released = this.press;
    this.press = null;
  }

  onClick(event) {
    /* A click, not a drag, pins: the dot under the pointer exactly, else the point there. */
    const press = this.released;
    this.released = null;
    if (!press || !this.frame || press.moved >= CLICK_PX || event.detail > 1) {
      return;
    }
    const [px, py] = this.local(event);
    const dot = this.dotNear(px, py);
    const code = dot >= 0 ? [this.codes[2 * dot], this.codes[2 * dot + 1]] : this.codeAt(px, py);
    if (code) {
      this.setTriggerValue('pin', code);
    }
  }

  onWheel(event) {
    if (!this.frame) {
      return;  // not drawn yet
    }
    const [px, py] = this.local(event);
    const centre = this.frame.at(px, py);
    if (centre) {
      event.preventDefault();
      this.zoomBy(Math.exp(event.deltaY * WHEEL_RATE), centre);
    }
  }

  zoomBy(factor, centre) {
    const [x0, x1, y0, y1] = this.ranges();
    this.view = zoomed(this.ranges(), centre ?? [(x0 + x1) / 2, (y0 + y1) / 2], factor);
    this.redrawSoon();
  }

  onZoomButton(event) {
    const action = event.target.closest('[data-zoom]')?.dataset.zoom;
    if (action === 'reset') {
      this.resetZoom();
    } else if (action) {
      this.zoomBy(action === 'in' ? 1 / ZOOM_STEP : ZOOM_STEP);
    }
  }

  resetZoom() {
    this.view = null;
    this.redrawSoon();
  }

  onLegend(event) {
    const button = event.target.closest('button[data-label]');
    if (button) {
      const label = Number(button.dataset.label);
      this.hidden.has(label) ? this.hidden.delete(label) : this.hidden.add(label);
      button.setAttribute('aria-pressed', String(!this.hidden.has(label)));
      this.draw();
    }
  }

  redrawSoon() {
    if (!this.frameRequested) {
      this.frameRequested = true;
      requestAnimationFrame(() => {
        this.frameRequested = false;
        this.draw();
      });
    }
  }

  listen() {
    const on = (target, type, handler, options = {passive: true}) => {
      target.addEventListener(type, handler, options);
      this.listeners.push(() => target.removeEventListener(type, handler, options));
    };
    on(this.canvas, 'pointermove', (event) => this.onMove(event));
    on(this.canvas, 'pointerdown', (event) => this.onDown(event));
    on(this.canvas, 'pointerup', (event) => this.onUp(event));
    on(this.canvas, 'pointercancel', () => { this.press = null; });
    on(this.canvas, 'pointerleave', (event) => {
      this.tip.hidden = true;
      this.announce(null, event.timeStamp);
    });
    on(this.canvas, 'click', (event) => this.onClick(event));
    on(this.canvas, 'dblclick', () => this.resetZoom());
    on(this.canvas, 'wheel', (event) => this.onWheel(event), {passive: false});
    on(this.root.querySelector('.plane-zoom'), 'click', (event) => this.onZoomButton(event));
    on(this.legend, 'click', (event) => this.onLegend(event));
    this.resizer.observe(this.box);
    Object.assign(hook, {
      ranges: () => [...this.ranges()],
      axes: () => {
        const box = this.canvas.getBoundingClientRect();
        const {left, top, width, height} = this.frame;
        return {x: box.left + left, y: box.top + top, width, height};
      },
      dot: (i) => {
        const box = this.canvas.getBoundingClientRect();
        return this.screen && [box.left + this.screen[2 * i], box.top + this.screen[2 * i + 1]];
      },
    });
  }

  stop() {
    this.resizer.disconnect();
    this.listeners.forEach((remove) => remove());
  }
}

/** Mount (or update) the plane in `parentElement`; returns the cleanup for an unmount. */
export function mount({data, parentElement, setTriggerValue}) {
  return mountLive(parentElement, () => {
    const plane = new Plane(parentElement, setTriggerValue);
    plane.listen();
    return plane;
  }, data);
}
