"""Backups of the embedded default (SQLite) and their restore, on a running platform.

``backup(folder)`` copies every component's SQLite database with SQLite's online backup
API (``sqlite3.Connection.backup``: a consistent snapshot of each database while the
services keep writing; never a file copy, which could catch a half-written page or miss
the WAL) in the order consumers first, producers last, plus ``broker.json`` (the
exchanges, queues and bindings kelisim declares, computed from ``kelisim/events/topology``
and the services' event handlers; not a RabbitMQ export) and ``manifest.json`` (kelisim's
version, the time, each file's SHA-256 and size, each database's Alembic revision and the
code's heads).

``restore(folder)`` refuses while a platform runs on this configuration (a kelisim port in
use, or a service consuming its RPC queue on the broker) or when a target database file
exists, checks every checksum and revision, copies the databases into place, and marks the
outbox rows published in the ``republish_hours`` before the backup as unpublished again, so
the restored relays publish them once more: events that were on the broker, not yet
consumed, when the backup was taken reach their consumers; those consumers already had
drop as repeats (their processed-event ids were backed up with their effects).
"""
import hashlib
import importlib.metadata
import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from kelisim import config

# Consumers before their producers: a consumer's copy never holds the effect of an event
# its producer's (later) copy does not have. notifications consumes registry, projects and
# reports; reports consumes registry; the gateway holds only API tokens.
ORDER = ("notifications", "reports", "projects", "registry", "gateway")
MANIFEST = "manifest.json"
BROKER = "broker.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that must not go on; the message says why, for an operator."""


def sqlite_path(component: str) -> Path:
    """The SQLite file of ``component`` from its configured URL; BackupError otherwise."""
    url = make_url(config.database_url(component))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            f"{component} uses {url.get_backend_name()}, not an embedded SQLite file: back it "
            "up with pg_dump or the operator's point-in-time recovery (README, \"Backups and "
            "retention\")")
    return Path(url.database)


def backup(folder: str | Path, now: datetime | None = None) -> dict[str, Any]:
    """Back up every component into ``folder`` (created; must be empty). Returns the manifest.

    Raises BackupError for a non-SQLite database, a missing database file or a non-empty
    folder."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    sources = {component: sqlite_path(component) for component in ORDER}
    for component, path in sources.items():
        if not path.exists():
            raise BackupError(f"{component}'s database {path} does not exist")
    folder.mkdir(parents=True, exist_ok=True)
    for component in ORDER:
        online_copy(sources[component], folder / f"{component}.db")
    # after the gateway's snapshot: exactly the attachments its rows name (the copy loses
    # the rows of attachments deleted since, whose bytes are gone)
    attachments = _backup_attachments(folder, folder / "gateway.db")
    components = {}
    for component in ORDER:
        target = folder / f"{component}.db"
        components[component] = {
            "file": target.name, "sha256": _sha256(target), "bytes": target.stat().st_size,
            "alembic_revision": _revision(target), "alembic_heads": code_heads(component)}
    (folder / BROKER).write_text(json.dumps(broker_definitions(), indent=2) + "\n")
    manifest = {
        "format": FORMAT, "kelisim_version": _version(),
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "components": components,
        "broker": {"file": BROKER, "sha256": _sha256(folder / BROKER),
                   "source": "kelisim.events.topology and the services' event handlers"},
        "attachments": attachments,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def restore(folder: str | Path, republish_hours: float = 24.0, force_old: bool = False,
            now: datetime | None = None) -> dict[str, int]:
    """Restore the backup in ``folder`` into the configured (empty) SQLite paths.

    Returns {component: outbox rows marked for publishing again}. Raises BackupError when a
    platform runs on this configuration, a target file exists, a checksum differs, a
    database is at a revision this code does not know, or the backup is older than the
    processed-event retention allows (``force_old`` to restore it anyway)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    running = running_platform()
    if running:
        raise BackupError(f"a platform is running on this configuration ({running}): stop it "
                          "first; restore never overwrites a running platform")
    taken = _check_age(manifest, now, republish_hours)
    if taken and not force_old:
        raise BackupError(taken)
    targets = {component: sqlite_path(component) for component in manifest["components"]}
    for path in targets.values():
        for existing in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if existing.exists():
                raise BackupError(f"{existing} exists: restore into an empty data directory")
    attachments_dir = _attachments_target(manifest)
    verify(folder, manifest)
    republished: dict[str, int] = {}
    since = datetime.fromisoformat(manifest["created_at"]) - timedelta(hours=republish_hours)
    for component, entry in manifest["components"].items():
        path = targets[component]
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".restoring")
        shutil.copyfile(folder / entry["file"], partial)
        republished[component] = _republish(partial, since)
        partial.rename(path)
    if attachments_dir is not None:
        _restore_attachments(folder, attachments_dir)
    return republished


