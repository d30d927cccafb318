"""The project's layout rules, checked: where pages live, one way to look a model up, one table
of pages."""

from __future__ import annotations

import re

from ui import navigation

from apptest_helpers import REPO


def test_no_pages_folder_next_to_app_py() -> None:
    """Streamlit 1.67 treats a `pages` folder (or file) beside the main script as a legacy
    multipage app: `PagesManager.uses_pages_directory` turns on, and a deep link such as
    /draw then runs that page *without* `app.py` (no page config, no sidebar, no presenter
    CSS). AppTest resets the flag on every run, so only this check catches it. Pages live in
    `app_pages/`."""
    assert not (REPO / "pages").exists()
    assert not (REPO / "pages.py").exists()


def test_the_page_table_is_every_page_and_the_app_uses_it() -> None:
    scripts = {page.script for page in navigation.PAGES}
    on_disk = {f"app_pages/{path.name}" for path in (REPO / "app_pages").glob("*.py")}
    assert scripts == on_disk
    assert len({page.url_path for page in navigation.PAGES}) == len(navigation.PAGES)
    assert [page for page in navigation.PAGES if not page.url_path] == [navigation.HOME]
    app = (REPO / "app.py").read_text()
    assert "navigation.PAGES" in app and "app_pages/" not in app  # no second list


def test_only_ae_models_indexes_the_registry() -> None:
    """Pages and widgets look models up through `ui.model_cache` (which knows the session's
    live model); indexing `REGISTRY` with a picked key crashed on "live" once."""
    offenders = []
    for path in [REPO / "app.py", *(REPO / "app_pages").glob("*.py"), *(REPO / "ui").glob("*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bREGISTRY\b|\bget_spec\(", line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    allowed = {"ui/model_cache.py"}  # the one helper: it calls get_spec
    assert [o for o in offenders if o.split(":")[0] not in allowed] == []
