"""Titles and bodies in Kazakh and Russian, one template per event type."""
from dataclasses import dataclass
from datetime import date

PROJECTS = {
    "civic-identity": ("Жалпыазаматтық бірегейлікті қалыптастыру",
                       "Формирование общегражданской идентичности"),
    "cultural-diversity": ("Қазақстандық этностардың алуан түрлілігін рухани-мәдени тұрғыдан "
                           "танымал ету",
                           "Духовно-культурная популяризация казахстанского многообразия этносов"),
    "ethnocultural-genesis": ("Көпэтносты Қазақстан: этномәдени генезис",
                              "Полиэтнический Казахстан: этнокультурный генезис"),
    "mediation": ("Медиация институтын дамыту", "Развитие института медиации"),
}
ROLES = {"R": ("жауапты орындаушы", "ответственный"), "A": ("есеп беретін", "подотчётный"),
         "C": ("кеңес сұралатын", "консультирующий"),
         "I": ("хабардар етілетін", "информируемый")}
PLAN_STATUSES = {"draft": ("жоба", "черновик"), "approved": ("бекітілді", "утверждён"),
                 "in_progress": ("орындалуда", "исполняется"), "closed": ("жабылды", "закрыт")}


@dataclass(frozen=True)
class Rendered:
    title_kk: str
    title_ru: str
    body_kk: str
    body_ru: str


def _date(value):
    if not value:
        return "—"
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%d.%m.%Y")


def _project(code):
    return PROJECTS.get(code, (code, code))


def _who(assignee):
    if not assignee:
        return "—"
    return assignee.get("name") or f"{assignee.get('kind')} #{assignee.get('id')}"


def _role(code):
    return ROLES.get(code, (code, code))


def _status(code):
    return PLAN_STATUSES.get(code, (code, code))


def _tenge(amount):
    return f"{amount} ₸"


def task_assigned(d):
    kk_project, ru_project = _project(d["project_code"])
    kk_role, ru_role = _role(d["role"])
    who = _who(d["assignee"])
    return Rendered(
        f"Жаңа тапсырма: {d['task_title']}", f"Новая задача: {d['task_title']}",
        f"«{kk_project}» жобасы бойынша «{d['task_title']}» тапсырмасы берілді. "
        f"Орындаушы: {who} ({kk_role}). Мерзімі: {_date(d.get('due_date'))}.",
        f"По проекту «{ru_project}» поручена задача «{d['task_title']}». "
        f"Исполнитель: {who} ({ru_role}). Срок: {_date(d.get('due_date'))}.")


def task_reassigned(d):
    kk_project, ru_project = _project(d["project_code"])
    before, after = _who(d["previous_assignee"]), _who(d["assignee"])
    return Rendered(
        f"Тапсырма қайта тағайындалды: {d['task_title']}",
        f"Задача переназначена: {d['task_title']}",
        f"«{kk_project}» жобасы: «{d['task_title']}» тапсырмасы {before} орнына {after} "
        f"ұйымына берілді. Мерзімі: {_date(d.get('due_date'))}.",
        f"Проект «{ru_project}»: задача «{d['task_title']}» передана от {before} к {after}. "
        f"Срок: {_date(d.get('due_date'))}.")


def deadline_slipped(d):
    chain = len(d.get("chain") or [])
    reason_kk = f" Себебі: {d['reason']}." if d.get("reason") else ""
    reason_ru = f" Причина: {d['reason']}." if d.get("reason") else ""
    return Rendered(
        f"Мерзім ауысты: {d['task_title']}", f"Срок сдвинулся: {d['task_title']}",
        f"«{d['task_title']}» тапсырмасының мерзімі {_date(d['old_due_date'])} күнінен "
        f"{_date(d.get('due_date'))} күніне ауысты (тізбектегі тапсырмалар: {chain}).{reason_kk}",
        f"Срок задачи «{d['task_title']}» сдвинулся с {_date(d['old_due_date'])} на "
        f"{_date(d.get('due_date'))} (задач в цепочке: {chain}).{reason_ru}")


def task_overdue(d):
    return Rendered(
        f"Тапсырма мерзімі өтті: {d['task_title']}", f"Задача просрочена: {d['task_title']}",
        f"«{d['task_title']}» тапсырмасының мерзімі ({_date(d.get('due_date'))}) "
        f"{d['days_overdue']} күнге өтіп кетті.",
        f"Задача «{d['task_title']}» просрочена на {d['days_overdue']} дн. "
        f"(срок {_date(d.get('due_date'))}).")


