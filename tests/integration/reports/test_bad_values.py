"""Bad report values through the gateway on SQLite and on PostgreSQL (whose text and JSON
refuse NUL): each a 422 naming the field with nothing saved; a value an older version
accepted (an integer of 10^30) keeps the roll-up and both exports answering.

Issues 10.6 and 11.3.
"""
import pytest
import sqlalchemy as sa

from kelisim.db.engine import make_engine
from services.reports.adapters import orm
from services.reports.domain.periods import kz_today
from services.reports.entrypoints.service import ReportsService
from tests.integration.gateway.helpers import API, ok, problem
from tests.support_reports import mediation_template


@pytest.fixture
def platform(start_gateway, start, migrated, database_url):
    """(gateway, reports container, reports database): the reports service on either."""
    gateway = start_gateway()
    url = migrated("reports", database_url)
    return gateway, start(ReportsService, url, REPORTS_JOB_EAGER=False), url


def test_bad_values_are_refused_and_accepted_extremes_still_roll_up(platform, rpc):
    gw, service, url = platform
    ok(gw.post(f"{API}/report-templates", mediation_template(
        active_from=kz_today().replace(day=1).isoformat())), 201)
    problem(gw.post(f"{API}/report-templates", mediation_template(
        code="typo", active_from="0001-01-01")), 422)
    with rpc("reports") as reports:
        reports.run_collection(kz_today().isoformat())
    [report] = ok(gw.get(f"{API}/reports", who="turkistan"))["items"]
    path = f"{API}/reports/{report['id']}"
    for values, named in (({"budget_spent": "1e30"}, "budget_spent"),
                          ({"budget_spent": "1E+999999999"}, "budget_spent"),
                          ({"budget_spent": "1.005"}, "budget_spent"),
                          ({"cases_received": 10**30}, "cases_received"),
                          ({"notes": "a\x00b"}, "values"),
                          ({"notes": "\ud800x"}, "values")):
        refused = problem(gw.request("PUT", path, who="turkistan",
                                     json={"version": 1, "values": values}), 422)
        assert named in refused["errors"], refused
    assert ok(gw.get(path))["version"] == 1

    engine = make_engine(url)  # as an older version accepted it
    with engine.begin() as conn:
        conn.execute(sa.update(orm.reports).where(orm.reports.c.id == report["id"]).values(
            values={"cases_received": 10**30, "budget_spent": "9999999999999.99"},
            status="submitted"))
    engine.dispose()
    rollup = ok(gw.get(f"{API}/rollups", params={"template": "mediation-test"}))
    assert rollup["national"]["fields"]["cases_received"]["sum"] == str(10**30)
    for fmt in ("csv", "xlsx"):
        answer = gw.get(f"{API}/rollups/export", params={"template": "mediation-test",
                                                         "format": fmt})
        assert answer.status_code == 200 and answer.content
