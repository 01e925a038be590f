"""A KGU's home page: its region's plans, tasks, reports owed and unread inbox."""
from gateway.web.pages import Page, page


class WebRegionPages:
    """Mixed into GatewayService."""

    @page("GET", "/kgu")
    def web_kgu_home(self, req):
        return Page("kgu_home.html")
