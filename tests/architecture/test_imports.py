"""The arrows the imports may draw (pyproject.toml's [tool.importlinter], import-linter).

The core (``kelisim/``) imports no component and not the composition root
(``kelisim_platform/``); the gateway reads a service only through its contract
(``services/<name>/contract/``), never its domain, adapters, service layer or entrypoints;
a contract imports no service's insides; the services import each other's contracts only.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_imports_keep_the_contracts():
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout, done.stdout[-2000:]
