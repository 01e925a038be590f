"""Routes of the reports service (served by it over RPC)."""
import base64

from werkzeug.wrappers import Response

from gateway.http import forward, route
from gateway.http.server import language_of
from services.reports.contract import EXPORT_TYPES, schemas

API = "/api/v1"
RGU = ("rgu_admin",)


class ReportsRoutes:
    """Mixed into GatewayService, which provides ``reports`` (an RPC proxy) and ``auth``."""

    # templates
    list_report_templates = forward("GET", f"{API}/report-templates", "reports.list_templates",
                                    summary="List report templates (newest versions)",
                                    tag="reports", query=schemas.TemplateQuery,
                                    response=schemas.TemplateSchema, many=True)

    create_report_template = forward("POST", f"{API}/report-templates", "reports.create_template",
                                     summary="Create a report template, or the next version of "
                                             "its code", tag="reports",
                                     body=schemas.TemplateCreateSchema,
                                     response=schemas.TemplateSchema, status=201, roles=RGU)

    get_report_template = forward("GET", f"{API}/report-templates/<int:template_id>",
                                  "reports.get_template", summary="Get a report template",
                                  tag="reports", response=schemas.TemplateSchema)

    # reports
    list_reports = forward("GET", f"{API}/reports", "reports.list_reports",
                           summary="List reports, a page at a time", tag="reports",
                           query=schemas.ReportQuery, response=schemas.ReportPageSchema,
                           names=True)

    get_report = forward("GET", f"{API}/reports/<int:report_id>", "reports.get_report",
                         summary="Get a report", tag="reports", response=schemas.ReportSchema,
                         names=True)

    save_report = forward("PUT", f"{API}/reports/<int:report_id>", "reports.save_report",
                          summary="Save a report's values (send the version you read)",
                          tag="reports", body=schemas.ReportSaveSchema,
                          response=schemas.ReportSchema)

    submit_report = forward("POST", f"{API}/reports/<int:report_id>/submit",
                            "reports.submit_report",
                            summary="Submit a report (required fields and rules must hold)",
                            tag="reports", body=schemas.ReportSubmitSchema,
                            response=schemas.ReportSchema)

    accept_report = forward("POST", f"{API}/reports/<int:report_id>/accept",
                            "reports.accept_report", summary="Accept a submitted report",
                            tag="reports", body=schemas.ReportAcceptSchema,
                            response=schemas.ReportSchema, roles=RGU, names=True)

    return_report = forward("POST", f"{API}/reports/<int:report_id>/return",
                            "reports.return_report",
                            summary="Return a submitted report for correction, with a comment",
                            tag="reports", body=schemas.ReportReturnSchema,
                            response=schemas.ReportSchema, roles=RGU, names=True)

    reopen_report = forward("POST", f"{API}/reports/<int:report_id>/reopen",
                            "reports.reopen_report",
                            summary="Reopen an accepted report, with a reason", tag="reports",
                            body=schemas.ReportReopenSchema, response=schemas.ReportSchema,
                            roles=RGU, names=True)

    report_history = forward("GET", f"{API}/reports/<int:report_id>/history",
                             "reports.report_history", summary="Get the audit trail of a report",
                             tag="reports", response=schemas.HistoryEntrySchema, many=True,
                             names=True)

    # completeness, timeliness, roll-ups
    reporting_rates = forward("GET", f"{API}/reporting-rates", "reports.reporting_rates",
                              summary="Get reporting and on-time rates per region, template and "
                                      "period", tag="reports", query=schemas.RatesQuery,
                              response=schemas.RatesSchema)

    rollups = forward("GET", f"{API}/rollups", "reports.rollup",
                      summary="Roll up numeric fields (sum, avg, min, max) by region or base "
                              "project", tag="reports", query=schemas.RollupQuery,
                      response=schemas.RollupSchema)

    @route("GET", f"{API}/rollups/export",
           summary="Export a roll-up as CSV (format=xlsx: an XLSX workbook)", tag="reports",
           query=schemas.ExportQuery, produces=tuple(EXPORT_TYPES.values()))
    def export_rollup(self, req):
        query = dict(req.params)  # as sent: the service's contract reads from/to so
        if "lang" not in query:  # the file reads in the caller's language
            query["lang"] = language_of(req.http)
        exported = self.reports.export_rollup(query)
        return Response(base64.b64decode(exported["content"]),
                        content_type=exported["content_type"], headers={
                            "Content-Disposition":
                                f'attachment; filename="{exported["filename"]}"'})
