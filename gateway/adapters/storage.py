"""Where the bytes of attachments live: a directory (the default) or S3-compatible object
storage (MinIO on a cluster), chosen by ``KELISIM_ATTACHMENT_STORE``.

Both take a finished, checked upload from a spool file (``put(key, path, ...)``), give the
bytes back a chunk at a time (``chunks(key)``, never the whole file in memory), delete one
(``delete(key)``) and list what they hold (``keys()``, for backups and checks). Keys are
random hex names made by the gateway, never a client's file name.
"""
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

from nameko.extensions import DependencyProvider

CHUNK = 64 * 1024
_KEY = re.compile(r"^[0-9a-f]{32}$")


def _checked(key):
    if not _KEY.match(key or ""):
        raise ValueError(f"not an attachment key: {key!r}")
    return key


class FileStore:
    """Attachments as files under ``root`` (``<root>/<key[:2]>/<key>``); uploads spool in
    ``<root>/.incoming`` (same file system, so the final move is atomic)."""

    kind = "file"

    def __init__(self, root):
        self.root = Path(root)
        self.spool_dir = self.root / ".incoming"

    def ensure(self):
        self.spool_dir.mkdir(parents=True, exist_ok=True)

    def path(self, key):
        key = _checked(key)
        return self.root / key[:2] / key

    def put(self, key, source, size, sha256, media_type):
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        os.chmod(target, 0o640)

    def chunks(self, key):
        with open(self.path(key), "rb") as handle:
            while True:
                chunk = handle.read(CHUNK)
                if not chunk:
                    return
                yield chunk

    def delete(self, key):
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            pass

    def keys(self):
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("??/*") if _KEY.match(p.name))


