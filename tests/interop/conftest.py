"""Interop tests use the same populated world as the API tests, and the 1EdTech validator's
venv (which also holds openbadges-bakery)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.api.conftest import world

__all__ = ["validator_python", "world"]
HERE = Path(__file__).parent / "ob2_validator"
ROOT = HERE.parents[2]


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
