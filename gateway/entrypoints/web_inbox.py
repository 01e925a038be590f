"""The inbox pages: the reader's notifications (mark read, archive, read all, with htmx
updating the header's unread badge, and as plain forms without JavaScript), notification
preferences per event type and the e-mail language, and webhooks (the secret shown once).

Every call is the one the API's route makes (gateway/entrypoints/notifications_routes.py),
with the same parameters: the notifications service applies its own rules to the reader.
"""
from urllib.parse import parse_qsl

from gateway.entrypoints.web_core import safe_next
from gateway.web.listing import PAGE_SIZE, field_errors, offset_of, paging
from gateway.web.pages import Page, gather, page, redirect
from kelisim.errors import Invalid, KelisimError
from kelisim.i18n import N_
from services.notifications.contract import (
    FREQUENCIES,
    NOTIFIED_TYPES,
    PREFERENCE_CHANNELS,
    is_critical,
)

INBOX_ROLES = ("kgu_coordinator", "rgu_admin")
# the name of each notified event type, as a reader sees it (msgids: the templates
# translate them)
EVENT_TYPE_NAMES = {
    "task_assigned": N_("Task assigned"),
    "task_reassigned": N_("Task reassigned"),
    "deadline_slipped": N_("Deadline moved"),
    "task_overdue": N_("Task overdue"),
    "budget_overrun": N_("Budget overrun"),
    "risk_escalated": N_("Risk escalated"),
    "plan_status_changed": N_("Plan status changed"),
    "report_due_soon": N_("Report due soon"),
    "report_overdue": N_("Report overdue"),
    "report_submitted": N_("Report submitted"),
    "report_accepted": N_("Report accepted"),
    "report_returned": N_("Report returned for correction"),
    "report_reopened": N_("Report reopened"),
}
CHANNEL_NAMES = {"inbox": N_("In the inbox"), "email": N_("By e-mail")}
FREQUENCY_NAMES = {"immediate": N_("At once"), "hourly": N_("Hourly digest"),
                   "daily": N_("Daily digest")}
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def _back(req):
    """Where a handled inbox form returns: the list it was posted from."""
    target = safe_next(req.form.get("back"))
    return target if target.startswith("/inbox") else "/inbox"


def _inbox_params(args, offset):
    """The API's inbox query of a list page (its query ``args``): one page, unread only
    when the reader filtered so."""
    params = {"limit": str(PAGE_SIZE), "offset": str(offset)}
    if args.get("unread"):
        params["unread"] = "true"
    return params


