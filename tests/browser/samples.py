"""Who the browser tests sign in as, the regions and the report template they use, and
look-ups of that region's plan and report through the API."""

OWN, OTHER = "KZ-61", "KZ-75"
TEMPLATE = "browser-mediation"
# who -> login (tests/site.py's PEOPLE)
LOGINS = {"rgu": "rgu@kelisim.kz", "observer": "observer@kelisim.kz",
          "kgu": "turkistan@kelisim.kz", "other": "almaty@kelisim.kz"}


def plan_of(site, region=OWN):
    """The region's mediation plan (as the API answers it)."""
    return site.api("GET", "/plans", expect=200, params={
        "region": region, "project": "mediation"}).json()["items"][0]


def report_of(site, region=OWN):
    """The region's report of the test template (as the API answers it)."""
    return site.api("GET", "/reports", expect=200, params={
        "region": region, "template": TEMPLATE}).json()["items"][0]
