"""`kelisim backup` and `kelisim restore` on the embedded SQLite default: what they write,
and every refusal (checksums, revisions, non-empty targets, PostgreSQL, running platform,
a backup too old for the consumers' processed-event ids)."""
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Queue

from kelisim.db import migrate
from kelisim_platform import backup
from kelisim_platform.cli.main import main
from tests.support import free_port


@pytest.fixture
def data(tmp_path, monkeypatch, amqp_uri):
    """Migrated SQLite databases of every component in tmp_path/var, configured by the
    environment as `make run` does; one published outbox row in projects."""
    monkeypatch.setenv("KELISIM_AMQP_URI", amqp_uri)
    monkeypatch.setenv("KELISIM_DATA_DIR", str(tmp_path / "var"))
    for component in backup.ORDER:
        monkeypatch.delenv(f"KELISIM_{component.upper()}_DATABASE_URL", raising=False)
        migrate.upgrade(component)
    for variable in ("KELISIM_GATEWAY_ADDRESS", "KELISIM_REGISTRY_METRICS_PORT",
                     "KELISIM_PROJECTS_METRICS_PORT", "KELISIM_REPORTS_METRICS_PORT",
                     "KELISIM_NOTIFICATIONS_METRICS_PORT"):
        monkeypatch.setenv(variable, f"127.0.0.1:{free_port()}"
                           if variable == "KELISIM_GATEWAY_ADDRESS" else str(free_port()))
    with sqlite3.connect(tmp_path / "var" / "projects.db") as conn:
        stamp = (datetime.now(UTC) - timedelta(hours=1)).strftime(
            "%Y-%m-%d %H:%M:%S.%f")
        conn.execute("INSERT INTO outbox (event_id, event_type, envelope, created_at, "
                     "published_at, attempts) VALUES ('e1', 't', '{}', ?, ?, 0)", (stamp, stamp))
        conn.execute("INSERT INTO outbox (event_id, event_type, envelope, created_at, "
                     "published_at, attempts) VALUES ('e0', 't', '{}', '2020-01-01 00:00:00.000000', "
                     "'2020-01-01 00:00:00.000000', 0)")
    return tmp_path


