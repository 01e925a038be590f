"""Problems answer in the caller's language: Accept-Language kk (the default), ru or en."""
from tests.integration.gateway.helpers import API, kgu_id, problem

CYRILLIC_KK = set("әғқңөұүһі")


def test_a_problem_without_accept_language_is_in_kazakh(gateway):
    missing = gateway.get(f"{API}/org-units/99999", headers={"Accept-Language": ""})
    body = problem(missing, 404)
    assert body["title"] == "Табылмады"
    assert body["detail"] == "99999 ұйымы табылмады"


def test_not_found_forbidden_and_routing_problems_in_kazakh_and_russian(gateway):
    kk = problem(gateway.get(f"{API}/org-units/99999", headers={"Accept-Language": "kk"}), 404)
    ru = problem(gateway.get(f"{API}/org-units/99999",
                             headers={"Accept-Language": "ru-RU,ru;q=0.9"}), 404)
    en = problem(gateway.get(f"{API}/org-units/99999", headers={"Accept-Language": "en"}), 404)
    assert (kk["detail"], ru["detail"], en["detail"]) == (
        "99999 ұйымы табылмады", "организация 99999 не найдена", "org unit 99999 not found")
    assert ru["title"] == "Не найдено"
    denied = gateway.get(f"{API}/structures", who="turkistan", params={"region": "KZ-75"},
                         headers={"Accept-Language": "kk"})
    assert problem(denied, 403)["detail"] == "KZ-61 өңірінің КММ үйлестірушісі тек өз өңірін көреді"
    route = problem(gateway.get("/api/v1/nothing", headers={"Accept-Language": "ru"}), 404)
    assert route["detail"] == "по этому адресу ничего не найдено"
    token = gateway.get(f"{API}/regions", who=None, headers={"Accept-Language": "ru"})
    assert problem(token, 401)["title"] == "Требуется авторизация"


def test_field_messages_of_the_edge_and_of_a_service_in_kazakh_and_russian(gateway):
    edge = {"code": "BAD 1", "kind": "castle", "name_ru": ""}
    kk = problem(gateway.post(f"{API}/org-units", edge, headers={"Accept-Language": "kk"}), 422)
    ru = problem(gateway.post(f"{API}/org-units", edge, headers={"Accept-Language": "ru"}), 422)
    assert kk["title"] == "Деректер жарамсыз" and ru["title"] == "Некорректные данные"
    assert kk["detail"] == "сұрауда қате өрістер бар"
    assert kk["errors"]["name_kk"] == "Міндетті өріс толтырылмаған."
    assert ru["errors"]["name_kk"] == "Обязательное поле не заполнено."
    for body in (kk, ru):  # every field message is translated, none left in English
        assert not any(text.isascii() for text in body["errors"].values()), body["errors"]
    query = gateway.get(f"{API}/structures", params={"limit": 500},
                        headers={"Accept-Language": "kk"})
    assert problem(query, 422)["errors"] == {"limit": "Кемінде 1 және ең көбі 200 болуы керек."}
    structure = {"type": "no_such_type", "name": "Кеңес", "org_unit_id": kgu_id(gateway, "KZ-61")}
    service = problem(gateway.post(f"{API}/structures", structure,
                                   headers={"Accept-Language": "ru"}), 422)
    assert service["detail"] == "неизвестный тип структуры no_such_type"
    assert service["errors"] == {"type": "нет типа структуры no_such_type"}
