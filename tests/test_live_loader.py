"""The live components' loader (`ui.browser_models.loader_js`) asks for a module's whole import
chain at once: what it finds must be what the browser would import."""

from __future__ import annotations

import json
import re

import pytest

from ui.browser_models import STATIC, loader_js, module_imports

LIVE = STATIC / "live"
MODULES = sorted(path.name for path in LIVE.glob("*.js"))


def test_the_draw_pages_chain_is_found_to_its_end() -> None:
    chain = module_imports("draw_reconstruct.js")
    # Its own imports, and code_heatmap.js, imported only by draw_tiles.js.
    assert set(chain) == {"load_tfjs.js", "page_tools.js", "preprocess.js", "corrupt.js",
                          "draw_tiles.js", "ssim.js", "code_heatmap.js"}
    assert module_imports("page_tools.js") == ()


@pytest.mark.parametrize("module", MODULES)
def test_every_static_import_statement_is_read(module: str) -> None:
    """Each statement that starts with `import` at the top of a line, one line or several, is
    one the pattern reads; dynamic `import(...)` calls are the modules' own business."""
    source = (LIVE / module).read_text()
    statements = re.findall(r"^import\b[^;]*;", source, re.M)
    named = {name for statement in statements for name in re.findall(r"['\"]\./([\w.-]+)['\"]",
                                                                       statement)}
    assert named <= set(module_imports(module))  # nothing missed
    assert all((LIVE / name).is_file() for name in module_imports(module))


def test_the_loader_asks_for_the_module_and_its_chain() -> None:
    js = loader_js("draw_reconstruct.js")
    listed = json.loads(re.search(r"const MODULES = (\[.*?\]);", js).group(1))
    assert listed == ["draw_reconstruct.js", *module_imports("draw_reconstruct.js")]
    assert "rel: 'modulepreload'" in js


def test_the_loader_preloads_the_wasm_binary_the_page_will_use() -> None:
    """The binary is named twice, in the loader (preloaded at mount) and in load_tfjs.js (which
    the backend fetches): the same two names in the same order, and both shipped."""
    pattern = r"crossOriginIsolated \? '([\w.-]+\.wasm)'\s*:\s*'([\w.-]+\.wasm)'"
    preloaded = re.findall(pattern, loader_js("draw_reconstruct.js"))
    used = re.findall(pattern, (LIVE / "load_tfjs.js").read_text())
    assert len(preloaded) == 1 and preloaded == used
    assert all((STATIC / "vendor" / "tfjs" / name).is_file() for name in used[0])
