"""The web interface: server-rendered pages (Jinja2, htmx for partial updates) that the
gateway serves on the API's own origin, for the RGU's analysts and the KGUs' coordinators.

A page is a route like the API's (gateway/web/pages.py ``@page``): it authenticates with
the session cookie, calls the same services over the same RPC as the API with the reader
as actor (so it can show nothing the reader's API call would not return), and renders a
template (gateway/web/templates/) in the reader's language (``?lang=``, then the
``kelisim_lang`` cookie, then Kazakh). Scripts and styles are served by the gateway from
gateway/web/static/ and gateway/web/vendor/ (npm packages, see ASSETS.md), never a CDN.
"""
