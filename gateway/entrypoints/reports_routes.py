"""Routes of the reports service (served by it over RPC)."""
import base64

from werkzeug.wrappers import Response

from gateway.http import route
from gateway.http.server import language_of
from services.reports.contract import schemas

API = "/api/v1"
RGU = ("rgu_admin",)


class ReportsRoutes:
    """Mixed into GatewayService, which provides ``reports`` (an RPC proxy) and ``auth``."""

    # templates
    @route("GET", f"{API}/report-templates", summary="List report templates (newest versions)",
           tag="reports", query=schemas.TemplateQuery, response=schemas.TemplateSchema,
           many=True)
    def list_report_templates(self, req):
        return self.reports.list_templates(req.params)

    @route("POST", f"{API}/report-templates",
           summary="Create a report template, or the next version of its code", tag="reports",
           body=schemas.TemplateCreateSchema, response=schemas.TemplateSchema, status=201,
           roles=RGU)
    def create_report_template(self, req):
        return self.reports.create_template(req.body)

    @route("GET", f"{API}/report-templates/<int:template_id>", summary="Get a report template",
           tag="reports", response=schemas.TemplateSchema)
    def get_report_template(self, req, template_id):
        return self.reports.get_template(template_id)

    # reports
    @route("GET", f"{API}/reports", summary="List reports, a page at a time", tag="reports",
           query=schemas.ReportQuery, response=schemas.ReportPageSchema, names=True)
    def list_reports(self, req):
        return self.reports.list_reports(req.params)

    @route("GET", f"{API}/reports/<int:report_id>", summary="Get a report", tag="reports",
           response=schemas.ReportSchema, names=True)
    def get_report(self, req, report_id):
        return self.reports.get_report(report_id)

    @route("PUT", f"{API}/reports/<int:report_id>",
           summary="Save a report's values (send the version you read)", tag="reports",
           body=schemas.ReportSaveSchema, response=schemas.ReportSchema)
    def save_report(self, req, report_id):
        return self.reports.save_report(report_id, req.body)

    @route("POST", f"{API}/reports/<int:report_id>/submit",
           summary="Submit a report (required fields and rules must hold)", tag="reports",
           body=schemas.ReportSubmitSchema, response=schemas.ReportSchema)
    def submit_report(self, req, report_id):
        return self.reports.submit_report(report_id, req.body)

    @route("POST", f"{API}/reports/<int:report_id>/accept", summary="Accept a submitted report",
           tag="reports", body=schemas.ReportAcceptSchema, response=schemas.ReportSchema,
           roles=RGU, names=True)
    def accept_report(self, req, report_id):
        return self.reports.accept_report(report_id, req.body)

    @route("POST", f"{API}/reports/<int:report_id>/return",
           summary="Return a submitted report for correction, with a comment", tag="reports",
           body=schemas.ReportReturnSchema, response=schemas.ReportSchema, roles=RGU,
           names=True)
    def return_report(self, req, report_id):
        return self.reports.return_report(report_id, req.body)

    @route("POST", f"{API}/reports/<int:report_id>/reopen",
           summary="Reopen an accepted report, with a reason", tag="reports",
           body=schemas.ReportReopenSchema, response=schemas.ReportSchema, roles=RGU,
           names=True)
    def reopen_report(self, req, report_id):
        return self.reports.reopen_report(report_id, req.body)

    @route("GET", f"{API}/reports/<int:report_id>/history",
           summary="Get the audit trail of a report", tag="reports",
           response=schemas.HistoryEntrySchema, many=True, names=True)
    def report_history(self, req, report_id):
        return self.reports.report_history(report_id)

    # completeness, timeliness, roll-ups
    @route("GET", f"{API}/reporting-rates",
           summary="Get reporting and on-time rates per region, template and period",
           tag="reports", query=schemas.RatesQuery, response=schemas.RatesSchema)
    def reporting_rates(self, req):
        return self.reports.reporting_rates(req.params)

    @route("GET", f"{API}/rollups",
           summary="Roll up numeric fields (sum, avg, min, max) by region or base project",
           tag="reports", query=schemas.RollupQuery, response=schemas.RollupSchema)
    def rollups(self, req):
        return self.reports.rollup(req.params)

    @route("GET", f"{API}/rollups/export",
           summary="Export a roll-up as CSV (format=xlsx: an XLSX workbook)", tag="reports",
           query=schemas.ExportQuery, produces="text/csv")
    def export_rollup(self, req):
        query = dict(req.params)  # as sent: the service's contract reads from/to so
        if "lang" not in query:  # the file reads in the caller's language
            query["lang"] = language_of(req.http)
        exported = self.reports.export_rollup(query)
        return Response(base64.b64decode(exported["content"]),
                        content_type=exported["content_type"], headers={
                            "Content-Disposition":
                                f'attachment; filename="{exported["filename"]}"'})
