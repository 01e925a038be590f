"""The words a person reads for a code: task status, RACI role, budget category, risk band...

Each table maps a code to its English word, marked for the catalogue with its context
(``C_``), so that :func:`label` renders it in Kazakh, Russian or English. The RACI words
are those Kazakh and Russian project managers use: R Жауапты орындаушы / Ответственный
исполнитель, A Есеп беретін (бекітуші) / Утверждающий (подотчётный), C Кеңесші /
Консультант (not «согласующий»: in Russian paperwork that is a binding sign-off), I Хабардар
етілетін / Информируемый. The chosen kk/ru terms are listed in kelisim/locale/GLOSSARY.md.
"""
from kelisim.i18n import C_, Msg

LABELS = {
    "task_status": {
        "planned": C_("task status", "planned"),
        "in_progress": C_("task status", "in progress"),
        "done": C_("task status", "done"),
        "cancelled": C_("task status", "cancelled"),
    },
    "task_kind": {
        "phase": C_("task kind", "phase"),
        "task": C_("task kind", "task"),
        "subtask": C_("task kind", "subtask"),
        "milestone": C_("task kind", "milestone"),
    },
    "plan_status": {
        "draft": C_("plan status", "draft"),
        "approved": C_("plan status", "approved"),
        "in_progress": C_("plan status", "in progress"),
        "closed": C_("plan status", "closed"),
    },
    "raci_role": {
        "R": C_("RACI role", "Responsible"),
        "A": C_("RACI role", "Accountable (approver)"),
        "C": C_("RACI role", "Consulted"),
        "I": C_("RACI role", "Informed"),
    },
    "account_role": {  # kelisim/access.py ROLES
        "rgu_admin": C_("account role", "RGU administrator"),
        "kgu_coordinator": C_("account role", "KGU coordinator"),
        "observer": C_("account role", "observer"),
    },
    "date_constraint": {  # a template item's date rule (services/projects/domain/template.py)
        "on": C_("date constraint", "must finish on its day"),
        "not_before": C_("date constraint", "starts no earlier than its day"),
        "within": C_("date constraint", "inside its period"),
    },
    "overdue_stage": {  # services/projects/service_layer/overdue.py STAGES
        "overdue": C_("overdue stage", "overdue"),
        "week": C_("overdue stage", "a week overdue"),
        "month": C_("overdue stage", "a month overdue"),
    },
    "assignee_kind": {
        "org_unit": C_("assignee kind", "org unit"),
        "structure": C_("assignee kind", "public structure"),
        "person": C_("assignee kind", "person"),
        "organisation": C_("assignee kind", "organisation outside the Assembly"),
    },
    "closing_form": {  # services/projects/domain/template.py CLOSING_FORMS
        "protocol": C_("closing form", "protocol"),
        "report": C_("closing form", "report on work done"),
        "information_sent": C_("closing form", "information sent on"),
        "publication": C_("closing form", "publication"),
        "media_placement": C_("closing form", "placed in the media"),
        "analytical_report": C_("closing form", "analytical report"),
        "register_update": C_("closing form", "register updated"),
        "methodical_manual": C_("closing form", "methodical manual"),
        "event_held": C_("closing form", "event held"),
    },
    "organisation_kind": {  # services/registry/contract ORGANISATION_KINDS
        "ministry": C_("organisation kind", "ministry"),
        "akimat": C_("organisation kind", "akimat"),
        "agency": C_("organisation kind", "agency"),
        "prosecutor": C_("organisation kind", "prosecutor's office"),
        "research_institute": C_("organisation kind", "research institute"),
        "chamber": C_("organisation kind", "chamber"),
        "ngo": C_("organisation kind", "public association"),
        "media": C_("organisation kind", "media"),
        "other": C_("organisation kind", "other"),
    },
    "budget_category": {
        "events": C_("budget category", "events"),
        "training": C_("budget category", "training"),
        "publishing": C_("budget category", "publishing"),
        "media": C_("budget category", "media"),
        "research": C_("budget category", "research"),
        "travel": C_("budget category", "travel"),
        "equipment": C_("budget category", "equipment"),
        "grants": C_("budget category", "grants"),
        "other": C_("budget category", "other"),
    },
    "risk_category": {
        "organisational": C_("risk category", "organisational"),
        "financial": C_("risk category", "financial"),
        "social": C_("risk category", "social"),
        "political": C_("risk category", "political"),
        "legal": C_("risk category", "legal"),
        "informational": C_("risk category", "informational"),
        "schedule": C_("risk category", "schedule"),
        "other": C_("risk category", "other"),
    },
    "risk_status": {
        "identified": C_("risk status", "identified"),
        "assessed": C_("risk status", "assessed"),
        "mitigating": C_("risk status", "being mitigated"),
        "closed": C_("risk status", "closed"),
        "occurred": C_("risk status", "occurred"),
    },
    "risk_band": {
        "low": C_("risk band", "low"),
        "medium": C_("risk band", "medium"),
        "high": C_("risk band", "high"),
        "critical": C_("risk band", "critical"),
    },
    "report_status": {
        "draft": C_("report status", "draft"),
        "submitted": C_("report status", "submitted"),
        "accepted": C_("report status", "accepted"),
        "returned": C_("report status", "returned for correction"),
        "reopened": C_("report status", "reopened"),
    },
    "org_unit_kind": {
        "rgu": C_("org unit kind", "RGU"),
        "kgu": C_("org unit kind", "KGU"),
        "kgu_branch": C_("org unit kind", "KGU branch"),
        "house_of_friendship": C_("org unit kind", "house of friendship"),
    },
    "level": {
        "republican": C_("level", "republican"),
        "regional": C_("level", "regional"),
        "city": C_("level", "city"),
        "district": C_("level", "district"),
        "rural": C_("level", "rural"),
    },
}

# the 5x5 probability x impact matrix: 15..25 is the red zone (escalated)
RISK_BANDS = ((15, "critical"), (10, "high"), (5, "medium"), (1, "low"))


def risk_band(score: int) -> str:
    """The band of a probability x impact score (1..25): low, medium, high or critical."""
    for floor, band in RISK_BANDS:
        if score >= floor:
            return band
    return "low"


def label(kind: str, code: str) -> Msg:
    """The :class:`Msg` naming ``code`` of ``kind`` (a key of LABELS); the code itself,
    untranslated, when the table does not know it."""
    found = LABELS.get(kind, {}).get(code)
    return found if found is not None else Msg("{code}", code=code)
