"""What the reports tests share: the registry's KGUs as the reports service keeps them, a
small quarterly template, quarters counted back from today, and a collection job that
stays quiet."""
from services.reports.domain.periods import kz_today, period_containing
from tests.support import REGIONS

# the collection job neither runs at start nor again during a test
QUIET_JOB = {"REPORTS_JOB_EAGER": False, "REPORTS_JOB_INTERVAL": 3600}


def kgu(index, region, **extra):
    """Registry data of a KGU (ids 1..20 in REGIONS order)."""
    return {"id": index, "code": f"KGU-{region}", "kind": "kgu", "level": "regional",
            "name_kk": f"{region} КММ", "name_ru": f"{region} КГУ", "region_code": region,
            "opened_on": None, "closed_on": None, "version": 1, **extra}


KGUS = [kgu(i + 1, region) for i, region in enumerate(REGIONS)]
KGU_61 = REGIONS.index("KZ-61") + 1
KGU_75 = REGIONS.index("KZ-75") + 1


def mediation_template(**overrides):
    """A small quarterly template with a rule across fields."""
    data = {
        "code": "mediation-test", "title_kk": "Медиация есебі", "title_ru": "Отчёт по медиации",
        "period_type": "quarterly", "due_days": 10, "timely_days": 5,
        "remind_days_before": 5, "overdue_every_days": 7,
        "fields": [
            {"code": "cases_received", "type": "integer", "label_kk": "Түскен",
             "label_ru": "Поступило", "required": True, "min": 0},
            {"code": "resolved_by_mediation", "type": "integer", "label_kk": "Шешілген",
             "label_ru": "Урегулировано", "required": True, "min": 0},
            {"code": "budget_spent", "type": "money", "label_kk": "Бюджет",
             "label_ru": "Бюджет"},
            {"code": "notes", "type": "text", "label_kk": "Түсініктеме", "label_ru": "Комментарий"},
        ],
        "rules": [{"left": "resolved_by_mediation", "op": "<=", "right": "cases_received"}],
    }
    data.update(overrides)
    return data


def quarters_ago(count, today=None):
    """The quarter ``count`` quarters before the current one."""
    period = period_containing(today or kz_today(), "quarterly")
    year, index = period.year, period.index - count
    while index < 1:
        year, index = year - 1, index + 4
    return type(period)(year, "quarterly", index)
