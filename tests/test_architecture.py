"""The house's rules, checked with the suite: the import contracts of pyproject.toml
(``[tool.importlinter]``: layers one way, the API and the pages siblings, the CLI and the worker
free of HTTP code) and SQL only in ``service/persistence``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
# What builds SQL statements; the ORM's ``session.get`` by primary key is not SQL.
STATEMENT_BUILDERS = {"select", "insert", "update", "delete", "text", "func", "and_", "or_", "union"}


def test_the_import_contracts_hold() -> None:
    result = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def sql_outside_persistence(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "service").rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[1] == "persistence":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
                names = {alias.name for alias in node.names} & STATEMENT_BUILDERS
                if names:
                    found.append(f"{relative}:{node.lineno} imports {', '.join(sorted(names))}")
    return found


def test_sql_is_written_only_in_persistence() -> None:
    assert sql_outside_persistence() == []


def test_the_sql_check_would_see_a_query_elsewhere(tmp_path: Path) -> None:
    """The check above is only worth something if it finds a query where one is written."""
    for folder, source in (
        ("usecases", "from sqlalchemy import delete, select\nfrom sqlalchemy.orm import Session\n"),
        ("persistence", "from sqlalchemy import select\n"),
    ):
        (tmp_path / "service" / folder).mkdir(parents=True)
        (tmp_path / "service" / folder / "probe.py").write_text(source)
    assert sql_outside_persistence(tmp_path) == ["service/usecases/probe.py:1 imports delete, select"]
