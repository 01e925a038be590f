"""An account needs at least one display name (Kazakh or Russian); the other language shows
the one given."""
import pytest
from sqlalchemy.orm import sessionmaker

from gateway.accounts_schemas import AccountCreateSchema
from gateway.adapters.accounts import AccountRepository
from gateway.service_layer import accounts
from kelisim.db.uow import UnitOfWork
from kelisim.errors import Invalid
from kelisim.schemas import load


@pytest.fixture
def create(engine):
    sessions = sessionmaker(engine, expire_on_commit=False)
    return lambda data: accounts.create_account(
        UnitOfWork(sessions, repositories=AccountRepository),
        load(AccountCreateSchema(), {"role": "observer", **data}))


def test_one_display_name_is_enough_and_shows_in_both_languages(create):
    only_kk = create({"login": "kk@example.kz", "display_name_kk": "Айгүл"})
    assert (only_kk["display_name_kk"], only_kk["display_name_ru"]) == ("Айгүл", "Айгүл")
    only_ru = create({"login": "ru@example.kz", "display_name_ru": "Айгуль"})
    assert (only_ru["display_name_kk"], only_ru["display_name_ru"]) == ("Айгуль", "Айгуль")


def test_no_display_name_is_a_clear_422(create):
    with pytest.raises(Invalid) as refused:
        create({"login": "none@example.kz"})
    errors = {name: str(text) for name, text in refused.value.errors.items()}
    assert set(errors) == {"display_name_kk", "display_name_ru"}
    assert "at least one" in errors["display_name_kk"]