class S3Store:
    """Attachments as objects of one bucket of an S3-compatible store (``settings``: the
    ``s3`` part of :func:`kelisim.config.attachments_settings`; ``config``, botocore's
    ``Config``, overrides the defaults: 3 retries, 10 s to connect). The bucket is made when
    missing. Uploads spool in the system's temporary directory and go up in one PUT with
    their length and SHA-256 (the store checks it: ``ChecksumSHA256``)."""

    kind = "s3"

    def __init__(self, settings, client=None, config=None):
        import boto3  # only a platform configured for S3 needs it loaded
        from botocore.config import Config as BotoConfig

        self.bucket = settings["bucket"]
        defaults = BotoConfig(
            s3={"addressing_style": "path"}, retries={"max_attempts": 3}, connect_timeout=10,
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required")
        config = defaults.merge(config) if config is not None else defaults
        self.client = client or boto3.client(
            "s3", endpoint_url=settings.get("endpoint_url"),
            aws_access_key_id=settings.get("access_key_id"),
            aws_secret_access_key=settings.get("secret_access_key"),
            region_name=settings.get("region") or "us-east-1", config=config)
        self.spool_dir = Path(tempfile.gettempdir()) / "kelisim-attachments"

    def ensure(self):
        from botocore.exceptions import ClientError

        self.spool_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def put(self, key, source, size, sha256, media_type):
        import base64

        with open(source, "rb") as body:
            self.client.put_object(
                Bucket=self.bucket, Key=_checked(key), Body=body, ContentLength=size,
                ContentType=media_type, ChecksumSHA256=base64.b64encode(
                    bytes.fromhex(sha256)).decode())
        os.unlink(source)

    def chunks(self, key):
        answer = self.client.get_object(Bucket=self.bucket, Key=_checked(key))
        body = answer["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=_checked(key))

    def keys(self):
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            found.extend(item["Key"] for item in page.get("Contents", ()))
        return sorted(k for k in found if _KEY.match(k))


def make_store(settings):
    """The store :func:`kelisim.config.attachments_settings` names."""
    if settings["store"] == "s3":
        return S3Store(settings["s3"])
    return FileStore(settings["directory"])


STORE_CHECK_SECONDS = 30  # how long the start waits for the S3 store to answer


def store_problem(settings, deadline=STORE_CHECK_SECONDS):
    """One line saying why the attachment store ``settings`` names
    (:func:`kelisim.config.attachments_settings`) cannot be used at start, else None.

    A directory: the folder, or the nearest one of its parents that exists, is not a
    directory this process may write in (nothing is made here). S3: the endpoint does not
    answer within ``deadline`` seconds (each request tried once, 5 s to connect, 10 s per
    read), the credentials are missing or refused, or the bucket can be neither found nor
    made (the bucket is made, as the gateway's start would)."""
    if settings["store"] != "s3":
        return _directory_problem(Path(settings["directory"]))
    outcome = []

    def check():
        try:
            outcome.append((_s3_problem(settings), None))
        except BaseException as exc:  # raised again below, in the caller's thread
            outcome.append((None, exc))

    # in a thread of its own: an endpoint trickling bytes defeats every socket timeout
    checking = threading.Thread(target=check, name="s3-store-check", daemon=True)
    checking.start()
    checking.join(deadline)
    if not outcome:
        return (f"{_s3_named(settings['s3'])} did not answer within {deadline:g} s; check "
                "KELISIM_S3_ENDPOINT_URL")
    problem, error = outcome[0]
    if error is not None:
        raise error
    return problem


def _s3_problem(settings):
    from botocore.config import Config as BotoConfig
    from botocore.exceptions import BotoCoreError, ClientError

    store = None
    try:
        store = S3Store(settings["s3"], config=BotoConfig(
            connect_timeout=5, read_timeout=10, retries={"total_max_attempts": 1}))
        store.ensure()
    except (BotoCoreError, ClientError, ValueError, OSError) as exc:
        reason = " ".join(str(exc).split())
        return (f"{_s3_named(settings['s3'])} cannot be used ({exc.__class__.__name__}: "
                f"{reason}); check KELISIM_S3_ENDPOINT_URL, KELISIM_S3_ACCESS_KEY_ID and "
                "KELISIM_S3_SECRET_ACCESS_KEY")
    finally:
        if store is not None:
            store.client.close()
    return None


def _s3_named(s3):
    return (f"the s3 attachment store at {s3.get('endpoint_url') or 'AWS'} (bucket "
            f"{s3['bucket']!r})")


def _directory_problem(directory):
    try:
        existing = directory
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        spool = directory / ".incoming"
        if existing.is_dir() and os.access(existing, os.W_OK | os.X_OK) and (
                not spool.exists() or spool.is_dir()):
            return None
        reason = f"{existing} is not a directory this process may write in"
    except OSError as exc:  # a parent it may not search, a name too long
        reason = exc.strerror or str(exc)
    return (f"KELISIM_ATTACHMENT_DIR: the attachment directory {directory} cannot be made "
            f"({reason})")


def spool_file(store):
    """A new temporary file in the store's spool directory, open for writing (binary)."""
    store.spool_dir.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=store.spool_dir, prefix="upload-", delete=False)


def discard(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class AttachmentStore(DependencyProvider):
    """Injects the gateway's attachment store, made from the container's ``ATTACHMENTS``
    config (kelisim.config.nameko_config) at start."""

    def setup(self):
        from kelisim.config import attachments_settings

        settings = self.container.config.get("ATTACHMENTS") or attachments_settings()
        self.max_bytes = int(settings["max_bytes"])
        self.store = make_store(settings)

    def start(self):
        self.store.ensure()

    def get_dependency(self, worker_ctx):
        self.store.max_bytes = self.max_bytes
        return self.store


def copy_tree(source, target):
    """Copy a file store's attachments (not its spool) from ``source`` to ``target``."""
    source, target = Path(source), Path(target)
    for path in sorted(source.glob("??/*")):
        if _KEY.match(path.name):
            (target / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / path.parent.name / path.name)
