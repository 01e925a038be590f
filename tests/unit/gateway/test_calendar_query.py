"""GET /api/v1/calendar?year= refuses a year outside 2020-2040 in the reader's language."""
import pytest
from marshmallow import ValidationError

from gateway.schemas import CalendarQuery
from kelisim.i18n import translate


@pytest.mark.parametrize("year", ["2019", "2041", "abc", None])
def test_a_year_outside_the_calendar_is_refused_in_kazakh_and_russian(year):
    with pytest.raises(ValidationError) as refused:
        CalendarQuery().load({} if year is None else {"year": year})
    message = refused.value.messages["year"][0]
    for lang in ("kk", "ru"):
        assert translate(message, lang) != message, (lang, message)
