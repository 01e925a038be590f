"""The names of the assignees an event mentions, in Kazakh and Russian, looked up in the
registry (the events carry one name, as it was when assigned)."""


def _unit_name(unit):
    if not unit:
        return None
    found = {lang: unit.get(f"name_{lang}") for lang in ("kk", "ru", "en")}
    return {lang: text for lang, text in found.items() if text} or None


def _assignee_name(directory, assignee):
    kind, ident = assignee.get("kind"), assignee.get("id")
    if kind == "org_unit":
        return _unit_name(directory.org_unit(ident))
    if kind == "organisation":
        lookup = getattr(directory, "organisation", None)
        return _unit_name(lookup(ident)) if lookup else None
    if kind == "structure":
        structure = directory.structure(ident) or {}
        text = structure.get("name")
        return {"kk": text, "ru": text} if text else None
    if kind == "person":
        person = directory.person(ident, assignee.get("region_code")) or {}
        text = person.get("full_name")
        return {"kk": text, "ru": text} if text else None
    return None


def names_for(data, directory):
    """``{"assignee": name, "previous_assignee": name}`` of ``data`` where the registry
    knows them; a name is ``{"kk": ..., "ru": ...}`` (kelisim.i18n.name)."""
    found = {}
    for key in ("assignee", "previous_assignee"):
        assignee = data.get(key)
        if isinstance(assignee, dict):
            named = _assignee_name(directory, assignee)
            if named:
                found[key] = named
    return found
