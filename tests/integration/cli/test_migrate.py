"""`kelisim migrate` as the README writes it: with no component, with some, with a wrong one."""
import os
import sqlite3
import subprocess
import sys

COMMAND = [sys.executable, "-m", "kelisim_platform.cli.main"]


def migrate(tmp_path, *components):
    environment = dict(os.environ, KELISIM_DATA_DIR=str(tmp_path))
    for name in ("REGISTRY", "PROJECTS", "REPORTS", "NOTIFICATIONS", "GATEWAY"):
        environment.pop(f"KELISIM_{name}_DATABASE_URL", None)
    return subprocess.run([*COMMAND, "migrate", *components], env=environment,
                          capture_output=True, text=True, timeout=120)


def tables(path):
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("select name from sqlite_master")}


def test_a_bare_migrate_upgrades_every_component(tmp_path):
    done = migrate(tmp_path)
    assert done.returncode == 0, done.stderr
    for component in ("registry", "projects", "reports", "notifications", "gateway"):
        assert "alembic_version" in tables(tmp_path / f"{component}.db"), component


def test_named_components_only_and_a_wrong_name_is_refused(tmp_path):
    done = migrate(tmp_path, "registry")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["registry.db"]
    refused = migrate(tmp_path, "registry", "bogus")
    assert refused.returncode == 2
    assert "unknown component bogus" in refused.stderr
