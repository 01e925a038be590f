"""A base project's template: the work breakdown each KGU's plan is copied from.

An item is a dict (see ``schemas.WorkItemSchema``): ``key``, ``parent``, ``kind``
(phase, task, milestone), titles, ``duration`` in working days, ``start_offset`` (working
days after the plan starts, for items without predecessors), ``after`` (finish-to-start
predecessors with lags), ``scheduling``, ``level`` (``region``: one per KGU plan; ``rgu``:
once, in the project's RGU plan, and it may precede tasks in every region) and
``responsible``: RACI roles to ``kgu``, ``rgu`` or a public structure type.
"""
from kelisim.errors import Invalid
from kelisim.i18n import _
from services.projects.domain.model import MAX_LAG
from services.projects.domain.schedule import Graph, Node

SOURCES = ("kgu", "rgu")


def responsibility(item):
    """The item's RACI defaults as ``[(role, source)]``: exactly one A."""
    default_a = "rgu" if item.get("level") == "rgu" else "kgu"
    spec = item.get("responsible") or {}
    pairs = [("A", spec.get("A") or default_a)]
    for role in ("R", "C", "I"):
        pairs.extend((role, source) for source in spec.get(role, ()))
    return pairs


def validate(items):
    """Raise :class:`Invalid` naming the first broken rule of the template document."""
    errors = {}
    by_key = {}
    for index, item in enumerate(items):
        if item["key"] in by_key:
            errors[f"items.{index}.key"] = _("duplicate key {key}", key=item['key'])
        by_key[item["key"]] = item
    for index, item in enumerate(items):
        where = f"items.{index}"
        parent = item.get("parent")
        if parent is not None:
            if parent not in by_key:
                errors[f"{where}.parent"] = _("no item {parent}", parent=parent)
            elif by_key[parent]["kind"] == "milestone":
                errors[f"{where}.parent"] = _("a milestone has no children")
            elif by_key[parent].get("level", "region") != item.get("level", "region"):
                errors[f"{where}.parent"] = _("parent and child are at different levels")
        if item["kind"] == "milestone" and item.get("duration", 0) != 0:
            errors[f"{where}.duration"] = _("a milestone lasts 0 days")
        if item["kind"] == "task" and item.get("duration", 1) < 1:
            errors[f"{where}.duration"] = _("a task lasts at least 1 working day")
        for dep in item.get("after", ()):
            if dep["key"] not in by_key:
                errors[f"{where}.after"] = _("no item {key}", key=dep['key'])
            elif item.get("level") == "rgu" and by_key[dep["key"]].get("level") != "rgu":
                errors[f"{where}.after"] = _("an RGU item cannot wait for a regional one")
            elif not 0 <= dep.get("lag", 0) <= MAX_LAG:
                errors[f"{where}.after"] = _("lag from 0 to {max_lag} working days",
                                             max_lag=MAX_LAG)
        for role, source in responsibility(item):
            if source == "rgu" and item.get("level") != "rgu" and role in ("A", "R"):
                errors[f"{where}.responsible"] = _("regional work is done by the region")
    if errors:
        raise Invalid(_("the template is not consistent"), errors)
    graph = Graph([Node(item["key"], None, None, parent_id=item.get("parent"))
                   for item in items])
    for item in items:
        for dep in item.get("after", ()):
            try:
                graph.check_new_dependency(dep["key"], item["key"])
            except Invalid as exc:
                raise Invalid(_("the template: {detail} ({key})",
                                detail=exc.message, key=item["key"]),
                              {"items": next(iter(exc.texts["errors"].values()), exc.message)}
                              ) from None
            graph.add_dependency(dep["key"], item["key"], dep.get("lag", 0))


def structure_types(items):
    """Structure types the template names as responsible."""
    return sorted({source for item in items for _, source in responsibility(item)
                   if source not in SOURCES})


def parents_first(items):
    """Items ordered so that every parent comes before its children."""
    by_key = {item["key"]: item for item in items}

    def depth(item):
        level, parent = 0, item.get("parent")
        while parent is not None:
            level, parent = level + 1, by_key[parent].get("parent")
        return level

    return sorted(items, key=depth)
