/**
 * A pupil's *Send to the class* and *Take back*, answered by the class server's HTTP endpoints
 * (classroom/http_api.py) without a rerun of the page's script.
 *
 * The server hands this component the drawing it last computed (`image`, base64 of 784
 * float32): that is what is sent, so the wall shows exactly the server's input. The pupil's own
 * drawings are kept here for the page's life (the server's list, from an earlier page, is
 * merged in): the newest few with a *Take back* button each.
 */
import {floats} from './page_tools.js';

const SHOWN = 4;
const SEND_URL = 'api/class/send';
const WITHDRAW_URL = 'api/class/withdraw';
const OFFLINE = 'Not sent: the class server cannot be reached. Try again in a moment.';
const NO_SENDING = 'Not sent: this app was started without class sending. Tell your teacher '
  + '(it is started with streamlit run lab.py).';

// One record per seat, kept across the component's updates (each script run mounts it again).
const seats = new Map();

function seatOf(data) {
  const id = `${data.code}:${data.pupil}`;
  if (!seats.has(id)) {
    seats.set(id, {mine: [], gone: new Set(), busy: false, message: null});
  }
  return seats.get(id);
}

/** POST `body` as JSON; resolves to {ok, answer} (the server's JSON, or an error sentence). */
async function post(url, body) {
  try {
    const response = await fetch(new URL(url, document.baseURI), {
      method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body), credentials: 'same-origin'});
    if (response.status === 404 || response.status === 405) {
      // No such route: `streamlit run app.py` (its page routes answer GET only).
      return {ok: false, answer: {error: NO_SENDING}};
    }
    const answer = await response.json().catch(() => ({error: OFFLINE}));
    return {ok: response.ok, answer};
  } catch {
    return {ok: false, answer: {error: OFFLINE}};
  }
}

/** 784 pixels in [0, 1] (a Float32Array or a base64 of 784 bytes) into a 28x28 canvas. */
function paint(canvas, pixels) {
  const context = canvas.getContext('2d');
  const picture = context.createImageData(28, 28);
  for (let i = 0; i < 784; i += 1) {
    const grey = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    picture.data.set([grey, grey, grey, 255], 4 * i);
  }
  context.putImageData(picture, 0, 0);
}

function fromBytes(base64) {
  return Array.from(atob(base64), (c) => c.charCodeAt(0) / 255);
}

/** The pupil's drawings on the wall, newest first: sent from this page, then earlier ones. */
function drawings(data, seat) {
  const earlier = (data.sent ?? []).map((d) => ({id: d.id, pixels: fromBytes(d.pixels)}));
  const all = [...seat.mine, ...earlier].filter((d) => !seat.gone.has(d.id));
  return all.filter((d, i) => all.findIndex((e) => e.id === d.id) === i);
}

class SendPanel {
  constructor(root, data) {
    this.root = root;
    this.data = data;
    this.seat = seatOf(data);
    this.button = root.querySelector('.send');
    this.hint = root.querySelector('.hint');
    this.status = root.querySelector('.status');
    this.list = root.querySelector('.mine');
    this.onSend = () => this.send();
    this.button.addEventListener('click', this.onSend);
    root.dataset.live = 'ready';
    this.render();
  }

  detach() {
    this.button.removeEventListener('click', this.onSend);
  }

  async send() {
    const {data, seat} = this;
    if (seat.busy || !data.image) return;
    seat.busy = true;
    this.render();
    const {ok, answer} = await post(SEND_URL, {
      code: data.code, pupil: data.pupil, image: data.image, digit: data.digit});
    seat.busy = false;
    if (ok && Number.isInteger(answer.id)) {
      seat.mine.unshift({id: answer.id, pixels: floats(data.image)});
      seat.message = {kind: 'sent', text: `Sent: drawing #${answer.id} is on the wall.`};
    } else {
      seat.message = {kind: 'refused', text: answer.error ?? OFFLINE};
    }
    this.current().render();
  }

  /** The panel mounted now (a script run may have mounted a new one while a request was out). */
  current() {
    return panels.get(this.root) ?? this;
  }

  async takeBack(id) {
    const {data, seat} = this;
    const {ok, answer} = await post(WITHDRAW_URL, {code: data.code, pupil: data.pupil, id});
    if (ok || answer.error?.includes('no longer on the wall')) {
      seat.gone.add(id);  // gone from the wall either way (the teacher may have removed it)
      seat.message = {kind: 'sent', text: `Drawing #${id} is off the wall.`};
    } else {
      seat.message = {kind: 'refused', text: answer.error ?? OFFLINE};
    }
    this.current().render();
  }

  render() {
    const {data, seat} = this;
    this.button.disabled = seat.busy || !data.image || data.blocked !== null;
    this.hint.textContent = data.blocked ?? '';
    this.status.textContent = seat.message?.text ?? '';
    this.status.dataset.kind = seat.message?.kind ?? '';
    this.renderList(drawings(data, seat));
  }

  renderList(all) {
    this.list.replaceChildren();
    if (!all.length) return;
    const title = document.createElement('p');
    title.className = 'mine-title';
    title.textContent = `Your drawings on the wall (${all.length})`;
    const row = document.createElement('div');
    row.className = 'mine-row';
    for (const drawing of all.slice(0, SHOWN)) {
      row.append(this.tile(drawing));
    }
    this.list.append(title, row);
    if (all.length > SHOWN) {
      const more = document.createElement('p');
      more.className = 'mine-more';
      more.textContent = `and ${all.length - SHOWN} earlier ones (your teacher can remove those).`;
      this.list.append(more);
    }
  }

  tile(drawing) {
    const figure = document.createElement('figure');
    const canvas = Object.assign(document.createElement('canvas'), {width: 28, height: 28});
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Your drawing #${drawing.id}`);
    paint(canvas, drawing.pixels);
    const back = Object.assign(document.createElement('button'), {
      type: 'button', className: 'back', textContent: 'Take back'});
    back.setAttribute('aria-label', `Take back drawing #${drawing.id}`);
    back.title = `Remove drawing #${drawing.id} from the wall.`;
    back.addEventListener('click', () => this.takeBack(drawing.id));
    figure.append(canvas, back);
    return figure;
  }
}

const panels = new WeakMap();

export function mount({data, parentElement}) {
  const root = parentElement.querySelector('.class-send');
  panels.get(root)?.detach();
  const panel = new SendPanel(root, data);
  panels.set(root, panel);
  return () => panel.detach();
}
