"""The report pages: the reports a KGU owes (all of them, filtered, for the RGU), the report
form generated from its template, and the RGU's review (the queue of submitted reports,
reporting rates, roll-ups with their CSV/XLSX export).

Every page reads and writes through the reports service's RPC with the parameters the API
routes send (gateway/entrypoints/reports_routes.py), so its region rules apply as they do
to the API: a coordinator's call for another region's report is the service's 404.
"""
from urllib.parse import urlencode

from gateway.entrypoints.web_attachments import evidence
from gateway.service_layer.names import attach_names
from gateway.web import report_form
from gateway.web.pages import Page, gather, optional, page, redirect
from kelisim.errors import Invalid, KelisimError
from kelisim.i18n import _
from kelisim.labels import label

RGU = ("rgu_admin",)
READERS_OF_ALL = ("rgu_admin", "observer")
EDITABLE = ("draft", "returned", "reopened")  # services/reports/domain/reports.py
STATUSES = ("draft", "submitted", "accepted", "returned", "reopened")
NEEDS_TEXT = {"return": _("required: why it is returned"),
              "reopen": _("required: why it is reopened")}
LIST_FILTERS = ("region", "template", "period", "status", "overdue", "year")
RANGE_FILTERS = ("year", "from", "to", "region")
PAGE_SIZE = 50
DONE = {"saved": _("The report is saved."), "submitted": _("The report is submitted."),
        "accepted": _("The report is accepted."),
        "returned": _("The report is returned to the KGU with your comment."),
        "reopened": _("The report is reopened.")}


def query_of(args, names):
    """The non-empty query parameters of ``args`` among ``names`` (as sent: text)."""
    return {name: args[name].strip() for name in names if (args.get(name) or "").strip()}


def labeller(lang):
    """``label(kind, code)`` in ``lang`` for the templates (a status's word)."""
    def word(kind, code):
        return label(kind, code).render(lang) if code else ""
    return word


def _version(form):
    try:
        return int(form.get("version", ""))
    except ValueError:
        return 0