def read_manifest(folder: str | Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{path} not found: not a kelisim backup")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}")
    return manifest


def verify(folder: str | Path, manifest: dict[str, Any] | None = None) -> None:
    """Check every file's SHA-256 and that each database's Alembic revision is one this
    code knows (older revisions are upgraded by ``kelisim migrate``/``run``). BackupError."""
    folder = Path(folder)
    manifest = manifest or read_manifest(folder)
    files = [entry["file"] for entry in manifest["components"].values()]
    sums = [entry["sha256"] for entry in manifest["components"].values()]
    files.append(manifest["broker"]["file"])
    sums.append(manifest["broker"]["sha256"])
    for name, expected in zip(files, sums, strict=False):
        if not (folder / name).exists() or _sha256(folder / name) != expected:
            raise BackupError(f"{name} does not match its checksum in the manifest")
    _verify_attachments(folder, manifest)
    for component, entry in manifest["components"].items():
        revision = _revision(folder / entry["file"])
        if revision != entry["alembic_revision"]:
            raise BackupError(f"{component}: revision {revision} is not the manifest's")
        if revision is not None and revision not in known_revisions(component):
            raise BackupError(
                f"{component}'s database is at revision {revision}, which this release "
                f"(heads {', '.join(code_heads(component))}) does not know: restore it with "
                "the release that took it")


def running_platform() -> str | None:
    """Why a platform seems to run on this configuration, or None: a kelisim port (an
    exporter's, the gateway's) in use, or a consumer on a service's RPC queue."""
    from kelisim.ports import PortTaken
    from kelisim_platform.cli.launcher import port_problems

    # every port, not only the first: one that cannot be bound (a wrong host) says nothing
    taken = next((p for p in port_problems() if isinstance(p, PortTaken)), None)
    if taken is not None:  # not its own advice (another port): restore means stop it
        return f"port {taken.port} on {taken.host} ({taken.variable}) is in use"
    from amqp.exceptions import NotFound
    from kombu import Connection

    try:
        with Connection(config.amqp_uri(), connect_timeout=3) as conn:
            for service in config.SERVICES:
                channel = conn.channel()
                try:
                    answer = channel.queue_declare(f"rpc-{service}", passive=True)
                except NotFound:
                    continue
                finally:
                    if channel.is_open:
                        channel.close()
                if answer.consumer_count:
                    return f"{service} consumes rpc-{service} on the broker"
    except Exception:  # no broker answers: nothing consumes on it (the ports were checked)
        return None
    return None


def code_heads(component: str) -> list[str]:
    from alembic.script import ScriptDirectory

    from kelisim.db.migrate import alembic_config

    return sorted(ScriptDirectory.from_config(alembic_config(component, "sqlite://")).get_heads())


