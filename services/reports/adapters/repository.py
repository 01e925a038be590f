"""Queries of the reports database, over one SQLAlchemy session."""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kelisim.db.filters import where_given, within
from kelisim.db.pages import page
from kelisim.db.repository import SessionRepository
from kelisim.db.search import ordering
from services.reports.adapters import orm
from services.reports.domain.events import Event, EventKind, Initiative
from services.reports.domain.reports import EDITABLE, REPORTED, OrgUnit, Report
from services.reports.domain.targets import Target
from services.reports.domain.templates import Template


class ReportsRepository(SessionRepository):
    """The reports service's queries (``uow.repo``)."""

    # templates
    def template(self, template_id):
        return self.get(Template, template_id)

    def template_versions(self, code):
        query = sa.select(Template).where(Template.code == code).order_by(Template.version)
        return self.session.scalars(query).all()

    def latest_templates(self, *, code=None, period_type=None, project=None):
        """The newest version of each template code."""
        t = orm.report_templates
        newest = (sa.select(t.c.code, sa.func.max(t.c.version).label("version"))
                  .group_by(t.c.code).subquery())
        query = (sa.select(Template)
                 .join(newest, sa.and_(Template.code == newest.c.code,
                                       Template.version == newest.c.version))
                 .order_by(Template.code))
        query = where_given(query, (Template.code, code), (Template.period_type, period_type),
                            (Template.project_code, project))
        return self.session.scalars(query).all()

    def templates_by_id(self, ids):
        if not ids:
            return {}
        query = sa.select(Template).where(Template.id.in_(set(ids)))
        return {t.id: t for t in self.session.scalars(query)}

    # org units (local copy of the registry's)
    def org_unit(self, unit_id):
        return self.get(OrgUnit, unit_id)

    def org_units(self):
        return self.session.scalars(sa.select(OrgUnit).order_by(OrgUnit.id)).all()

    # reports
    def report(self, report_id, for_update=False):
        if for_update:
            return self.session.get(Report, report_id, with_for_update=True)
        return self.get(Report, report_id)

    def obligation_keys(self, template_code):
        """(period, org unit id) of every report already expected on a template."""
        r = orm.reports
        query = sa.select(r.c.period, r.c.org_unit_id).where(r.c.template_code == template_code)
        return set(self.session.execute(query).all())

    def untouched_outside(self, unit):
        """Reports of ``unit`` never submitted nor filled in, for periods it was not open."""
        outside = []
        if unit.opened_on is not None:
            outside.append(Report.period_end < unit.opened_on)
        if unit.closed_on is not None:
            outside.append(Report.period_start >= unit.closed_on)
        if not outside:
            return []
        query = sa.select(Report).where(Report.org_unit_id == unit.id, Report.status == "draft",
                                        Report.submission_count == 0, sa.or_(*outside))
        return [r for r in self.session.scalars(query) if not r.values]

    def delete_report(self, report):
        s = orm.reminder_stamps
        self.session.execute(s.delete().where(s.c.report_id == report.id))
        self.session.delete(report)

    def insert_reports(self, rows):
        """Insert report rows in bulk; False if another job inserted one of them first."""
        if not rows:
            return True
        try:
            with self.session.begin_nested():
                self.session.execute(orm.reports.insert(), rows)
        except IntegrityError:
            return False
        return True

    def _filtered(self, query, *, region=None, template=None, period=None, status=None,
                  org_unit_id=None, missing=None, overdue_on=None, period_from=None,
                  period_to=None, project=None, due_after=None, due_before=None):
        query = within(query, Report.due_date, due_after, due_before)
        query = within(query, Report.period_start, period_from, period_to)
        query = where_given(query, (Report.region_code, region), (Report.template_code, template),
                            (Report.project_code, project), (Report.period, period),
                            (Report.status, status), (Report.org_unit_id, org_unit_id))
        if missing is True:
            query = query.where(Report.status.in_(EDITABLE))
        elif missing is False:
            query = query.where(Report.status.in_(REPORTED))
        if overdue_on is not None:
            query = query.where(Report.status.in_(EDITABLE), Report.due_date < overdue_on)
        return query

    def reports(self, *, limit=50, offset=0, sort=None, **filters):
        """A page of reports and the total; ``sort`` is ``[(column, descending)]`` (then
        by id), by default the newest periods first."""
        query = self._filtered(sa.select(Report), **filters)
        r = orm.reports
        order = ordering(sort, r.c, r.c.id) if sort else (
            Report.period_start.desc(), Report.template_code, Report.region_code, Report.id)
        return page(self.session, query, order, limit, offset)

    def pending_reminders(self, remind_until):
        """Reports not submitted whose due date is on or before ``remind_until``."""
        query = (sa.select(Report).where(Report.status.in_(EDITABLE),
                                         Report.due_date <= remind_until)
                 .order_by(Report.id))
        return self.session.scalars(query).all()

    def reporting_counts(self, *, period_from, period_to, template=None, region=None,
                         period_type_templates=None, due_before=None):
        """(template, period, region, expected, reported, on time) per group; with
        ``due_before`` (a date) only the reports due before it."""
        r = orm.reports
        reported = sa.case((r.c.status.in_(REPORTED), 1), else_=0)
        on_time = sa.case((sa.and_(r.c.status.in_(REPORTED), r.c.on_time.is_(True)), 1), else_=0)
        query = (sa.select(r.c.template_code, r.c.period, r.c.region_code, sa.func.min(r.c.period_start),
                           sa.func.count(), sa.func.sum(reported), sa.func.sum(on_time))
                 .where(r.c.period_start >= period_from, r.c.period_start <= period_to)
                 .group_by(r.c.template_code, r.c.period, r.c.region_code))
        query = where_given(query, (r.c.template_code, template), (r.c.region_code, region))
        if period_type_templates is not None:
            query = query.where(r.c.template_code.in_(period_type_templates))
        if due_before is not None:
            query = query.where(r.c.due_date < due_before)
        return self.session.execute(query).all()

    def values_for_rollup(self, *, templates, period_from, period_to, region=None,
                          project=None, accepted_only=False):
        """(values, region, project, template) of every counted report in the range (of
        ``project``'s reports only, when one is named)."""
        r = orm.reports
        statuses = ("accepted",) if accepted_only else REPORTED
        query = (sa.select(r.c["values"], r.c.region_code, r.c.project_code, r.c.template_code)
                 .where(r.c.template_code.in_(templates), r.c.status.in_(statuses),
                        r.c.period_start >= period_from, r.c.period_start <= period_to))
        query = where_given(query, (r.c.region_code, region), (r.c.project_code, project))
        return self.session.execute(query).all()

    # reminder and event stamps
    def stamp(self, report_id, kind, stage, event_id, now):
        """Record that ``kind`` at ``stage`` was sent for a report; False if it already was."""
        s = orm.reminder_stamps
        try:
            with self.session.begin_nested():
                self.session.execute(s.insert().values(
                    report_id=report_id, kind=kind, stage=stage, event_id=event_id, sent_at=now))
        except IntegrityError:
            return False
        return True

    def stamped(self, report_id, kind, stage):
        s = orm.reminder_stamps
        return self.session.execute(sa.select(s.c.event_id).where(
            s.c.report_id == report_id, s.c.kind == kind, s.c.stage == stage)).first() is not None

    def stamps(self, report_id=None):
        s = orm.reminder_stamps
        query = sa.select(s).order_by(s.c.sent_at, s.c.kind, s.c.stage)
        if report_id is not None:
            query = query.where(s.c.report_id == report_id)
        return [dict(row._mapping) for row in self.session.execute(query)]

    # the events register
    def event_kinds(self):
        return self.session.scalars(sa.select(EventKind).order_by(EventKind.position)).all()

    def event_kind(self, code):
        return self.get(EventKind, code)

    def initiatives(self):
        return self.session.scalars(sa.select(Initiative).order_by(Initiative.code)).all()

    def initiative(self, code):
        return self.get(Initiative, code)

    def event(self, event_id):
        return self.get(Event, event_id)

    def set_event_structures(self, event):
        """Keep ``event_structures`` in step with the event's structures (after a flush)."""
        s = orm.event_structures
        self.session.execute(s.delete().where(s.c.event_id == event.id))
        rows = [{"event_id": event.id, "structure_id": sid, "structure_type": stype}
                for sid, stype in zip(event.structure_ids, event.structure_types, strict=True)]
        if rows:
            self.session.execute(s.insert(), rows)

    def _events_filtered(self, query, *, region=None, kind=None, project=None,
                         structure_type=None, structure_id=None, org_unit_id=None,
                         initiative=None, status=None, date_from=None, date_to=None,
                         task_id=None, plan_id=None, org_unit_kind=None, kinds=None):
        e, s = orm.events, orm.event_structures
        conditions = [(region, e.c.region_code), (kind, e.c.kind), (project, e.c.project_code),
                      (org_unit_id, e.c.org_unit_id), (initiative, e.c.initiative),
                      (status, e.c.status), (task_id, e.c.task_id), (plan_id, e.c.plan_id),
                      (org_unit_kind, e.c.org_unit_kind)]
        for value, column in conditions:
            if value is not None:
                query = query.where(column == value)
        if kinds is not None:
            query = query.where(e.c.kind.in_(kinds))
        query = within(query, e.c.local_date, date_from, date_to)  # dates: never falsy
        if structure_type is not None:
            query = query.where(sa.exists().where(s.c.event_id == e.c.id,
                                                  s.c.structure_type == structure_type))
        if structure_id is not None:
            query = query.where(sa.exists().where(s.c.event_id == e.c.id,
                                                  s.c.structure_id == structure_id))
        return query

    def events(self, *, limit=50, offset=0, sort=None, **filters):
        """A page of events and the total; newest first unless ``sort`` says otherwise."""
        e = orm.events
        query = self._events_filtered(sa.select(Event), **filters)
        order = ordering(sort, e.c, e.c.id) if sort else (e.c.starts_at.desc(), e.c.id.desc())
        return page(self.session, query, order, limit, offset)

    def event_rows(self, **filters):
        """What counting needs of every matching event, as dicts (see domain.events.tally)."""
        e = orm.events
        query = self._events_filtered(sa.select(
            e.c.id, e.c.region_code, e.c.org_unit_id, e.c.org_unit_kind, e.c.structure_types,
            e.c.kind, e.c.project_code, e.c.initiative, e.c.local_date, e.c.participants,
            e.c.media_count), **filters)
        return [dict(row._mapping) for row in self.session.execute(query)]

    # count targets
    def targets(self, *, active=None, code=None):
        query = sa.select(Target).order_by(Target.code)
        if active is not None:
            query = query.where(Target.active.is_(active))
        if code:
            query = query.where(Target.code == code)
        return self.session.scalars(query).all()

    def target(self, target_id):
        return self.get(Target, target_id)

    def target_by_code(self, code):
        return self.session.scalars(sa.select(Target).where(Target.code == code)).first()

    def houses_of_friendship(self, first_day, last_day):
        """{region: [org unit ids]} of the houses of friendship open on a day of the range
        (the local copy of the registry's org units)."""
        query = sa.select(OrgUnit).where(OrgUnit.kind == "house_of_friendship")
        found = {}
        for unit in self.session.scalars(query):
            if unit.open_during(first_day, last_day):
                found.setdefault(unit.region_code, []).append(unit.id)
        return found
