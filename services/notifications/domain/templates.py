"""Title and body of each notified event type, in Kazakh, Russian and English.

Every sentence is a catalogue entry (kelisim/locale); the names inside come in the
reader's language: events carry the task's and the project's names in every language
(``task_title_kk``, ``project_name``), reports their template title in kk and ru, and the
names of assignees are looked up in the registry by the consumer (``names``, see
:func:`services.notifications.domain.naming.names_for`). A reason the system made
arrives as a message (``reason_message``) and reads in the reader's language too.
"""
from dataclasses import dataclass, field

from kelisim.i18n import LANGUAGES, _, format_date, format_money, format_period, name, pick_name, translate
from kelisim.labels import label, risk_band


@dataclass(frozen=True)
class Rendered:
    """The title and body of one notification in each language: ``texts[lang] = (t, b)``."""

    texts: dict = field(default_factory=dict)

    def title(self, lang):
        return self.texts[lang][0]

    def body(self, lang):
        return self.texts[lang][1]

    @property
    def title_kk(self):
        return self.title("kk")

    @property
    def title_ru(self):
        return self.title("ru")

    @property
    def body_kk(self):
        return self.body("kk")

    @property
    def body_ru(self):
        return self.body("ru")


def per_language(render):
    """``{lang: render(lang)}``: a value written differently in each language (a period,
    an amount), usable as a name inside a message."""
    return {lang: render(lang) for lang in LANGUAGES}


def task_name(d):
    return name(kk=d.get("task_title_kk"), ru=d.get("task_title"))


def project_name(d):
    return d.get("project_name") or {"en": d.get("project_code") or "—"}


def template_name(d):
    return name(kk=d.get("template_title"), ru=d.get("template_title_ru"))


def _assignee(assignee, names, key):
    """The name of an assignee: looked up (``names[key]``), else as the event gives it."""
    if not assignee:
        return "—"
    found = (names or {}).get(key)
    if found:
        return found
    return assignee.get("name") or f"{assignee.get('kind')} #{assignee.get('id')}"


def _date(value):
    return format_date(value)


def _money(amount):
    return per_language(lambda lang: format_money(amount, lang))


def task_assigned(d, names):
    return (_("New task: {task}", task=task_name(d)),
            _("Project «{project}»: the task «{task}» is assigned. {role}: {who}. Due: {due}.",
              project=project_name(d), task=task_name(d), role=label("raci_role", d["role"]),
              who=_assignee(d["assignee"], names, "assignee"), due=_date(d.get("due_date"))))


def task_reassigned(d, names):
    return (_("Task reassigned: {task}", task=task_name(d)),
            _("Project «{project}»: in the task «{task}» the {role} is now {after} instead of "
              "{before}. Due: {due}.", project=project_name(d), task=task_name(d),
              role=label("raci_role", d["role"]),
              before=_assignee(d["previous_assignee"], names, "previous_assignee"),
              after=_assignee(d["assignee"], names, "assignee"), due=_date(d.get("due_date"))))


def _reason(d):
    if d.get("reason_message"):
        return d["reason_message"]
    return d.get("reason")


def deadline_slipped(d, names):
    body = _("The due date of «{task}» moved from {old} to {new} (tasks in the chain: "
             "{chain}).", task=task_name(d), old=_date(d["old_due_date"]),
             new=_date(d.get("due_date")), chain=len(d.get("chain") or []))
    if _reason(d):
        body = _("{text} Reason: {reason}.", text=body, reason=_reason(d))
    return _("Deadline moved: {task}", task=task_name(d)), body


def task_overdue(d, names):
    return (_("Task overdue: {task}", task=task_name(d)),
            _("The task «{task}» is {days} days past its due date ({due}).", task=task_name(d),
              days=d["days_overdue"], due=_date(d.get("due_date"))))


