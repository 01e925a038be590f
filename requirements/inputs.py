"""The lock's inputs: a digest of what pyproject.toml asks for (``make lock`` writes it).

``requirements/runtime.txt`` and ``requirements/test.txt`` are compiled from
``pyproject.toml``'s ``requires-python``, ``dependencies`` and ``optional-dependencies``
(with hashes, by uv). ``inputs.sha256`` beside them holds the SHA-256 of those three
fields as they were at the last ``make lock``. Every make target that installs checks it
(``python3 requirements/inputs.py check``) and stops with a message when pyproject.toml
asks for something the lock was not compiled from. Other edits of pyproject.toml (tool
settings) do not touch the digest. The content, not the file's time, is compared: a fresh
clone gives every file the time of the checkout.

Usage: ``python3 requirements/inputs.py write|check`` (from the repository's root).
"""
from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIGEST = ROOT / "requirements" / "inputs.sha256"


def digest() -> str:
    """SHA-256 (hex) of pyproject.toml's requires-python, dependencies and extras."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    fields = {k: project.get(k) for k in ("requires-python", "dependencies", "optional-dependencies")}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def main(argv: list[str]) -> int:
    if argv[1:] == ["write"]:
        DIGEST.write_text(digest() + "\n")
        return 0
    if argv[1:] == ["check"]:
        locked = DIGEST.read_text().strip() if DIGEST.exists() else ""
        if locked != digest():
            print("kelisim: pyproject.toml's dependencies changed since requirements/*.txt was compiled;"
                  " run `make lock` and commit requirements/", file=sys.stderr)
            return 1
        return 0
    print(__doc__.strip().splitlines()[-1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
