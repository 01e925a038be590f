"""The events register's pages: the list with filters (region, kind, period) and its
totals, an event's page with its history, and the form recording an event (a KGU
coordinator for its own region, the RGU for any), errors beside the fields.

The calls are the API routes' (gateway/entrypoints/events_routes.py) with the same
parameters: the reports service's region rules apply (a coordinator lists its own region's
events only and records none for another region: its refusal is said beside the region).
"""
import functools

from gateway.entrypoints.web_attachments import evidence
from gateway.service_layer.names import attach_names
from gateway.web.listing import PAGE_SIZE, field_errors, filterable, listed, offset_of, paging
from gateway.web.pages import Page, gather, optional, page, redirect
from kelisim.errors import Forbidden, Invalid, KelisimError
from kelisim.i18n import N_, _

WRITERS = ("kgu_coordinator", "rgu_admin")
FILTERS = ("region", "kind", "period", "status")
STATUS_NAMES = {"recorded": N_("held"), "cancelled": N_("cancelled")}
# the form's fields, each as the reader typed it (the form is shown again with them)
FORM_FIELDS = ("region", "kind", "initiative", "starts_at", "ends_at", "title_kk", "title_ru",
               "description", "participants", "district", "settlement", "address",
               "languages", "media_links")
PLACE_FIELDS = ("district", "settlement", "address")


def _title(event, lang):
    first = event.get("title_ru") if lang == "ru" else event.get("title_kk")
    return first or event.get("title_kk") or event.get("title_ru") or ""


# an event's fields -> the words its page shows for them (the fields derived from others,
# such as structure_types, local_date and plan_id, are left out of "fields changed")
FIELD_NAMES = {"starts_at": N_("When"), "ends_at": N_("When"), "kind": N_("Kind"),
               "title_kk": N_("Title in Kazakh"), "title_ru": N_("Title in Russian"),
               "description": N_("Description"), "structure_ids": N_("Public structures"),
               "place": N_("Place"), "participants": N_("Participants"),
               "languages": N_("Languages"), "media_links": N_("Coverage"),
               "media_count": N_("Media items"), "task_id": N_("Task"),
               "project_code": N_("Base project"), "initiative": N_("Initiative"),
               "status": N_("Status"), "org_unit_id": N_("Organiser")}
UNSHOWN = ("version", "updated_at", "change_reason", "structure_types", "local_date",
           "plan_id", "cancel_reason", "org_unit_kind", "region_code", "id")
ACTIONS = {"record": N_("recorded"), "update": N_("changed"), "cancel": N_("cancelled"),
           "attach": N_("file attached"), "detach": N_("file removed")}


def changed_fields(entry, lang):
    """What an audit entry of an event changed, as the reader reads it (``lang``): the
    changed fields' names (each once, bookkeeping and derived fields left out), or for a
    file attached or removed its name in «»; a list of str."""
    before, after = entry.get("before") or {}, entry.get("after") or {}
    if entry.get("action") in ("attach", "detach"):
        return [f"«{(after or before).get('filename', '')}»"]
    names = []
    for name in after:
        if name in UNSHOWN or after.get(name) == before.get(name):
            continue
        shown = _(FIELD_NAMES[name]).render(lang) if name in FIELD_NAMES else name
        if shown not in names:
            names.append(shown)
    return names


def what_was_done(entry, lang):
    """An event audit entry's action in the reader's words (``lang``); an action this page
    does not know, as it is."""
    action = entry.get("action")
    return _(ACTIONS[action]).render(lang) if action in ACTIONS else str(action)


def event_body(typed):
    """The API's ``POST /events`` body of the form's ``typed`` values (strings), and the
    errors found before sending it: ``(body, {field: Msg})``. Empty fields are left out;
    ``participants`` must be a whole number; languages are comma-separated codes, media
    links one per line."""
    body, errors = {}, {}
    for name in ("region", "kind", "initiative", "title_kk", "title_ru", "description",
                 "starts_at", "ends_at"):
        if typed.get(name):
            body[name] = typed[name]
    if typed.get("participants"):
        try:
            body["participants"] = int(typed["participants"])
        except ValueError:
            errors["participants"] = _("a whole number, 0 or more")
    place = {name: typed[name] for name in PLACE_FIELDS if typed.get(name)}
    if place:
        body["place"] = place
    languages = [code.strip() for code in typed.get("languages", "").replace(";", ",")
                 .split(",") if code.strip()]
    if languages:
        body["languages"] = languages
    links = [line.strip() for line in typed.get("media_links", "").splitlines() if line.strip()]
    if links:
        body["media_links"] = links
    return body, errors


