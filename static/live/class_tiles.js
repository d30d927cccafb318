/**
 * The teacher's wall of drawings (ui/class_tiles.py): the summary line and a tile per drawing,
 * each its picture (drawing, reconstruction, maybe the error map), its label and two buttons.
 *
 * The wall's fragment mounts this every second with the tiles to show. A tile is made once per
 * drawing and kept (by `key`), and nothing is touched when the data did not change: a refresh
 * with one new drawing adds one tile and moves the rest. Labels carry pupils' nicknames: they
 * go in as text, never as markup. *Use* and *Remove* are the `action` state, handled by Python.
 */

const memos = new WeakMap();  // the component's root -> what it shows, kept across mounts

function memoOf(root) {
  if (!memos.has(root)) {
    memos.set(root, {shown: null, tiles: new Map(), clicks: 0});
  }
  return memos.get(root);
}

/** A `tag` of `className` showing `text` as text. */
function element(tag, className, text) {
  return Object.assign(document.createElement(tag), {className, textContent: text});
}

function button(action, tile, text, title) {
  const element = Object.assign(document.createElement('button'),
    {type: 'button', textContent: text, title});
  element.dataset.do = action;
  element.dataset.id = String(tile.id);
  element.setAttribute('aria-label', `${text} drawing #${tile.id}`);
  return element;
}

function makeTile(tile) {
  const figure = document.createElement('figure');
  const picture = Object.assign(document.createElement('img'), {
    src: `data:image/png;base64,${tile.png}`, alt: `Drawing #${tile.id} and its reconstruction`});
  const label = element('figcaption', 'ae-tile', tile.label);
  const acts = Object.assign(document.createElement('div'), {className: 'acts'});
  acts.append(
    button('use', tile, 'Use',
      'Make this drawing the input of the Draw, Denoising and latent pages.'),
    button('remove', tile, 'Remove',
      "Take this drawing off the wall (the pupil's other drawings stay)."));
  figure.append(picture, label, acts);
  return figure;
}

function render(root, data, memo) {
  root.querySelector('.summary').innerHTML = data.summary;  // the page's markup: numbers only
  const sections = root.querySelector('.sections');
  const kept = new Map();
  const parts = [];
  if (data.empty) {
    parts.push(element('div', 'empty', data.empty));
  }
  for (const section of data.sections) {
    if (section.title !== null) {
      parts.push(element('p', 'ae-group', section.title));
    }
    const grid = Object.assign(document.createElement('div'), {className: 'grid'});
    grid.style.setProperty('--columns', data.columns);  // the CSS keeps a phone's own
    for (const tile of section.tiles) {
      const figure = memo.tiles.get(tile.key) ?? makeTile(tile);
      kept.set(tile.key, figure);
      grid.append(figure);
    }
    parts.push(grid);
  }
  if (data.more) {
    parts.push(element('p', 'more', data.more));
  }
  sections.replaceChildren(...parts);
  memo.tiles = kept;
}

export function mount({data, parentElement, setStateValue}) {
  const root = parentElement.querySelector('.class-tiles');
  const memo = memoOf(root);
  root.dataset.live = 'ready';
  root.querySelectorAll('button:disabled').forEach((b) => { b.disabled = false; });
  root.onclick = (event) => {
    const clicked = event.target.closest('button[data-do]');
    if (!clicked) return;
    clicked.disabled = true;  // until the wall's next run (a second at most)
    memo.clicks += 1;
    setStateValue('action', {do: clicked.dataset.do, id: Number(clicked.dataset.id),
      n: `${Date.now()}.${memo.clicks}`});
  };
  const shown = JSON.stringify(data);
  if (shown !== memo.shown) {
    memo.shown = shown;
    render(root, data, memo);
  }
  return () => { root.onclick = null; };
}
