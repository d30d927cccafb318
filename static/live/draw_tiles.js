/**
 * The Draw page's live tiles: built once per choice of models and layout, then repainted in
 * place on every pass (pictures, MSE, PSNR, SSIM and the code's heat map), so nothing flickers
 * when the server's rerun comes.
 *
 * Two layouts, as app_pages/draw.py lays out the server's pictures: `full` (a row per model:
 * reconstruction, error map, MSE / PSNR / SSIM, code) and `presenter` (a tile per model with
 * "PSNR · SSIM" under it, four to a row).
 */
import {lutIndex, paintCodeHeatmap} from './code_heatmap.js';
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
    const picture = element('canvas', 'code-picture');
    picture.setAttribute('role', 'img');
    picture.setAttribute('aria-label', `The code's ${model.codeSize} numbers as coloured cells`);
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
  for (let p = 0; p < SIDE * SIDE; p += 1) {
    const index = lutIndex(Math.abs(clean[p] - rebuilt[p]), lut);
    image.data.set([lut[index], lut[index + 1], lut[index + 2], 255], 4 * p);
  }
  context.putImageData(image, 0, 0);
}

function codeText(code) {
  return 'Code: ' + Array.from(code, (v, i) => `z${i + 1} = ${v >= 0 ? '+' : ''}${v.toFixed(2)}`)
    .join(', ');
}

/** Repaint every model's pictures and numbers from a pass (outputs null: nothing drawn). */
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
    const {mse, psnr, ssim} = outputs.metrics[i];
    paintStrip(box.querySelector('canvas.recon'), outputs.images[i], 1);
    const error = box.querySelector('canvas.error');
    if (!error) {  // presenter: one line under the tile
      box.querySelector('.caption').textContent =
        `PSNR ${psnr.toFixed(1)} dB · SSIM ${ssim.toFixed(2)}`;
      continue;
    }
    paintError(error, input, outputs.images[i], data.lut);
    box.querySelector('.metric-mse .metric-value').textContent = mse.toFixed(4);
    box.querySelector('.metric-psnr .metric-value').textContent = `${psnr.toFixed(1)} dB`;
    box.querySelector('.metric-ssim .metric-value').textContent = ssim.toFixed(3);
    const picture = box.querySelector('.code-picture');
    if (picture) {
      paintCodeHeatmap(picture, outputs.codes[i], model.codeShape, data.codePx, data.lut);
    }
    const text = box.querySelector('.code-text');
    if (text) {
      text.textContent = codeText(outputs.codes[i]);
    }
  }
}