class WebInboxPages:
    """Mixed into GatewayService (``notifications``: an RPC proxy)."""

    # the inbox
    @page("GET", "/inbox", roles=INBOX_ROLES)
    def web_inbox(self, req):
        return Page("inbox.html", self._inbox_values(req))

    def _inbox_values(self, req):
        offset = offset_of(req.args)
        found = self.notifications.list_inbox(_inbox_params(req.args, offset))
        here = req.http.full_path.rstrip("?")
        return {"items": found["items"], "only_unread": bool(req.args.get("unread")),
                "paging": paging("/inbox", req.args, found["total"], offset),
                "back": here if here.startswith("/inbox") else "/inbox",
                "type_names": EVENT_TYPE_NAMES}

    @page("POST", "/inbox/<int:item_id>/read", roles=INBOX_ROLES)
    def web_mark_read(self, req, item_id):
        item = self.notifications.mark_read(item_id)
        if req.http.headers.get("HX-Request"):
            return Page("inbox_changed.html", {"item": item, "back": _back(req),
                                               "type_names": EVENT_TYPE_NAMES,
                                               "said": N_("Marked read.")})
        return redirect(_back(req))

    @page("POST", "/inbox/<int:item_id>/archive", roles=INBOX_ROLES)
    def web_archive(self, req, item_id):
        self.notifications.archive_item(item_id)
        if req.http.headers.get("HX-Request"):
            return Page("inbox_changed.html", {"item": None, "said": N_("Archived.")})
        return redirect(_back(req))

    @page("POST", "/inbox/read-all", roles=INBOX_ROLES)
    def web_read_all(self, req):
        marked = self.notifications.mark_all_read({})
        if req.http.headers.get("HX-Request"):
            back = _back(req)
            args = dict(parse_qsl(back.partition("?")[2]))
            found = self.notifications.list_inbox(_inbox_params(args, offset_of(args)))
            return Page("inbox_changed.html", {
                "items": found["items"], "back": back, "only_unread": bool(args.get("unread")),
                "type_names": EVENT_TYPE_NAMES, "said": N_("{n} marked read."),
                "marked": marked.get("marked", 0)})
        return redirect(_back(req))

    # preferences
    @page("GET", "/inbox/preferences", roles=INBOX_ROLES)
    def web_preferences(self, req):
        return self._preferences_page(req)

    def _preferences_page(self, req, errors=None, typed=None, status=200):
        found, language = gather(lambda: self.notifications.get_preferences({}),
                                 lambda: self.notifications.get_language({}))
        rows = []
        for row in found["items"]:
            wanted = (typed or {}).get(row["event_type"])
            shown = dict(row, **wanted) if wanted else row
            rows.append(dict(shown, name=EVENT_TYPE_NAMES.get(row["event_type"],
                                                              row["event_type"])))
        return Page("inbox_preferences.html", {
            "rows": rows, "errors": errors or {}, "language": language,
            "languages": LANGUAGE_NAMES, "channels": PREFERENCE_CHANNELS,
            "channel_names": CHANNEL_NAMES, "frequencies": FREQUENCIES,
            "frequency_names": FREQUENCY_NAMES, "saved": req.args.get("saved")}, status)

    @page("POST", "/inbox/preferences", roles=INBOX_ROLES)
    def web_save_preferences(self, req):
        current = {row["event_type"]: row
                   for row in self.notifications.get_preferences({})["items"]}
        errors, typed = {}, {}
        for event_type in NOTIFIED_TYPES:
            row = current.get(event_type)
            if row is None or f"{event_type}.frequency" not in req.form:
                continue
            channels = row["channels"] if is_critical(event_type) else sorted(
                channel for channel in PREFERENCE_CHANNELS
                if req.form.get(f"{event_type}.{channel}"))
            frequency = req.form.get(f"{event_type}.frequency", row["frequency"])
            typed[event_type] = {"channels": channels, "frequency": frequency}
            if (sorted(row["channels"]), row["frequency"]) == (channels, frequency):
                continue
            try:
                self.notifications.set_preference(event_type, {"channels": channels,
                                                               "frequency": frequency})
            except Invalid as exc:
                errors[event_type] = "; ".join(field_errors(exc.errors_in(req.lang)).values()) \
                    or exc.detail_in(req.lang)
        if errors:
            return self._preferences_page(req, errors, typed, 422)
        return redirect("/inbox/preferences?saved=channels")

    @page("POST", "/inbox/preferences/language", roles=INBOX_ROLES)
    def web_save_language(self, req):
        try:
            self.notifications.set_language({"language": req.form.get("language", "")})
        except Invalid as exc:
            page_ = self._preferences_page(req, status=422)
            page_.context["language_error"] = exc.detail_in(req.lang)
            return page_
        return redirect("/inbox/preferences?saved=language")

    # webhooks
    @page("GET", "/webhooks", roles=INBOX_ROLES)
    def web_webhooks(self, req):
        return self._webhooks_page(req)

    def _webhooks_page(self, req, created=None, errors=None, typed=None, status=200):
        hooks = self.notifications.list_webhooks({})
        return Page("webhooks.html", {
            "hooks": hooks, "created": created, "errors": errors or {},
            "typed": typed or {"url": "", "description": "", "event_types": []},
            "type_names": EVENT_TYPE_NAMES, "done": req.args.get("done")}, status)

    @page("POST", "/webhooks", roles=INBOX_ROLES)
    def web_create_webhook(self, req):
        typed = {"url": req.form.get("url", "").strip(),
                 "description": req.form.get("description", "").strip(),
                 "event_types": [t for t in NOTIFIED_TYPES if req.form.get(f"type.{t}")]}
        body = {"url": typed["url"], "event_types": typed["event_types"],
                "description": typed["description"] or None}
        try:
            created = self.notifications.register_webhook(body)
        except KelisimError as exc:
            errors = field_errors(exc.errors_in(req.lang)) if isinstance(exc, Invalid) else {}
            errors = {key.split(".")[0]: text for key, text in errors.items()}
            errors.setdefault("_form", exc.detail_in(req.lang))
            return self._webhooks_page(req, errors=errors, typed=typed, status=exc.status)
        return self._webhooks_page(req, created=created, status=201)

    @page("POST", "/webhooks/<int:webhook_id>/delete", roles=INBOX_ROLES)
    def web_delete_webhook(self, req, webhook_id):
        self.notifications.delete_webhook(webhook_id)
        return redirect("/webhooks?done=deleted")

    @page("POST", "/webhooks/<int:webhook_id>/enable", roles=INBOX_ROLES)
    def web_enable_webhook(self, req, webhook_id):
        self.notifications.enable_webhook(webhook_id)
        return redirect("/webhooks?done=enabled")