def budget_overrun(d, names):
    return (_("Budget overrun: {project}", project=project_name(d)),
            _("Budget line «{category}»: planned {planned}, committed {committed}, spent "
              "{actual}.", category=label("budget_category", d["category"]),
              planned=_money(d["planned"]), committed=_money(d["committed"]),
              actual=_money(d["actual"])))


def risk_escalated(d, names):
    return (_("Risk escalated: {risk}", risk=d["title"]),
            _("A risk of the project «{project}»: score {score} ({band}), threshold {threshold}.",
              project=project_name(d), score=d["score"],
              band=label("risk_band", risk_band(d["score"])), threshold=d["threshold"]))


def plan_status_changed(d, names):
    return (_("Plan status changed: {year}", year=d["year"]),
            _("The {year} plan of the project «{project}»: {old} → {new}.", year=d["year"],
              project=project_name(d), old=label("plan_status", d["old_status"]),
              new=label("plan_status", d["new_status"])))


def _report(d, title, tail):
    period = per_language(lambda lang: format_period(d["period"], lang))
    body = _("Report «{template}» for {period}, due {due}.", template=template_name(d),
             period=period, due=_date(d["due_date"]))
    if tail is not None:
        body = _("{text} {more}", text=body, more=tail)
    return _("{what}: {template} ({period})", what=title, template=template_name(d),
             period=period), body


def report_due_soon(d, names):
    return _report(d, _("Report due soon"), _("Days left: {days}.", days=d["days_left"]))


def report_overdue(d, names):
    return _report(d, _("Report overdue"), _("Late by {days} days (reminder {stage}).",
                                             days=d["days_overdue"], stage=d["stage"]))


def report_submitted(d, names):
    return _report(d, _("Report submitted"),
                   _("Submitted on time.") if d["on_time"] else _("Submitted late."))


def report_accepted(d, names):
    return _report(d, _("Report accepted"), None)


def report_returned(d, names):
    return _report(d, _("Report returned for correction"),
                   _("Remark: {comment}", comment=d["comment"]))


def report_reopened(d, names):
    return _report(d, _("Report reopened"), _("Reason: {reason}", reason=d["reason"]))


def webhook_disabled(d, names):
    return (_("Webhook disabled"),
            _("{url} did not accept any of {attempts} attempts, so the webhook was disabled. "
              "Last error: {error}. Fix the receiver and enable the webhook again.",
              url=d["url"], attempts=d["attempts"], error=d["error"]))


TEMPLATES = {fn.__name__: fn for fn in (
    task_assigned, task_reassigned, deadline_slipped, task_overdue, budget_overrun,
    risk_escalated, plan_status_changed, report_due_soon, report_overdue, report_submitted,
    report_accepted, report_returned, report_reopened, webhook_disabled)}


def messages(event_type, data, names=None):
    """(title, body) of ``event_type`` as :class:`kelisim.i18n.Msg`; KeyError if unknown."""
    try:
        template = TEMPLATES[event_type]
    except KeyError:
        raise KeyError(f"no template for {event_type}") from None
    return template(data, names or {})


def render(event_type, data, names=None, languages=LANGUAGES):
    """The :class:`Rendered` title and body of ``event_type`` with payload ``data`` in
    ``languages`` (kk, ru and en; a caller storing fewer asks for those only); ``names``
    are the looked-up names of its assignees ({key: name dict})."""
    title, body = messages(event_type, data, names)
    return Rendered({lang: (translate(title, lang), translate(body, lang))
                     for lang in languages})


def digest_subject(count, lang):
    """The subject of a digest of ``count`` notifications."""
    return _("Notifications: {count}", count=count).render(lang)


def batch_subject(rendered_items, lang):
    """The subject of one e-mail gathering what one action caused (a rollout, a slip
    cascade): the first title and how many more."""
    first = rendered_items[0].title(lang)
    if len(rendered_items) == 1:
        return first
    return _("{first} and {more} more", first=first,
             more=len(rendered_items) - 1).render(lang)


__all__ = ["Rendered", "TEMPLATES", "render", "messages", "digest_subject", "batch_subject",
           "pick_name"]
