"""The models in their browser form, published where the app serves static files.

Derived at run time from the loaded Keras model (`ae_models.browser_export`), never stored in the
repository: the shipped `.keras` files stay the one source of truth, and a session's live model
takes the same path. Each export is written once per process into `static/models/`, in a folder
named by its content hash, so a browser keeps it cached until the weights change. An index
(`static/models/index.json`) maps a shipped model's `.keras` files and the exporter, by checksum,
to its folders: a restarted server hands out an earlier export without loading TensorFlow, so a
fresh page goes live in the time the browser takes. Streamlit serves `static/` at `app/static/` (`server.enableStaticServing`).

The loader every live component shares (`loader_js`) also keeps the page load short: it asks
for TensorFlow.js and every file of the models the component names (`preload_urls`) at once,
beside the page's own module, where they used to follow each other (module, then its imports,
then TensorFlow.js, then each model.json, then its weights, encoder before decoder), and it
sends a state value only when it changes (each one sent is a rerun of the script).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ae_models.artifacts import sha256, weights_dir
from ae_models.registry import LIVE_KEY
from ui.model_cache import get_model, weights_id

STATIC = Path(__file__).resolve().parents[1] / "static"
PUBLISHED = STATIC / "models"  # git-ignored: made at run time
INDEX = PUBLISHED / "index.json"  # source digest -> the two folders: survives a restart
# The code that makes a browser form: a change to either makes every model export again.
EXPORTER_FILES = tuple(Path(__file__).resolve().parents[1] / "ae_models" / name
                 for name in ("browser_export.py", "sub_pixel.py"))
STATIC_URL = "app/static"  # relative to the page, so it works behind a proxy's base path too
LIVE_EXPORT_HOURS = 12  # a session's live model outlives no lesson (as a class room); see below


@dataclass(frozen=True)
class BrowserUrls:
    """Where the page loads a model's halves from, or why it cannot run in the browser."""

    encoder: str | None = None
    decoder: str | None = None
    problem: str | None = None


def browser_urls(key: str) -> BrowserUrls:
    """URLs of the model's browser form; `problem` says why there is none (the page then stays
    on the server path)."""
    source = None if key == LIVE_KEY else _source_digest(key)
    folders = _exported_before(source)
    if folders is None:
        status = get_model(key)
        if status.model is None:
            return BrowserUrls(problem=status.error)
        try:
            folders = _publish(weights_id(key), status.model)
        except Exception as exc:  # an unsupported layer, a read-only folder...: stay on the server
            return BrowserUrls(problem=f"{type(exc).__name__}: {exc}")
        if source is not None:
            _remember(source, folders)
    return BrowserUrls(*(f"{STATIC_URL}/{folder}/model.json" for folder in folders))


def preload_urls(urls: BrowserUrls) -> list[str]:
    """Every file the browser fetches for this model (each half's model.json and weights), for
    the page to request at once."""
    return [url for model_json in (urls.encoder, urls.decoder) if model_json
            for url in _model_files(model_json)]


@functools.lru_cache(maxsize=256)
def _model_files(model_json: str) -> tuple[str, ...]:
    """model.json and the weight files it names (a folder's content never changes: its name
    is its hash)."""
    folder = model_json.rsplit("/", 1)[0]
    try:
        manifest = json.loads((STATIC / model_json.removeprefix(f"{STATIC_URL}/")).read_text())
        paths = [path for group in manifest["weightsManifest"] for path in group["paths"]]
    except (OSError, ValueError, KeyError, TypeError):
        return (model_json,)  # TensorFlow.js reports what is wrong when it loads it
    return (model_json, *(f"{folder}/{path}" for path in paths))


def _source_digest(key: str) -> str | None:
    """What a shipped model's browser form is made from: its two .keras files and the exporter
    (their SHA-256 together), or None when a file is missing (the loader then says why)."""
    parts = [weights_dir(key) / "encoder.keras", weights_dir(key) / "decoder.keras", *EXPORTER_FILES]
    try:
        stamps = [(str(path), *_stamp(path.stat())) for path in parts]
    except OSError:
        return None
    return _digest(key, tuple(stamps))


def _stamp(stat) -> tuple[int, int]:
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=256)
def _digest(key: str, stamps: tuple) -> str:
    """Hashed once per file version (the stamps change when a file is rewritten)."""
    digest = hashlib.sha256(key.encode())
    for path, _, _ in stamps:
        digest.update(sha256(Path(path)).encode())
    return digest.hexdigest()


def _exported_before(source: str | None) -> tuple[str, str] | None:
    """Folders this model was exported to by any earlier process, if they are still there: a
    restarted server hands them out at once, without loading TensorFlow."""
    if source is None:
        return None
    folders = _index().get(source)
    if not folders or not all((STATIC / f / "model.json").is_file() for f in folders):
        return None
    return folders[0], folders[1]


