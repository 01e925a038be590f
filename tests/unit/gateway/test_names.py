"""Names beside actor ids: accounts by display name and org unit, bare tokens by name."""
from sqlalchemy.orm import sessionmaker

from gateway.adapters.accounts import AccountRepository
from gateway.service_layer import accounts, tokens
from gateway.service_layer.names import attach_names
from kelisim.db.uow import UnitOfWork


def test_actor_ids_get_names_and_org_units_beside_them(engine):
    sessions = sessionmaker(engine, expire_on_commit=False)

    def uow():
        return UnitOfWork(sessions, repositories=AccountRepository)

    person = {"full_name": "Айгүл Сапарова", "org_unit_id": 16, "region_code": "KZ-61"}
    unit = {"name_kk": "Түркістан облысының ҚММ", "name_ru": "КГУ Туркестанской области"}
    made = accounts.create_account(uow(), {"login": "a@example.kz", "role": "kgu_coordinator",
                                           "person_id": 7}, person, unit)
    token, _ = tokens.create_token(uow(), "observer", name="nightly export")
    answer = {"items": [
        {"actor_id": f"account:{made['id']}", "action": "update"},
        {"actor_id": f"token:{token['id']}", "nested": {"decided_by": f"account:{made['id']}"}},
        {"actor_id": "system"}, {"actor_id": "account:999"}], "decided_by": None}
    named = attach_names(uow(), answer)
    first, second, system, nobody = named["items"]
    assert (first["actor_name"], first["actor_org_unit"]) == (
        "Айгүл Сапарова", "Түркістан облысының ҚММ / КГУ Туркестанской области")
    assert (second["actor_name"], second["actor_org_unit"]) == ("nightly export", None)
    assert second["nested"]["decided_by_name"] == "Айгүл Сапарова"
    assert system["actor_name"] is None and nobody["actor_name"] is None
    assert named["decided_by_name"] is None and named["decided_by_org_unit"] is None