class WebEventsPages:
    """Mixed into GatewayService (``reports`` and ``registry``: RPC proxies; ``uow``)."""

    @page("GET", "/events")
    def web_events(self, req):
        offset = offset_of(req.args)
        filters = {name: req.args[name].strip() for name in FILTERS
                   if (req.args.get(name) or "").strip()}
        counted = {k: v for k, v in filters.items() if k != "status"}
        (found, errors), (stats, _errors), kinds, regions, progress = gather(
            listed(lambda: self.reports.list_events(dict(
                filters, limit=str(PAGE_SIZE), offset=str(offset))), req.lang,
                {"items": [], "total": 0}),
            listed(lambda: self.reports.event_stats(dict(counted, by="region"))
                   if filters.get("status") != "cancelled" else None, req.lang, None),
            self.reports.list_event_kinds, self._regions,
            lambda: self._events_progress(req, filters))
        return Page("events.html", {
            "progress": None if errors else progress, "totals": stats and stats["total"],
            "items": found["items"], "filters": filters, "errors": errors,
            "regions": filterable(req.actor, regions),
            "region_of": {r["code"]: r for r in regions},
            "kinds": kinds["kinds"], "kind_of": {k["code"]: k for k in kinds["kinds"]},
            "statuses": STATUS_NAMES, "title": lambda e: _title(e, req.lang),
            "may_record": req.actor.get("role") in WRITERS,
            "paging": paging(req.http.path, req.args, found["total"], offset)},
            422 if errors else 200)

    def _events_progress(self, req, filters):
        """The count targets against the register (``GET /targets/progress``) for the year of
        the period filtered (this year by default): the region's rows (a coordinator's own,
        else the region filtered), or the national ones. None when the service refuses."""
        query = {}
        year = (filters.get("period") or "")[:4]
        if year.isdigit():
            query["year"] = year
        region = filters.get("region") or (req.actor.get("region") if req.actor.get(
            "role") == "kgu_coordinator" else None)
        if region:
            query["region"] = region
        try:
            found = self.reports.target_progress(query)
        except KelisimError:
            return None
        where = region or "national"
        targets = [dict(target, rows=[row for row in target["rows"] if row["region"] == where])
                   for target in found["targets"]]
        return {"year": found["year"], "region": region,
                "targets": [t for t in targets if t["rows"]]}

    @page("GET", "/events/<int:event_id>")
    def web_event(self, req, event_id):
        return self._event_page(req, event_id)

    def _regions(self):
        """The regions, or none when the registry does not answer (codes are shown)."""
        return optional(self.registry.list_regions) or []

    def _event_page(self, req, event_id):
        """The page of event ``event_id``: its facts (the base project by name, its
        organising structures), coverage, evidence documents and history."""
        event = self.reports.get_event(event_id)
        history, kinds, regions, organiser, project, *structures = gather(
            lambda: self.reports.event_history(event_id),
            self.reports.list_event_kinds, self._regions,
            functools.partial(optional, self.registry.get_org_unit, event["org_unit_id"]),
            lambda: event.get("project_code") and optional(
                lambda: self.projects.get_project(event["project_code"])),
            *[functools.partial(optional, functools.partial(
                self.registry.get_structure, structure_id))
              for structure_id in event.get("structure_ids") or []])
        history = attach_names(self.uow, history)
        for entry in history:
            entry["changed"] = changed_fields(entry, req.lang) \
                if entry.get("action") != "record" else []
            entry["what"] = what_was_done(entry, req.lang)
        regions = {r["code"]: r for r in regions}
        return Page("event.html", {
            "event": event, "history": history, "organiser": organiser,
            "title": _title(event, req.lang), "region": regions.get(event.get("region_code")),
            "kind": {k["code"]: k for k in kinds["kinds"]}.get(event["kind"]),
            "initiative": {i["code"]: i for i in kinds["initiatives"]}.get(
                event.get("initiative")),
            "statuses": STATUS_NAMES, "recorded": req.args.get("recorded"),
            "project": project or None,
            "structures": [found or {"id": structure_id} for found, structure_id in
                           zip(structures, event.get("structure_ids") or [], strict=True)],
            "evidence": evidence(self.uow, "event", event_id, req.lang, f"/events/{event_id}",
                                 req.actor.get("role") in WRITERS)})

    @page("GET", "/events/new", roles=WRITERS)
    def web_event_form(self, req):
        typed = {"region": req.actor.get("region") or ""}
        return self._record_event_form(req, typed)

    def _record_event_form(self, req, typed, errors=None, message=None, status=200):
        kinds, regions = gather(self.reports.list_event_kinds, self._regions)
        return Page("event_form.html", {
            "typed": typed, "errors": errors or {}, "message": message,
            "regions": filterable(req.actor, regions), "kinds": kinds["kinds"],
            "initiatives": kinds["initiatives"]}, status)

    @page("POST", "/events/new", roles=WRITERS)
    def web_record_event(self, req):
        typed = {name: req.form.get(name, "").strip() for name in FORM_FIELDS}
        body, errors = event_body(typed)
        if errors:
            return self._record_event_form(req, typed, {k: v.render(req.lang) for k, v in
                                                 errors.items()},
                                    _("the event is not valid").render(req.lang), 422)
        try:
            event = self.reports.record_event(body)
        except Forbidden as exc:
            # another region's event: said beside the region chosen
            return self._record_event_form(req, typed, {"region": exc.detail_in(req.lang)},
                                    exc.detail_in(req.lang), exc.status)
        except KelisimError as exc:
            found = field_errors(exc.errors_in(req.lang)) if isinstance(exc, Invalid) else {}
            errors = {}
            for key, text in found.items():  # place.district -> district, languages.1 -> languages
                name = key.removeprefix("place.").split(".")[0]
                errors[name] = f"{errors[name]}; {text}" if name in errors else text
            if "org_unit_id" in errors:
                errors.setdefault("region", errors.pop("org_unit_id"))
            return self._record_event_form(req, typed, errors, exc.detail_in(req.lang), exc.status)
        return redirect(f"/events/{event['id']}?recorded=1")