def known_revisions(component: str) -> set[str]:
    from alembic.script import ScriptDirectory

    from kelisim.db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(component, "sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def declared_queues() -> list[Any]:
    """The durable queues kelisim declares, as kombu Queues bound to their exchanges: each
    service's event queues (named as nameko names them), its dead-letter queue, the retry
    queues. nameko's RPC queues and the exclusive stream and cache queues are left out."""
    from kombu import Queue
    from nameko.events import SERVICE_POOL, EventHandler
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

    from kelisim.events import topology

    queues = []
    for service, cls in _service_classes().items():
        for method_name in sorted(dir(cls)):
            handlers = getattr(getattr(cls, method_name), ENTRYPOINT_EXTENSIONS_ATTR, ())
            for handler in handlers:
                if not isinstance(handler, EventHandler) or handler.handler_type != SERVICE_POOL \
                        or handler.reliable_delivery is False:
                    continue
                queues.append(Queue(
                    f"evt-{handler.source_service}-{handler.event_type}--{service}.{method_name}",
                    exchange=topology.event_exchange(handler.source_service),
                    routing_key=handler.event_type, durable=True, auto_delete=False,
                    queue_arguments=topology.durable_arguments() or None))
        queues.append(topology.dead_letter_queue(service))
    for delay in config.retry_delays():
        queues.append(topology.retry_route(delay)[1])
    return queues


def broker_definitions() -> dict[str, Any]:
    """``declared_queues`` in RabbitMQ's definitions layout (exchanges, queues, bindings)."""
    exchanges, queues, bindings = {}, [], []
    for queue in declared_queues():
        exchange = queue.exchange
        exchanges[exchange.name] = {"name": exchange.name, "type": exchange.type,
                                    "durable": exchange.durable, "auto_delete": False,
                                    "internal": False, "arguments": {}}
        queues.append({"name": queue.name, "durable": True, "auto_delete": False,
                       "arguments": queue.queue_arguments or {}})
        bindings.append({"source": exchange.name, "destination": queue.name,
                         "destination_type": "queue", "routing_key": queue.routing_key or "",
                         "arguments": {}})
    return {"exchanges": sorted(exchanges.values(), key=lambda e: e["name"]),
            "queues": queues, "bindings": bindings}


def declare_on_broker(amqp_uri: str | None = None) -> int:
    """Declare ``declared_queues`` (exchanges, queues, bindings; as configured now) on the
    broker, so that events the restored relays republish before their consumers start are
    queued for them rather than dropped by an exchange with no queue. Returns how many
    queues; raises the broker's error when it cannot be reached."""
    from kombu import Connection

    queues = declared_queues()
    with Connection(amqp_uri or config.amqp_uri(), connect_timeout=5) as conn:
        channel = conn.channel()
        for queue in queues:
            queue(channel).declare()
        channel.close()
    return len(queues)


def _service_classes() -> dict[str, type]:
    from kelisim_platform.cli.components import service_class

    return {service: service_class(service) for service in config.SERVICES}  # nameko's names


ATTACHMENTS = "attachments"


def _attachment_rows(gateway_db: Path) -> list[tuple[int, str, str, int]]:
    """``[(id, storage_key, sha256, size)]`` of a gateway database's attachments ([] before
    the table existed)."""
    conn = sqlite3.connect(gateway_db)
    try:
        return [(int(row[0]), str(row[1]), str(row[2]), int(row[3])) for row in conn.execute(
            "SELECT id, storage_key, sha256, size FROM attachments ORDER BY id")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def _backup_attachments(folder: Path, gateway_copy: Path) -> dict[str, Any]:
    """Copy the file store's attachments named by the gateway copy's rows into
    ``folder/attachments`` (``<key[:2]>/<key>``, as the store keeps them), each checked
    against its SHA-256. An attachment deleted after the gateway's snapshot (its file is
    gone) loses its row in the copy. With the S3 store nothing is copied: the bucket is
    backed up by the object store's own means (README). Returns the manifest's
    ``attachments`` entry."""
    settings = config.attachments_settings()
    rows = _attachment_rows(gateway_copy)
    if settings["store"] != "file":
        return {"store": settings["store"], "files": 0, "rows": len(rows),
                "note": "the bytes stay in the S3 bucket; back it up with the object "
                        "store's own tools"}
    source, target = Path(settings["directory"]), folder / ATTACHMENTS
    copied, total = 0, 0
    vanished: list[int] = []
    damaged: list[int] = []
    for attachment_id, key, sha256, size in rows:
        path = source / key[:2] / key
        if not path.exists():
            vanished.append(attachment_id)
            continue
        (target / key[:2]).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / key[:2] / key)
        if _sha256(target / key[:2] / key) != sha256:
            damaged.append(attachment_id)
        copied, total = copied + 1, total + size
    if vanished:
        conn = sqlite3.connect(gateway_copy)
        try:
            with conn:
                conn.executemany("DELETE FROM attachments WHERE id = ?",
                                 [(i,) for i in vanished])
        finally:
            conn.close()
    return {"store": "file", "directory": ATTACHMENTS, "files": copied, "bytes": total,
            "deleted_during_backup": vanished, "damaged": damaged}


def _verify_attachments(folder: Path, manifest: dict[str, Any]) -> None:
    """Every attachment the backup's gateway database names is in the backup, with its
    SHA-256 (those the backup found damaged excepted, as its manifest says)."""
    entry = manifest.get("attachments")
    if not entry or entry.get("store") != "file":
        return
    damaged = set(entry.get("damaged", ()))
    for attachment_id, key, sha256, _size in _attachment_rows(folder / "gateway.db"):
        path = folder / entry["directory"] / key[:2] / key
        if attachment_id in damaged:
            continue
        if not path.exists() or _sha256(path) != sha256:
            raise BackupError(f"attachment {attachment_id} ({path.name}) is missing or does "
                              "not match its SHA-256")


def _attachments_target(manifest: dict[str, Any]) -> Path | None:
    """Where the backup's attachments go (the configured file store), refusing a store that
    holds files already; None when the backup has none to restore."""
    entry = manifest.get("attachments")
    if not entry or entry.get("store") != "file":
        return None
    settings = config.attachments_settings()
    if settings["store"] != "file":
        raise BackupError("the backup's attachments are files, but KELISIM_ATTACHMENT_STORE "
                          "is s3: restore them with the file store, or copy them into the "
                          "bucket by hand (README)")
    target = Path(settings["directory"])
    if target.is_dir() and any(target.glob("??/*")):
        raise BackupError(f"{target} holds attachments: restore into an empty data directory")
    return target


def _restore_attachments(folder: Path, target: Path) -> None:
    source = folder / ATTACHMENTS
    if not source.is_dir():
        return
    for path in sorted(source.glob("??/*")):
        (target / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / path.parent.name / path.name)


def online_copy(source: Path, target: Path) -> None:
    """SQLite's online backup of ``source`` into ``target``: one consistent snapshot."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()


def _republish(path: Path, since: datetime) -> int:
    """Mark outbox rows published at or after ``since`` as unpublished; return how many."""
    conn = sqlite3.connect(path)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "outbox" not in tables:
            return 0
        with conn:
            cursor = conn.execute(
                "UPDATE outbox SET published_at = NULL, claimed_until = NULL "
                "WHERE published_at IS NOT NULL AND published_at >= ?",
                (since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),))
        return cursor.rowcount
    finally:
        conn.close()


def _check_age(manifest: dict[str, Any], now: datetime | None, republish_hours: float) -> str | None:
    """A refusal message when the backup's republished events could outlive the
    consumers' processed-event ids, else None."""
    days = config.retention_days()["processed"]
    if not days:
        return None
    taken = datetime.fromisoformat(manifest["created_at"])
    age = (now or datetime.now(UTC)) - taken + timedelta(hours=republish_hours)
    if age >= timedelta(days=days):
        return (f"the backup was taken on {taken:%Y-%m-%d %H:%M} UTC: the events it republishes "
                f"are older than KELISIM_RETENTION_PROCESSED_DAYS={days}, so consumers may "
                "have pruned their ids and handle them twice (--force-old to restore anyway)")
    return None


def _revision(path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version() -> str:
    try:
        return importlib.metadata.version("kelisim")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
