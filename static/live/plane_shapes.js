/**
 * The marker shapes of the 2-D latent map, as Plotly names them (ui/figures.py CLASS_SYMBOLS,
 * the probe's "x", the user's "star"), added to a Path2D around (x, y) for a marker `size`
 * pixels across, so a whole class is one path: one fill and one stroke for 400 dots.
 *
 * Used by static/live/latent_plane.js for the map and its legend.
 */

const ROOT3 = Math.sqrt(3);

function polygon(path, x, y, corners) {
  /* A closed polygon of [dx, dy] corners around (x, y). */
  corners.forEach(([dx, dy], i) => (i ? path.lineTo(x + dx, y + dy) : path.moveTo(x + dx, y + dy)));
  path.closePath();
}

function star(points, outer, inner) {
  /* The corners of a star of `points` tips, the first pointing up. */
  const corners = [];
  for (let i = 0; i < 2 * points; i += 1) {
    const angle = (Math.PI * i) / points - Math.PI / 2;
    const radius = i % 2 ? inner : outer;
    corners.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
  }
  return corners;
}

function regular(sides, radius) {
  /* A regular polygon's corners, the first pointing up. */
  return Array.from({length: sides}, (_, i) => {
    const angle = (2 * Math.PI * i) / sides - Math.PI / 2;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
}

function cross(r, arm) {
  /* A plus sign of half-width `arm` reaching `r`. */
  return [[-arm, -r], [arm, -r], [arm, -arm], [r, -arm], [r, arm], [arm, arm], [arm, r],
    [-arm, r], [-arm, arm], [-r, arm], [-r, -arm], [-arm, -arm]];
}

function rotated(corners, angle) {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  return corners.map(([dx, dy]) => [c * dx - s * dy, s * dx + c * dy]);
}

// Sizes as Plotly draws them (plotly.js src/components/drawing/symbol_defs.js), r = size / 2.
const SHAPES = {
  circle: (path, x, y, r) => {
    path.moveTo(x + r, y);
    path.arc(x, y, r, 0, 2 * Math.PI);
  },
  square: (path, x, y, r) => path.rect(x - r, y - r, 2 * r, 2 * r),
  diamond: (path, x, y, r) => polygon(path, x, y, [[0, -1.3 * r], [1.3 * r, 0], [0, 1.3 * r],
    [-1.3 * r, 0]]),
  'triangle-up': (path, x, y, r) => polygon(path, x, y, [[0, -r], [2 * r / ROOT3, r / 2],
    [-2 * r / ROOT3, r / 2]]),
  'triangle-down': (path, x, y, r) => polygon(path, x, y, [[0, r], [2 * r / ROOT3, -r / 2],
    [-2 * r / ROOT3, -r / 2]]),
  pentagon: (path, x, y, r) => polygon(path, x, y, regular(5, r * 1.05)),
  hexagram: (path, x, y, r) => polygon(path, x, y, star(6, r * 1.1, r * 0.64)),
  cross: (path, x, y, r) => polygon(path, x, y, cross(1.2 * r, 0.4 * r)),
  hourglass: (path, x, y, r) => polygon(path, x, y, [[-r, -r], [r, -r], [-r, r], [r, r]]),
  'star-diamond': (path, x, y, r) => {
    const [tip, waist] = [1.05 * r, 0.35 * r];
    path.moveTo(x - tip, y);
    path.quadraticCurveTo(x - waist, y - waist, x, y - tip);
    path.quadraticCurveTo(x + waist, y - waist, x + tip, y);
    path.quadraticCurveTo(x + waist, y + waist, x, y + tip);
    path.quadraticCurveTo(x - waist, y + waist, x - tip, y);
    path.closePath();
  },
  star: (path, x, y, r) => polygon(path, x, y, star(5, r * 1.2, r * 0.48)),
  x: (path, x, y, r) => polygon(path, x, y, rotated(cross(1.2 * r, 0.4 * r), Math.PI / 4)),
};

/** Add a `symbol` marker `size` px across at (x, y) to `path` (a circle for an unknown name). */
export function addShape(path, symbol, x, y, size) {
  (SHAPES[symbol] ?? SHAPES.circle)(path, x, y, size / 2);
}

/** Fill and outline `path` in a marker's style ({color, opacity, line: {width, color}}). */
export function paintMarkers(context, path, marker) {
  context.save();
  context.globalAlpha = marker.opacity ?? 1;
  context.fillStyle = marker.color;
  context.fill(path);
  if (marker.line?.width) {
    context.lineWidth = marker.line.width;
    context.strokeStyle = marker.line.color;
    context.lineJoin = 'round';
    context.stroke(path);
  }
  context.restore();
}