class WebReportsPages:
    """Mixed into GatewayService (``reports``, ``registry``, ``uow``)."""

    # -- shared look-ups
    def _report_regions(self):
        """``{code: region}`` of the 20 regions (empty if the registry does not answer)."""
        return {region["code"]: region for region in optional(self.registry.list_regions) or []}

    def _report_templates(self):
        """``{code: newest template}`` of every report template."""
        try:
            return {t["code"]: t for t in self.reports.list_templates({})}
        except KelisimError:
            return {}

    def _report_common(self, req, *calls):
        """The look-ups every report page shows (regions, templates), and the results of
        ``calls`` made at the same time: ``(context, [results])``."""
        regions, templates, *found = gather(self._report_regions, self._report_templates,
                                            *calls)
        return {"label": labeller(req.lang), "regions": regions, "templates": templates}, found

    # -- the reports owed, or all of them
    @page("GET", "/reports")
    def web_reports(self, req):
        if req.actor.get("role") == "kgu_coordinator":
            context, (owed, sent) = self._report_common(
                req, lambda: self.reports.list_reports({"missing": "true", "sort": "due_date",
                                                        "limit": "200"}),
                lambda: self.reports.list_reports({"missing": "false",
                                                   "sort": "-period_start", "limit": "20"}))
            return Page("reports_owed.html", {**context, "owed": owed, "sent": sent})
        context, _found = self._report_common(req)
        filters = query_of(req.args, LIST_FILTERS)
        offset = max(0, int(req.args["offset"])) if req.args.get("offset", "").isdigit() \
            else 0
        error, found = None, {"items": [], "total": 0, "limit": PAGE_SIZE, "offset": 0}
        try:
            found = self.reports.list_reports({**filters, "limit": str(PAGE_SIZE),
                                               "offset": str(offset)})
        except KelisimError as exc:
            if exc.status != 422:
                raise
            error = " ".join([str(exc.detail_in(req.lang)), *map(
                str, report_form.split_errors(exc.errors_in(req.lang), [])[1])])
        pages = {"previous": max(0, offset - PAGE_SIZE) if offset else None,
                 "next": offset + PAGE_SIZE if offset + PAGE_SIZE < found["total"] else None}
        return Page("reports_all.html", {
            **context, "found": found, "filters": filters, "error": error,
            "statuses": STATUSES, "pages": {k: None if v is None else "/reports?" + urlencode(
                {**filters, "offset": v}) for k, v in pages.items()}},
            422 if error else 200)

    # -- one report: the form, or what was sent
    @page("GET", "/reports/<int:report_id>")
    def web_report(self, req, report_id):
        return self._report_page(req, self.reports.get_report(report_id))

    def _report_page(self, req, report, errors=None, typed=None, problems=(), decision=None,
                     status=200):
        """The page of ``report`` (its values, or ``typed``: the form as posted), with
        ``errors`` beside the fields, ``problems`` above the form and ``decision`` (the
        RGU's form that failed: its name, text and error)."""
        attach_names(self.uow, report)
        template, history, regions = gather(
            lambda: self.reports.get_template(report["template_id"]),
            lambda: self._report_history(report["id"]), self._report_regions)
        role = req.actor.get("role")
        editable = report["status"] in EDITABLE and role in ("kgu_coordinator", "rgu_admin")
        fields = report_form.form_fields(template, report.get("values"), errors, req.lang,
                                         report.get("register_figures"), typed)
        return Page("report_form.html", {
            "report": report, "report_template": template, "fields": fields, "editable": editable,
            "rules": report_form.rule_checks(template, req.lang),
            "problems": list(problems), "notice": None, "decision": decision or {},
            "can_decide": role in RGU, "history": history[:20],
            "region": regions.get(report.get("region_code")),
            "label": labeller(req.lang), "has_errors": bool(errors or problems),
            "storage_key": f"kelisim:report:{report['id']}:v{report['version']}",
            "evidence": evidence(self.uow, "report", report["id"], req.lang,
                                 f"/reports/{report['id']}", editable),
            **self._report_notice(req)}, status)

    def _report_history(self, report_id):
        """The report's audit trail with names (empty if it cannot be read)."""
        try:
            return attach_names(self.uow, self.reports.report_history(report_id))
        except KelisimError:
            return []

    def _report_notice(self, req):
        done = DONE.get(req.args.get("done"))
        return {"notice": done.render(req.lang)} if done else {}

    @page("POST", "/reports/<int:report_id>")
    def web_report_save(self, req, report_id):
        """The form's two buttons: ``action=save`` (a draft, checked by type only) or
        ``action=submit`` (required fields and rules must hold)."""
        report = self.reports.get_report(report_id)
        template = self.reports.get_template(report["template_id"])
        action = "submit" if req.form.get("action") == "submit" else "save"
        body = {"version": _version(req.form),
                "values": report_form.typed_values(template["fields"], req.form)}
        try:
            if action == "submit":
                self.reports.submit_report(report_id, body)
            else:
                self.reports.save_report(report_id, body)
        except KelisimError as exc:
            if exc.status not in (409, 422):
                raise
            beside, rest = report_form.split_errors(report_form.field_errors(exc, req.lang),
                                                    template["fields"])
            problems = [exc.detail_in(req.lang), *rest]
            if exc.status == 409:  # changed meanwhile: the current report, what was typed
                report = self.reports.get_report(report_id)
                problems = [exc.detail_in(req.lang)]
                problems.append(_("Your values are still in the form: check them against "
                                  "the report as it is now and save again.").render(req.lang))
            typed = {name: value for name, value in req.form.items()
                     if name.startswith("f_")}
            return self._report_page(req, report, beside, typed, problems, status=exc.status)
        done = "submitted" if action == "submit" else "saved"
        return redirect(f"/reports/{report_id}?done={done}")

    # -- the RGU's decisions
    def _report_decide(self, req, report_id, action, text_field):
        """Accept, return (a comment needed) or reopen (a reason needed) a report; a refusal
        shows the report again with the message beside the text, what was typed kept."""
        body = {"version": _version(req.form)}
        text = (req.form.get(text_field) or "").strip()
        if text:
            body[text_field] = text
        call = {"accept": self.reports.accept_report, "return": self.reports.return_report,
                "reopen": self.reports.reopen_report}[action]
        try:
            if not text and action in NEEDS_TEXT:  # the service refuses it too (422)
                raise Invalid(NEEDS_TEXT[action], {text_field: NEEDS_TEXT[action]})
            call(report_id, body)
        except KelisimError as exc:
            if exc.status not in (409, 422):
                raise
            errors = exc.errors_in(req.lang)
            message = errors.get(text_field) if isinstance(errors, dict) else None
            report = self.reports.get_report(report_id)
            return self._report_page(req, report, problems=[exc.detail_in(req.lang)],
                                     decision={"action": action, "text": text,
                                               "error": report_form.as_text(message)
                                               if message else None},
                                     status=exc.status)
        done = {"accept": "accepted", "return": "returned", "reopen": "reopened"}[action]
        return redirect(f"/review?done={done}" if action != "reopen"
                        else f"/reports/{report_id}?done={done}")

    @page("POST", "/reports/<int:report_id>/accept", roles=RGU)
    def web_report_accept(self, req, report_id):
        return self._report_decide(req, report_id, "accept", "comment")

    @page("POST", "/reports/<int:report_id>/return", roles=RGU)
    def web_report_return(self, req, report_id):
        return self._report_decide(req, report_id, "return", "comment")

    @page("POST", "/reports/<int:report_id>/reopen", roles=RGU)
    def web_report_reopen(self, req, report_id):
        return self._report_decide(req, report_id, "reopen", "reason")

    # -- the review: queue, rates, roll-ups
    @page("GET", "/review", roles=READERS_OF_ALL)
    def web_review(self, req):
        context, (queue, accepted, returned) = self._report_common(req, *(
            lambda query=query: self.reports.list_reports(query) for query in (
                {"status": "submitted", "sort": "due_date", "limit": "200"},
                {"status": "accepted", "sort": "-id", "limit": "10"},
                {"status": "returned", "sort": "due_date", "limit": "20"})))
        return Page("review_queue.html", {**context, **self._report_notice(req),
                                          "queue": queue, "accepted": accepted,
                                          "returned": returned, "tab": "queue"})

    @page("GET", "/review/rates", roles=READERS_OF_ALL)
    def web_review_rates(self, req):
        filters = query_of(req.args, (*RANGE_FILTERS, "template", "period_type",
                                      "include_not_due"))
        rates, error = None, None
        try:
            rates = self.reports.reporting_rates(filters)
        except KelisimError as exc:
            if exc.status != 422:
                raise
            error = self._report_query_error(exc, req)
        return Page("review_rates.html", {**self._report_common(req)[0], "rates": rates,
                                          "filters": filters, "error": error, "tab": "rates"},
                    422 if error else 200)

    @page("GET", "/review/rollups", roles=READERS_OF_ALL)
    def web_review_rollups(self, req):
        filters = query_of(req.args, (*RANGE_FILTERS, "template", "project", "by",
                                      "accepted_only"))
        context = self._report_common(req)[0]
        if "template" not in filters and "project" not in filters and context["templates"]:
            filters["template"] = next(iter(sorted(context["templates"])))
        rollup, error = None, None
        try:
            rollup = self.reports.rollup(filters)
        except KelisimError as exc:
            if exc.status != 422:
                raise
            error = self._report_query_error(exc, req)
        export = {fmt: "/api/v1/rollups/export?" + urlencode({**filters, "format": fmt,
                                                              "lang": req.lang})
                  for fmt in ("csv", "xlsx")}
        return Page("review_rollups.html", {**context, "rollup": rollup, "filters": filters,
                                            "error": error, "export": export,
                                            "tab": "rollups"}, 422 if error else 200)

    def _report_query_error(self, exc, req):
        errors = exc.errors_in(req.lang) or {}
        details = [f"{key}: {report_form.as_text(value)}" for key, value in errors.items()] \
            if isinstance(errors, dict) else []
        return " ".join([str(exc.detail_in(req.lang)), *details])
