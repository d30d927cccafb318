/**
 * A model's code as a heat map, pixel for pixel the picture `ui.images.code_image` makes: values
 * stretched min-to-max through the inferno table; a flat code as a near-square grid of cells,
 * a conv code (H, W, C) as its C feature maps in a grid with thin white gaps. The Draw page
 * paints it from the browser's own code while the pen moves.
 */
import {roundHalfEven} from './preprocess.js';

/** The table's colour index (times 3) for `scaled` in [0, 1], as ui.images.colorize. */
export function lutIndex(scaled, lut) {
  return 3 * roundHalfEven(Math.min(1, Math.max(0, scaled)) * (lut.length / 3 - 1));
}

/** A near-square (rows, cols) holding n cells exactly, as ui.images.code_grid_shape. */
function gridShape(n) {
  let rows = 1;
  for (let d = 1; d * d <= n; d += 1) {
    if (n % d === 0) {
      rows = d;
    }
  }
  return [rows, n / rows];
}

/** Where each cell of each map goes: {width, height, cell, gap, maps: [[top, left, h, w]]}. */
function layout(shape, size) {
  if (shape.length !== 3) {
    const [rows, cols] = gridShape(shape.reduce((a, b) => a * b, 1));
    const cell = Math.max(1, Math.floor(size / Math.max(rows, cols)));
    return {width: cols * cell, height: rows * cell, cell, maps: [[0, 0, rows, cols]]};
  }
  const [height, width, channels] = shape;
  const [rows, cols] = gridShape(channels);
  const cell = Math.max(1, Math.floor(size / (Math.max(rows * height, cols * width)
                                              + Math.max(rows, cols))));
  const gap = Math.max(1, Math.floor((cell + 1) / 2));
  const maps = [];
  for (let index = 0; index < channels; index += 1) {
    const r = Math.floor(index / cols);
    const c = index % cols;
    maps.push([r * (height * cell + gap), c * (width * cell + gap), height, width]);
  }
  return {width: cols * width * cell + (cols - 1) * gap,
    height: rows * height * cell + (rows - 1) * gap, cell, maps};
}

/**
 * The heat map's RGBA pixels for `code` (flat, channel-last for a conv code) of `shape`, about
 * `size` pixels wide: {width, height, pixels}.
 */
export function codeHeatmap(code, shape, size, lut) {
  const low = Math.min(...code);
  const high = Math.max(...code);
  const place = layout(shape, size);
  const pixels = new Uint8ClampedArray(place.width * place.height * 4).fill(255);
  const channels = shape.length === 3 ? shape[2] : 1;
  for (const [m, [top, left, rows, cols]] of place.maps.entries()) {
    for (let i = 0; i < rows * cols; i += 1) {
      const value = code[i * channels + m];  // a conv code is stored channel-last
      const at = lutIndex(high > low ? (value - low) / (high - low) : 0.5, lut);
      const y0 = top + Math.floor(i / cols) * place.cell;
      const x0 = left + (i % cols) * place.cell;
      for (let y = y0; y < y0 + place.cell; y += 1) {
        // Byte by byte, alpha already 255: an array per pixel cost 5 ms of each pen move.
        for (let o = 4 * (y * place.width + x0); o < 4 * (y * place.width + x0 + place.cell);
          o += 4) {
          pixels[o] = lut[at];
          pixels[o + 1] = lut[at + 1];
          pixels[o + 2] = lut[at + 2];
        }
      }
    }
  }
  return {width: place.width, height: place.height, pixels};
}

/** Paint `codeHeatmap` into `canvas` (sized to it; CSS scales it without blur). */
export function paintCodeHeatmap(canvas, code, shape, size, lut) {
  const {width, height, pixels} = codeHeatmap(code, shape, size, lut);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  canvas.getContext('2d').putImageData(new ImageData(pixels, width, height), 0, 0);
}
