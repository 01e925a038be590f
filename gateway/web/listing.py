"""What the list pages and forms share: paging links over a listing's ``total`` and the
field errors of a service's refusal, flattened for the fields of a form."""
from urllib.parse import urlencode

from kelisim.errors import Invalid

PAGE_SIZE = 20


def offset_of(args, limit=PAGE_SIZE):
    """The ``offset`` query value of a list page as a non-negative multiple of ``limit``
    (0 for a missing or malformed one: a page never fails on a bad paging link)."""
    try:
        offset = int(args.get("offset", 0))
    except (TypeError, ValueError):
        return 0
    return max(0, offset - offset % limit)


def paging(path, args, total, offset, limit=PAGE_SIZE):
    """The paging of a list page: ``{"first", "last", "total", "previous", "next"}``, where
    ``first``/``last`` are 1-based positions of the items shown and ``previous``/``next``
    are URLs (None at either end) keeping the page's other query values (filters)."""
    kept = {key: value for key, value in args.items()
            if key not in ("offset", "lang") and value not in (None, "")}

    def link(at):
        query = dict(kept, offset=str(at)) if at else kept
        return path + ("?" + urlencode(query) if query else "")

    return {"first": offset + 1 if total else 0, "last": min(offset + limit, total),
            "total": total,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "next": link(offset + limit) if offset + limit < total else None}


def field_errors(errors, prefix=""):
    """A service's ``errors_in(lang)`` (field -> text, nested dicts for nested fields, lists
    for several texts) as ``{"field.sub": "text; text"}``."""
    flat = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(field_errors(value, name))
            else:
                flat[name] = "; ".join(str(v) for v in value) if isinstance(
                    value, (list, tuple)) else str(value)
    elif errors:
        flat[prefix or "_schema"] = str(errors)
    return flat


def listed(call, lang, empty):
    """``(result, errors)`` of a listing ``call``: its answer and ``{}``, or ``empty`` and the
    field errors of the service's refusal (Invalid: a bad filter, said beside the form)."""
    def run():
        try:
            return call(), {}
        except Invalid as exc:
            return empty, field_errors(exc.errors_in(lang))
    return run


def filterable(actor, regions):
    """The regions the reader may filter by: a coordinator's own, else every one."""
    if actor.get("role") == "kgu_coordinator":
        return [r for r in regions if r["code"] == actor.get("region")]
    return regions
