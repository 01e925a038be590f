"""The two home pages: the RGU's programme and a KGU's region (filled in by later work)."""
from gateway.web.pages import Page, page


class WebHomePages:
    """Mixed into GatewayService."""

    @page("GET", "/rgu")
    def web_rgu_home(self, req):
        return Page("rgu_home.html")

    @page("GET", "/kgu")
    def web_kgu_home(self, req):
        return Page("kgu_home.html")
