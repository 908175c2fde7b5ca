"""A real browser (Debian's Chromium, driven by Playwright) against the app served on loopback,
with a real SMTP server for the emails. axe-core, from npm, is injected to check accessibility.

Chromium is found at FABRIQUE_CHROMIUM or on the PATH (`.ci/run` installs Debian's `chromium`);
axe-core under tests/browser/node_modules (`npm ci` there)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, sync_playwright

from service.app import create_app
from service.persistence.database import Database
from service.settings import Environment, Settings
from tests.live import free_port, serve

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("FABRIQUE_TEST_ARTIFACTS", HERE.parent.parent / "test-artifacts")) / "browser"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # this machine has no network: no calls home
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = (
        os.environ.get("FABRIQUE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail(
            "Chromium is needed for the browser tests: apt-get install chromium (or set FABRIQUE_CHROMIUM)"
        )
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not AXE.exists():  # installed here as the interop tests install theirs
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@dataclass
class Site:
    url: str
    app: FastAPI
    client: TestClient  # for setting up data through the API


@pytest.fixture
def site(tmp_path: Path, database: Database) -> Iterator[Site]:
    port = free_port()
    settings = Settings(
        environment=Environment.TEST,
        public_url=f"http://127.0.0.1:{port}",
        data_dir=tmp_path / "var",
        keys_dir=tmp_path / "keys",
        database_url=database.engine.url.render_as_string(hide_password=False),
        secret_key=secrets.token_urlsafe(32),
    )
    app = create_app(settings, database=database)  # the real clock: the browser lives in real time
    with serve(app, port=port) as url, TestClient(app, base_url=url) as client:
        yield Site(url, app, client)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp lets the test inject axe-core; the pages' own CSP is tested without it elsewhere.
    context = browser.new_context(accept_downloads=True, bypass_csp=True, locale="fr-FR")
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def all_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation, whatever its impact (WCAG 2.1 A and AA, best practices)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:160] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA)."""
    return [v for v in all_violations(page) if v["impact"] in ("serious", "critical")]
