"""The headers every answer of the gateway carries so that a browser keeps the pages to
themselves: no other site frames them (clickjacking), no file is sniffed into another type,
no page is kept in a cache after the reader leaves, no page's address (a report's id, a
filter) leaves in a ``Referer`` to another site, and a page runs only the scripts and
styles this platform serves.

The pages have no inline script or ``style`` attribute of their own; ``'unsafe-inline'``
styles are allowed because Frappe Gantt (the plan's chart) and Swagger UI (/docs) set
``style`` attributes on the elements they make. ``img-src data:`` is the empty favicon.
"""
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# every HTML answer (a page, an error page, a form's answer); a page is never stored
# (``no-store``): after signing out, Back must ask the server, which sends the next person
# at the computer to sign in, instead of showing the last reader's registry or reports
HTML_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# every answer, JSON and files too
ALL_HEADERS = {"X-Content-Type-Options": "nosniff"}


def secure(response):
    """Add the headers above to ``response`` (a werkzeug Response) unless it already sets
    them (an attachment's own stricter policy stays); returns it."""
    wanted = dict(ALL_HEADERS)
    if response.mimetype == "text/html":
        wanted.update(HTML_HEADERS)
    for name, value in wanted.items():
        if name not in response.headers:
            response.headers[name] = value
    return response
