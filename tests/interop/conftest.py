"""Interop tests use the same populated world as the API tests, and the 1EdTech validator's
venv (which also holds openbadges-bakery)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.api.conftest import world
from tests.live import serve

__all__ = ["live", "validator_python", "world"]
HERE = Path(__file__).parent / "ob2_validator"
ROOT = HERE.parents[2]


@pytest.fixture
def live(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on loopback: what verifiers and wallets written by others reach."""
    with serve(app) as base:
        yield base


@pytest.fixture(scope="session")
def validator_python() -> Path:
    venv = Path(os.environ.get("FABRIQUE_OB2_VALIDATOR_VENV", ROOT / ".venv-ob2-validator"))
    python = venv / "bin" / "python"
    presence = (
        "import importlib.util as u, sys; "
        "sys.exit(0 if u.find_spec('openbadges') and u.find_spec('responses') else 1)"
    )
    check = (
        subprocess.run([python, "-c", presence], capture_output=True, check=False)
        if python.exists()
        else None
    )
    if check is None or check.returncode != 0:
        subprocess.run(["bash", str(HERE / "install.sh"), str(venv)], check=True, timeout=900)
    return python