def _index() -> dict:
    """The index as it is on disk, read again only when the file changes (every rerun asks)."""
    try:
        stamp = INDEX.stat()
    except OSError:
        return {}
    return _read_index(str(INDEX), stamp.st_mtime_ns, stamp.st_size)


@functools.lru_cache(maxsize=4)
def _read_index(path: str, mtime_ns: int, size: int) -> dict:
    try:
        index = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def _remember(source: str, folders: tuple[str, str]) -> None:
    """Add an export to the index (written beside, then renamed: readers never see half)."""
    index = {**_index(), source: list(folders)}
    scratch = INDEX.with_name(f"{INDEX.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(json.dumps(index, indent=1))
        os.replace(scratch, INDEX)
    except OSError:  # a read-only folder: every process exports again, nothing else breaks
        scratch.unlink(missing_ok=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def _publish(weights: str, _model) -> tuple[str, str]:
    """Export both halves once per process; returns their folders relative to `static/`."""
    from ae_models.browser_export import export_autoencoder

    safe = re.sub(r"[^A-Za-z0-9_-]", "-", weights)
    if weights.startswith(f"{LIVE_KEY}:"):
        remove_old_live_exports()
    folders = []
    for part, browser_model in export_autoencoder(_model).items():
        folder = PUBLISHED / f"{safe}-{part}-{browser_model.sha256[:16]}"
        if not (folder / "model.json").is_file():
            _write_once(browser_model, folder)
        folders.append(str(folder.relative_to(STATIC)))
    return folders[0], folders[1]


def remove_old_live_exports(hours: float = LIVE_EXPORT_HOURS) -> list[str]:
    """Delete the browser forms of live models written more than `hours` ago. Every session
    that trains on *Train it live* exports its own (1.5 MB each): a laptop lent to a class a
    week would gather gigabytes. A page still open on such a model loses its live path only
    (the browser keeps what it has fetched; the server path stays)."""
    cutoff = time.time() - hours * 3600
    removed = []
    for folder in PUBLISHED.glob(f"{LIVE_KEY}-*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder)
                removed.append(folder.name)
        except OSError:  # another process removed it first
            continue
    return removed


def _write_once(browser_model, folder: Path) -> None:
    """Write beside `folder`, then rename: another app process (behind nginx) writing the same
    model at the same moment never leaves a browser a half-written file."""
    scratch = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")
    browser_model.write(scratch)
    try:
        os.rename(scratch, folder)
    except OSError:  # the other process was first: same content, keep theirs
        shutil.rmtree(scratch, ignore_errors=True)


def show_live(component, key: str, component_key: str, data: dict, **callbacks) -> bool:
    """Mount a live component for model `key` (its decoder's URL added to `data`, or why there
    is none); True once the browser shows the pictures itself, so the page leaves out its own.
    These components only decode: the decoder's files are preloaded, not the encoder's."""
    urls = browser_urls(key)
    decoder = BrowserUrls(decoder=urls.decoder)
    result = component(data={**data, "decoder": urls.decoder, "problem": urls.problem,
                             "preload": preload_urls(decoder)},
                       key=component_key, on_ready_change=lambda: None, **callbacks)
    return urls.decoder is not None and result.ready == urls.decoder


IMPORT = re.compile(r"""^import\s+(?:[^'"]*?\s+from\s+)?['"]\./([\w.-]+\.js)['"]""", re.M)


@functools.cache
def module_imports(module: str) -> tuple[str, ...]:
    """The modules `static/live/<module>` imports, directly or through another (static imports):
    the loader asks for them all at once instead of one level of the chain after another."""
    found, todo = [], [module]
    while todo:
        for name in IMPORT.findall((STATIC / "live" / todo.pop()).read_text()):
            if name not in found:
                found.append(name)
                todo.append(name)
    return tuple(found)


def loader_js(module: str) -> str:
    """A Components v2 script that imports `static/live/<module>` (cached by the browser) and
    mounts it. If it cannot even load, the component's root (`data-live`) turns off and its
    note (`data-off`) says so: the page then shows the server's pictures.

    When the component's data names model files (`preload`, for the page or per model), they
    and TensorFlow.js are requested at once, beside the module (Draw page, fresh browser: the
    chain module -> imports -> TensorFlow.js -> model.json -> weights, encoder then decoder,
    took 2.7 s of the page load; see bench/RESULTS.md). TensorFlow.js's two scripts go in as
    script tags right then, with its WASM binary preloaded: an import waits for the main thread
    (on the 2-D latent page Plotly held it for 0.7 s, before the page drew its own map), and the
    binary used to be asked for only once both scripts had run. A state value equal to the one this
    component last sent is not sent again: each `setStateValue` is a rerun of the script, and
    the live modules report `ready` on every update (that doubled the server's runs per stroke).
    """
    return f"""
const LIVE = new URL('{STATIC_URL}/live/', document.baseURI).href;
const TFJS = new URL('{STATIC_URL}/vendor/tfjs/', document.baseURI).href;
// As many as the browser's connections to the app: a request is cheap since Nagle's algorithm
// is off (ui.streamlit_fixes). From 3, together with the module chain asked for at once
// (preloadModules), a new browser's page went live 0.1-0.2 s sooner.
const PRELOAD_SLOTS = 6;
const MODULES = {json.dumps([module, *module_imports(module)])};
const preloads = (globalThis.aeLivePreloads ??= {{seen: new Set(), waiting: [], inFlight: 0}});
const sentStates = (globalThis.aeLiveSentStates ??= new WeakMap());

function pump() {{
  while (preloads.inFlight < PRELOAD_SLOTS && preloads.waiting.length) {{
    const link = Object.assign(document.createElement('link'), {{
      rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: preloads.waiting.shift()}});
    preloads.inFlight += 1;
    link.onload = link.onerror = () => {{ preloads.inFlight -= 1; pump(); }};
    document.head.appendChild(link);
  }}
}}

function startTensorFlow() {{
  // The script tags load_tfjs.js would add once imported (it reuses these), and the WASM
  // backend's binary: asked for now, at mount, since an import waits for the page's main
  // thread, which a busy page holds (bench/RESULTS.md).
  // async = false: the scripts run in this order.
  // The binary load_tfjs.js's backend picks: threaded on a cross-origin-isolated page (lab.py).
  const wasm = TFJS + (globalThis.crossOriginIsolated ? 'tfjs-backend-wasm-threaded-simd.wasm'
    : 'tfjs-backend-wasm-simd.wasm');
  if (!preloads.seen.has(wasm)) {{
    preloads.seen.add(wasm);
    document.head.appendChild(Object.assign(document.createElement('link'), {{
      rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: wasm}}));
  }}
  for (const name of ['tf.min.js', 'tf-backend-wasm.min.js']) {{
    const src = TFJS + name;
    if (!document.querySelector(`script[src="${{src}}"]`)) {{
      const tag = Object.assign(document.createElement('script'), {{src, async: false}});
      tag.addEventListener('load', () => {{ tag.dataset.state = 'loaded'; }});
      tag.addEventListener('error', () => {{ tag.dataset.state = 'failed'; }});
      document.head.appendChild(tag);
    }}
  }}
}}

function preload(data) {{
  const urls = [...(data?.preload ?? []), ...(data?.models ?? []).flatMap((m) => m.preload ?? [])];
  if (urls.length) {{
    startTensorFlow();  // first: TensorFlow.js is needed before any model
  }}
  for (const url of urls) {{
    const href = new URL(url, document.baseURI).href;
    if (!preloads.seen.has(href)) {{
      preloads.seen.add(href);
      preloads.waiting.push(href);
    }}
  }}
  pump();
  if (urls.length) {{
    // Once TensorFlow.js runs, the module loads the models itself: what is still waiting here
    // would be fetched twice. A failure is reported by the module's own call.
    import(LIVE + 'load_tfjs.js').then((tfjs) => tfjs.loadTensorFlow())
      .then(() => {{ preloads.waiting.length = 0; }}).catch(() => {{}});
  }}
}}

function preloadModules() {{
  // The module and everything it imports, at once: an import is only seen once its importer
  // has arrived and been parsed, 3 levels deep for the Draw page.
  for (const name of MODULES) {{
    const href = LIVE + name;
    if (!preloads.seen.has(href)) {{
      preloads.seen.add(href);
      document.head.appendChild(Object.assign(document.createElement('link'), {{
        rel: 'modulepreload', href}}));
    }}
  }}
}}

function changedStatesOnly(component) {{
  if (!sentStates.has(component.parentElement)) {{
    sentStates.set(component.parentElement, new Map());
  }}
  const sent = sentStates.get(component.parentElement);
  const setStateValue = (key, value) => {{
    if (sent.has(key) && Object.is(sent.get(key), value)) {{
      return;
    }}
    sent.set(key, value);
    component.setStateValue(key, value);
  }};
  return {{...component, setStateValue}};
}}

export default function (component) {{
  let cleanup = null;
  let unmounted = false;
  preloadModules();
  preload(component.data);
  import(LIVE + '{module}')
    .then((module) => {{ if (!unmounted) cleanup = module.mount(changedStatesOnly(component)); }})
    .catch((error) => {{
      const root = component.parentElement.querySelector('[data-live]');
      if (root) root.dataset.live = 'off';
      const note = component.parentElement.querySelector('[data-off]');
      if (note) note.textContent = note.dataset.off;
      console.warn('live drawing unavailable', error);
    }});
  return () => {{ unmounted = true; if (cleanup) cleanup(); }};
}}
"""
