"""A refusal by role names the role and the route in the reader's language (issue 13)."""
import pytest

from gateway.http.auth import Principal
from gateway.http.routing import RouteSpec
from kelisim.errors import Forbidden


def _refusal():
    spec = RouteSpec(method="POST", path="/reports/<int:report_id>/accept",
                     name="accept_report", summary="Accept a submitted report", tag="reports",
                     roles=("rgu_admin",))
    with pytest.raises(Forbidden) as refused:
        Principal({"id": "u1", "role": "kgu_coordinator", "region": "TUR"}).require(spec)
    return refused.value


@pytest.mark.parametrize("lang, role, foreign", [
    ("kk", "КММ үйлестірушісі", "kgu_coordinator"),
    ("ru", "координатор КГУ", "kgu_coordinator"),
    ("en", "KGU coordinator", "kgu_coordinator"),
])
def test_a_refusal_by_role_reads_in_one_language(lang, role, foreign):
    detail = _refusal().detail_in(lang)
    assert role in detail
    assert foreign not in detail
    assert "Accept a submitted report" not in detail
    assert "POST /reports/{report_id}/accept" in detail