def budget_overrun(d):
    kk_project, ru_project = _project(d["project_code"])
    return Rendered(
        f"Бюджет асып кетті: {kk_project}", f"Перерасход бюджета: {ru_project}",
        f"«{d['category']}» бабы бойынша жоспар {_tenge(d['planned'])}, міндеттеме "
        f"{_tenge(d['committed'])}, нақты шығыс {_tenge(d['actual'])}.",
        f"По статье «{d['category']}»: план {_tenge(d['planned'])}, обязательства "
        f"{_tenge(d['committed'])}, факт {_tenge(d['actual'])}.")


def risk_escalated(d):
    kk_project, ru_project = _project(d["project_code"])
    return Rendered(
        f"Тәуекел жоғары деңгейге көтерілді: {d['title']}", f"Эскалация риска: {d['title']}",
        f"«{kk_project}» жобасының тәуекелі: бағасы {d['score']}, шегі {d['threshold']}.",
        f"Риск проекта «{ru_project}»: оценка {d['score']} при пороге {d['threshold']}.")


def plan_status_changed(d):
    kk_project, ru_project = _project(d["project_code"])
    (kk_old, ru_old), (kk_new, ru_new) = _status(d["old_status"]), _status(d["new_status"])
    return Rendered(
        f"Жоспар мәртебесі өзгерді: {d['year']}", f"Статус плана изменён: {d['year']}",
        f"«{kk_project}» жобасының {d['year']} жылғы жоспары: {kk_old} → {kk_new}.",
        f"План {d['year']} года по проекту «{ru_project}»: {ru_old} → {ru_new}.")


def _report(d, kk_title, ru_title, kk_tail, ru_tail):
    return Rendered(
        f"{kk_title}: {d['template_title']} ({d['period']})",
        f"{ru_title}: {d['template_title']} ({d['period']})",
        f"«{d['template_title']}» есебі, кезең {d['period']}, мерзімі {_date(d['due_date'])}. "
        + kk_tail,
        f"Отчёт «{d['template_title']}» за период {d['period']}, срок {_date(d['due_date'])}. "
        + ru_tail)


def report_due_soon(d):
    return _report(d, "Есеп мерзімі жақындады", "Приближается срок отчёта",
                   f"{d['days_left']} күн қалды.", f"Осталось дней: {d['days_left']}.")


def report_overdue(d):
    return _report(d, "Есеп мерзімі өтті", "Отчёт просрочен",
                   f"{d['days_overdue']} күнге кешікті (ескерту {d['stage']}).",
                   f"Просрочен на {d['days_overdue']} дн. (напоминание {d['stage']}).")


def report_submitted(d):
    return _report(d, "Есеп тапсырылды", "Отчёт сдан",
                   "Уақтылы." if d["on_time"] else "Мерзімінен кеш.",
                   "В срок." if d["on_time"] else "С опозданием.")


def report_accepted(d):
    return _report(d, "Есеп қабылданды", "Отчёт принят", "", "")


def report_returned(d):
    return _report(d, "Есеп пысықтауға қайтарылды", "Отчёт возвращён на доработку",
                   f"Ескерту: {d['comment']}", f"Замечание: {d['comment']}")


def report_reopened(d):
    return _report(d, "Есеп қайта ашылды", "Отчёт открыт повторно",
                   f"Себебі: {d['reason']}", f"Причина: {d['reason']}")


def webhook_disabled(d):
    return Rendered(
        "Вебхук өшірілді", "Вебхук отключён",
        f"{d['url']} мекенжайы {d['attempts']} әрекеттің ешқайсысын қабылдамады, сондықтан "
        f"вебхук өшірілді. Соңғы қате: {d['error']}. Қабылдағышты түзетіп, вебхукты қайта "
        f"қосыңыз.",
        f"Адрес {d['url']} не принял ни одной из {d['attempts']} попыток, вебхук отключён. "
        f"Последняя ошибка: {d['error']}. Исправьте приёмник и включите вебхук снова.")


TEMPLATES = {fn.__name__: fn for fn in (
    task_assigned, task_reassigned, deadline_slipped, task_overdue, budget_overrun,
    risk_escalated, plan_status_changed, report_due_soon, report_overdue, report_submitted,
    report_accepted, report_returned, report_reopened, webhook_disabled)}


def render(event_type, data):
    """The kk/ru title and body of ``event_type`` with payload ``data``."""
    try:
        template = TEMPLATES[event_type]
    except KeyError:
        raise KeyError(f"no template for {event_type}") from None
    return template(data)


def digest_subject(count):
    return (f"Хабарламалар жинағы: {count}", f"Сводка уведомлений: {count}")
