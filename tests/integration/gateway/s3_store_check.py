"""Run by test_attachments_s3.py in a process of its own (eventlet patched first, as in
``kelisim serve``): the S3 store against the server at ``sys.argv[1]``. Exits non-zero with
the failed assertion otherwise. (In the test process, a module imported before eventlet
patched ``ssl`` makes botocore's SSL context recurse; a served gateway never has that.)"""
import eventlet

eventlet.monkey_patch()

import hashlib  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from gateway.adapters.storage import S3Store  # noqa: E402


def main(endpoint_url):
    store = S3Store({"endpoint_url": endpoint_url, "bucket": "kelisim-check",
                     "access_key_id": "test", "secret_access_key": "test-secret",
                     "region": "us-east-1"})
    store.ensure()
    store.ensure()  # the bucket exists already: nothing to do
    data = b"%PDF-1.4\n" + bytes(range(256)) * 1600  # ~400 kB: read back in several chunks
    folder = Path(tempfile.mkdtemp())
    spooled = folder / "upload"
    spooled.write_bytes(data)
    key = "0123456789abcdef0123456789abcdef"
    store.put(key, spooled, len(data), hashlib.sha256(data).hexdigest(), "application/pdf")
    assert not spooled.exists()
    chunks = list(store.chunks(key))
    assert len(chunks) > 1 and b"".join(chunks) == data, len(chunks)
    assert store.keys() == [key], store.keys()
    store.delete(key)
    assert store.keys() == []
    print("s3 store ok")


if __name__ == "__main__":
    main(sys.argv[1])
