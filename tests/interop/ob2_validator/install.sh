#!/usr/bin/env bash
# Install the 1EdTech Open Badges 2.0 validator (openbadges 1.1.2) in a venv of its own.
# Its pins conflict with ours and need Python 3.11 and an old setuptools for pycryptodome 3.6.6.
# Usage: install.sh [VENV_DIR]   (default: .venv-ob2-validator at the repository root)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
venv="${1:-${FABRIQUE_OB2_VALIDATOR_VENV:-$root/.venv-ob2-validator}}"
python="${PYTHON311:-python3.11}"

# Presence only: importing openbadges needs the collections aliases that run_validator.py sets.
check='import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ("openbadges", "responses", "Crypto")) else 1)'
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" 2>/dev/null; then
  echo "1EdTech validator already installed in $venv"
  exit 0
fi
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q "setuptools==57.5.0" wheel
"$venv/bin/pip" install -q --no-build-isolation --no-cache-dir --no-binary pycryptodome "pycryptodome==3.6.6"
"$venv/bin/pip" install -q "openbadges==1.1.2" "responses==0.25.8"
"$venv/bin/python" -c "$check"
echo "1EdTech validator installed in $venv"
