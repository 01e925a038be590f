"""The RGU's home page: the programme across the 20 regions."""
from gateway.web.pages import Page, page


class WebProgrammePages:
    """Mixed into GatewayService."""

    @page("GET", "/rgu")
    def web_rgu_home(self, req):
        return Page("rgu_home.html")
