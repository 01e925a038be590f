"""The files the pages load: our own (static/) and the npm packages' (vendor/), by name.

Every URL carries the file's content digest (``/static/htmx.js?v=1a2b3c4d``), so browsers
keep them for a year and a new release is fetched at once.
"""
import functools
import gzip
import hashlib
from pathlib import Path

HERE = Path(__file__).parent
OWN = HERE / "static"
NODE_MODULES = HERE / "vendor" / "node_modules"
# the public name of each served npm file -> its path under node_modules (ASSETS.md has
# their licences); nothing else of node_modules is served
VENDOR = {
    "htmx.js": "htmx.org/dist/htmx.min.js",
    "pico.css": "@picocss/pico/css/pico.min.css",
    "frappe-gantt.js": "frappe-gantt/dist/frappe-gantt.umd.js",
    "frappe-gantt.css": "frappe-gantt/dist/frappe-gantt.css",
    "swagger-ui.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
YEAR_SECONDS = 365 * 24 * 3600
# text files sent gzip-compressed to a browser that accepts it (Swagger UI's 1.7 MB
# bundle is 0.46 MB so); never the pages' HTML, which carries the session's CSRF token
# beside what the reader typed (BREACH)
COMPRESSED = (".js", ".css", ".svg", ".json", ".txt")


def path_of(name):
    """The file served as ``/static/<name>``, or None: a vendored npm file by its public
    name, else a file directly inside static/ (no subfolders, no dot files)."""
    if name in VENDOR:
        path = NODE_MODULES / VENDOR[name]
    elif "/" in name or "\\" in name or name.startswith("."):
        return None
    else:
        path = OWN / name
    return path if path.is_file() else None


@functools.cache
def digest(name):
    """The first 10 hex digits of the file's SHA-256 (cached for the process's life)."""
    path = path_of(name)
    if path is None:
        raise LookupError(f"no static file {name!r} (is gateway/web/vendor installed? "
                          f"make install runs npm ci)")
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def url(name):
    """``/static/<name>?v=<digest>``: the URL a template writes for a static file."""
    return f"/static/{name}?v={digest(name)}"


@functools.cache
def gzipped(name):
    """The bytes of the static file ``name`` gzip-compressed (level 9, made on first use
    and kept for the process's life: the files change only with a release), or None when
    it is not a text file worth compressing. LookupError when there is no such file."""
    if not name.endswith(COMPRESSED):
        return None
    path = path_of(name)
    if path is None:
        raise LookupError(f"no static file {name!r}")
    return gzip.compress(path.read_bytes(), 9, mtime=0)
