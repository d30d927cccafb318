/**
 * The Draw page's live tiles: built once per choice of models and layout, then repainted in
 * place on every pass, so nothing flickers when the server's numbers arrive.
 *
 * Two layouts, as app_pages/draw.py lays out the server's pictures: `full` (a row per model:
 * reconstruction, error map, MSE / PSNR / SSIM, code) and `presenter` (a tile per model with
 * "PSNR · SSIM" under it, four to a row).
 */
import {paintStrip} from './page_tools.js';

const SIDE = 28;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function figure(canvasClass, caption, label, presenterTitle) {
  /* A pixelated 28x28 canvas with its caption (and, in presenter mode, a title above). */
  const box = element('figure', `tile ${canvasClass}`);
  if (presenterTitle) {
    box.append(element('div', 'tile-title', presenterTitle));
  }
  const canvas = element('canvas', canvasClass);
  canvas.width = SIDE;
  canvas.height = SIDE;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  box.append(canvas, element('figcaption', 'caption', caption));
  return box;
}

/**
 * The tiles of a part, made by `make` only when `built` (what they depend on) has changed:
 * a rerun with the same models and layout leaves the painted tiles in place.
 */
function rebuild(root, built, make) {
  const tiles = root.querySelector('.live-tiles');
  if (tiles.dataset.built !== built) {
    tiles.dataset.built = built;
    make(tiles);
  }
}

/** The input and its corrupted copy, side by side. */
export function renderInputs(root, data) {
  rebuild(root, `${data.layout}|${data.inputCaption}`, (tiles) => inputTiles(tiles, data));
}

function inputTiles(tiles, data) {
  const presenter = data.layout === 'presenter';
  tiles.replaceChildren(
    figure('tile-input', data.inputCaption, 'The 28x28 input the models see',
           presenter ? 'Input' : null),
    figure('tile-corrupted', presenter ? 'What they are given' : 'Corrupted input',
           'The corrupted input the models are given', presenter ? 'Corrupted' : null));
}

function metric(name) {
  const box = element('div', `metric metric-${name.toLowerCase()}`);
  box.append(element('div', 'metric-label', name), element('div', 'metric-value', '…'));
  return box;
}

function modelRow(model) {
  /* Full layout: title, then reconstruction | error map | scores | code. */
  const row = element('section', 'model-row');
  row.dataset.model = model.key;
  const grid = element('div', 'row-grid');
  const scores = element('div', 'scores');
  scores.append(metric('MSE'), metric('PSNR'), metric('SSIM'));
  const code = element('div', 'code');
  if (model.codeSize > 3) {
    const picture = element('img', 'code-picture');
    picture.alt = `The code's ${model.codeSize} numbers as coloured cells`;
    code.append(picture, element('div', 'caption', model.codeCaption));
  } else {
    code.append(element('p', 'code-text'));
  }
  grid.append(
    figure('recon', 'Reconstruction', `${model.title}: its reconstruction`),
    figure('error', 'Error map', `${model.title}: where it differs from the input`),
    scores, code);
  row.append(element('h3', 'model-title', `${model.title}  ·  code ${model.codeLabel}`), grid);
  return row;
}

function modelTile(model) {
  /* Presenter layout: the title, the reconstruction and one line of scores. */
  const tile = figure('recon', '', `${model.title}: its reconstruction`, model.title);
  tile.dataset.model = model.key;
  return tile;
}

/** A row (full) or tile (presenter) per model, rebuilt only when the choice or layout changes. */
export function renderModels(root, data) {
  rebuild(root, `${data.layout}|${data.signature}`, (tiles) => {
    tiles.className = `live-tiles ${data.layout}`;
    tiles.replaceChildren(...data.models.map(data.layout === 'presenter' ? modelTile : modelRow));
  });
}

function paintError(canvas, clean, rebuilt, lut) {
  /* |clean - rebuilt| through the inferno table, as ui.images.error_heatmap (vmax 1). */
  canvas.width = SIDE;
  canvas.height = SIDE;
  const context = canvas.getContext('2d');
  const image = context.createImageData(SIDE, SIDE);
  const top = lut.length / 3 - 1;
  for (let p = 0; p < SIDE * SIDE; p += 1) {
    const scaled = Math.min(1, Math.max(0, Math.abs(clean[p] - rebuilt[p])));
    const index = 3 * Math.round(scaled * top);
    image.data.set([lut[index], lut[index + 1], lut[index + 2], 255], 4 * p);
  }
  context.putImageData(image, 0, 0);
}

function codeText(code) {
  return 'Code: ' + Array.from(code, (v, i) => `z${i + 1} = ${v >= 0 ? '+' : ''}${v.toFixed(2)}`)
    .join(', ');
}

/** Repaint every model's pictures and live numbers from a pass (outputs null: nothing drawn). */
export function paintOutputs(root, data, outputs, input) {
  root.classList.toggle('empty', outputs === null);
  if (outputs === null) {
    return;
  }
  for (const [i, model] of data.models.entries()) {
    const box = root.querySelector(`[data-model="${model.key}"]`);
    if (!box) {
      continue;
    }
    const {mse, psnr} = outputs.metrics[i];
    paintStrip(box.querySelector('canvas.recon'), outputs.images[i], 1);
    box.dataset.psnr = psnr.toFixed(1);
    const error = box.querySelector('canvas.error');
    if (error) {
      paintError(error, input, outputs.images[i], data.lut);
      box.querySelector('.metric-mse .metric-value').textContent = mse.toFixed(4);
      box.querySelector('.metric-psnr .metric-value').textContent = `${psnr.toFixed(1)} dB`;
    }
    const text = box.querySelector('.code-text');
    if (text) {
      text.textContent = codeText(outputs.codes[i]);
    }
  }
}

/**
 * The server's numbers for its own input: SSIM and the code heat map. While the pictures come
 * from the pen (`confirmed` false) they are of the previous drawing: SSIM shows "…" and the
 * heat map is dimmed until the server's rerun brings this drawing's.
 */
export function showSsim(root, data, confirmed) {
  for (const model of data.models) {
    const box = root.querySelector(`[data-model="${model.key}"]`);
    if (!box) {
      continue;
    }
    const known = confirmed && Number.isFinite(model.ssim);
    const picture = box.querySelector('.code-picture');
    if (picture) {
      if (model.codePng && picture.getAttribute('src') !== model.codePng) {
        picture.src = model.codePng;
      }
      picture.classList.toggle('stale', !confirmed);
    }
    const ssim = box.querySelector('.metric-ssim .metric-value');
    if (ssim) {
      ssim.textContent = known ? model.ssim.toFixed(3) : '…';
    } else {
      box.querySelector('.caption').textContent =
        `PSNR ${box.dataset.psnr ?? '…'} dB · SSIM ${known ? model.ssim.toFixed(2) : '…'}`;
    }
  }
}