def test_backup_writes_the_databases_the_broker_and_a_manifest(data, capsys):
    assert main(["backup", str(data / "b")]) == 0
    manifest = json.loads((data / "b" / "manifest.json").read_text())
    assert list(manifest["components"]) == ["notifications", "reports", "projects",
                                            "registry", "gateway"]
    for _component, entry in manifest["components"].items():
        assert entry["alembic_revision"] in entry["alembic_heads"]
        assert entry["sha256"] and (data / "b" / entry["file"]).stat().st_size == entry["bytes"]
    with sqlite3.connect(data / "b" / "projects.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 2
    broker = json.loads((data / "b" / "broker.json").read_text())
    queues = {q["name"] for q in broker["queues"]}
    assert "kelisim.dead-letter.notifications" in queues
    assert any(q.startswith("evt-projects-task_assigned--notifications.") for q in queues)
    assert {"projects.events", "kelisim.dead-letter"} <= {e["name"] for e in broker["exchanges"]}
    assert "backup written to" in capsys.readouterr().out
    assert main(["backup", str(data / "b")]) == 2  # never into a folder with something in it


def test_restore_into_an_empty_directory_republishes_the_last_day(data, monkeypatch, capsys,
                                                                  amqp_uri):
    assert main(["backup", str(data / "b")]) == 0
    assert main(["restore", str(data / "b")]) == 2  # the databases are still there
    assert "exists: restore into an empty data directory" in capsys.readouterr().err

    monkeypatch.setenv("KELISIM_DATA_DIR", str(data / "new"))
    assert main(["restore", str(data / "b")]) == 0
    out = capsys.readouterr().out
    assert "projects\trestored\t1 outbox rows to publish again" in out
    # the queues the republished events go to exist before any consumer starts
    names = [q["name"] for q in json.loads((data / "b" / "broker.json").read_text())["queues"]]
    assert f"broker\tdeclared\t{len(names)} queues" in out
    with Connection(amqp_uri) as conn:
        for name in names:
            conn.channel().queue_declare(name, passive=True)
    with sqlite3.connect(data / "new" / "projects.db") as conn:
        rows = dict(conn.execute("SELECT event_id, published_at FROM outbox"))
    assert rows["e1"] is None and rows["e0"] is not None


def test_restore_checks_checksums_and_revisions(data, monkeypatch, capsys):
    backup.backup(data / "b")
    backup.backup(data / "c")
    monkeypatch.setenv("KELISIM_DATA_DIR", str(data / "new"))
    with sqlite3.connect(data / "b" / "reports.db") as conn:
        conn.execute("DELETE FROM outbox")
    assert main(["restore", str(data / "b")]) == 2
    assert "reports.db does not match its checksum" in capsys.readouterr().err
    assert not (data / "new").exists() or list((data / "new").iterdir()) == []

    manifest = json.loads((data / "c" / "manifest.json").read_text())
    with sqlite3.connect(data / "c" / "registry.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    manifest["components"]["registry"]["sha256"] = backup._sha256(data / "c" / "registry.db")
    manifest["components"]["registry"]["alembic_revision"] = "9999"
    (data / "c" / "manifest.json").write_text(json.dumps(manifest))
    assert main(["restore", str(data / "c")]) == 2
    assert "revision 9999, which this release" in capsys.readouterr().err


def test_restore_refuses_a_backup_older_than_the_processed_ids(data, monkeypatch, capsys):
    backup.backup(data / "b", now=datetime.now(UTC) - timedelta(days=30))
    monkeypatch.setenv("KELISIM_DATA_DIR", str(data / "new"))
    assert main(["restore", str(data / "b")]) == 2
    assert "KELISIM_RETENTION_PROCESSED_DAYS=30" in capsys.readouterr().err
    assert main(["restore", str(data / "b"), "--force-old"]) == 0


def test_restore_refuses_while_a_service_consumes_its_rpc_queue(data, amqp_uri, monkeypatch,
                                                               capsys):
    backup.backup(data / "b")
    monkeypatch.setenv("KELISIM_DATA_DIR", str(data / "new"))
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        queue = Queue("rpc-projects", channel=channel)
        queue.declare()
        queue.consume(callback=lambda *args: None)
        assert main(["restore", str(data / "b")]) == 2
    assert "projects consumes rpc-projects" in capsys.readouterr().err


def test_postgresql_is_backed_up_with_pg_dump_not_here(data, monkeypatch, capsys):
    monkeypatch.setenv("KELISIM_REPORTS_DATABASE_URL", "postgresql://postgres@127.0.0.1/x")
    assert main(["backup", str(data / "b")]) == 2
    err = capsys.readouterr().err
    assert "reports uses postgresql" in err and "pg_dump" in err
    assert not (data / "b").exists()


def _attach(data, content, attachment_id):
    """An attachment as the gateway keeps it: the file in the store, its row in gateway.db."""
    import hashlib
    import uuid

    from gateway.adapters.storage import FileStore

    key = uuid.uuid4().hex
    spooled = data / f"upload-{attachment_id}"
    spooled.write_bytes(content)
    FileStore(data / "var" / "attachments").put(key, spooled, len(content), "", "text/plain")
    with sqlite3.connect(data / "var" / "gateway.db") as conn:
        conn.execute(
            "INSERT INTO attachments (id, owner_kind, owner_id, filename, media_type, size, "
            "sha256, storage_key, uploaded_by, uploaded_by_role, uploaded_at) VALUES "
            "(?, 'task', 7, 'a.txt', 'text/plain', ?, ?, ?, 'account:1', 'rgu_admin', "
            "'2026-11-30 00:00:00.000000')",
            (attachment_id, len(content), hashlib.sha256(content).hexdigest(), key))
    return key


def test_attachments_are_backed_up_checked_and_restored(data, monkeypatch, capsys):
    kept = _attach(data, "хаттама".encode(), 1)
    gone = _attach(data, b"deleted while the backup ran", 2)
    (data / "var" / "attachments" / gone[:2] / gone).unlink()  # its row is still there
    assert main(["backup", str(data / "b")]) == 0
    assert "attachments\t1 files\t14 bytes" in capsys.readouterr().out
    manifest = json.loads((data / "b" / "manifest.json").read_text())
    assert manifest["attachments"]["deleted_during_backup"] == [2]
    assert (data / "b" / "attachments" / kept[:2] / kept).read_bytes() == "хаттама".encode()
    with sqlite3.connect(data / "b" / "gateway.db") as conn:
        assert conn.execute("SELECT id FROM attachments").fetchall() == [(1,)]
    inspected = data / "inspected"
    import shutil

    shutil.copytree(data / "b", inspected)
    (inspected / "attachments" / kept[:2] / kept).write_bytes(b"tampered")
    monkeypatch.setenv("KELISIM_DATA_DIR", str(data / "new"))
    assert main(["restore", str(inspected)]) == 2
    assert "attachment 1" in capsys.readouterr().err
    assert not (data / "new" / "gateway.db").exists()

    assert main(["restore", str(data / "b")]) == 0
    assert (data / "new" / "attachments" / kept[:2] / kept).read_bytes() == "хаттама".encode()
    for path in (data / "new").glob("*.db"):
        path.unlink()
    assert main(["restore", str(data / "b")]) == 2  # the attachments are there already
    assert "holds attachments" in capsys.readouterr().err
