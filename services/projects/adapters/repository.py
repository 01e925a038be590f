"""Queries of the projects database, over one SQLAlchemy session.

Whole task graphs (a project's tasks of one year, across every region) are read and
rewritten with Core statements: a slip may move thousands of tasks at once.
"""
import functools
import weakref
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from kelisim.db import bulk
from kelisim.db.filters import where_given, within
from kelisim.db.pages import page, page_of_rows, plain_rows
from kelisim.db.races import hold_lock
from kelisim.db.repository import SessionRepository
from kelisim.db.search import contains_text, ordering
from kelisim.db.types import utcnow
from services.projects.adapters import orm
from services.projects.domain.baseline import Baseline, BaselineTask
from services.projects.domain.model import (
    OPEN_STATUSES,
    Assignment,
    BaseProject,
    Dependency,
    Indicator,
    Plan,
    Task,
    Template,
)
from services.projects.domain.money import BudgetLine
from services.projects.domain.risks import Risk

T = orm.tasks
FAMILY_COLUMNS = (T.c.id, T.c.parent_id, T.c.plan_id, T.c.region_code, T.c.kind, T.c.title,
                  T.c.title_kk,
                  T.c.start_date, T.c.due_date, T.c.duration, T.c.scheduling, T.c.status,
                  T.c.expected_finish, T.c.constraint_kind, T.c.constraint_start,
                  T.c.constraint_due, T.c.constraint_conflict)

# Built once, the ids an expanding parameter: SQLAlchemy memoises a statement's cache key
# on the object, so a page's look-ups are not rebuilt and re-keyed on every read.
_PREDECESSORS = sa.select(orm.dependencies.c.predecessor_id, orm.dependencies.c.successor_id,
                          orm.dependencies.c.lag).where(
    orm.dependencies.c.successor_id.in_(sa.bindparam("ids", expanding=True)))
_TASK_FAMILY = sa.select(T.c.id, T.c.region_code, T.c.project_code, T.c.year).where(
    T.c.id == sa.bindparam("id"))
_A = orm.assignments
_ASSIGNMENT_LISTING = (sa.select(_A.c.id, _A.c.task_id, _A.c.role, _A.c.assignee_kind,
                                 _A.c.assignee_id, _A.c.assignee_name, _A.c.region_code)
                       .where(_A.c.task_id.in_(sa.bindparam("ids", expanding=True)))
                       .order_by(_A.c.id))


@functools.cache
def _bearing_on():
    """:meth:`ProjectsRepository.assignments_bearing_on`'s statement, built once (after the
    mappers start): built per call, with its cache key, it was a third of the method."""
    same = sa.and_(_A.c.role == sa.bindparam("role"), _A.c.assignee_kind == sa.bindparam("kind"),
                   _A.c.assignee_id == sa.bindparam("assignee_id"))
    return (sa.select(Assignment)
            .where(_A.c.task_id == sa.bindparam("task_id"), sa.or_(_A.c.role == "A", same))
            .order_by(_A.c.id))


def late(columns, day):
    """SQL of :func:`services.projects.domain.model.is_overdue` on ``day`` over a tasks
    table's ``columns`` (``status``, ``kind``, ``due_date``)."""
    return sa.and_(columns.status.in_(OPEN_STATUSES), columns.kind != "phase",
                   columns.due_date < day)


@functools.lru_cache(maxsize=256, typed=True)
def _task_page_statements(*, region, project, year, plan_id, status, overdue, assignee_kind,
                          assignee_id, role, today, q, due_after, due_before, sort, limit,
                          offset, constraint_conflict):
    """``(count, page)``: the statements of :meth:`ProjectsRepository.tasks` for these
    arguments (``sort`` a tuple), built once for the last 256 distinct listings. Building
    and keying them took about as long as running them (~0.6 ms of a page here); a
    statement is immutable and SQLAlchemy memoises its cache key on it. The count is
    SELECT count(*) FROM tasks WHERE ..., not a count around a subquery of the 24 columns."""
    query = sa.select(T)
    if constraint_conflict is not None:
        query = query.where(T.c.constraint_conflict.isnot(None) if constraint_conflict
                            else T.c.constraint_conflict.is_(None))
    if q:
        query = query.where(contains_text((T.c.title, T.c.title_kk), q))
    query = within(query, Task.due_date, due_after, due_before)
    query = where_given(query, (Task.region_code, region), (Task.project_code, project),
                        (Task.year, year), (Task.plan_id, plan_id), (Task.status, status))
    if overdue is not None:
        query = query.where(late(T.c, today) if overdue else sa.not_(late(T.c, today)))
    if assignee_kind or assignee_id or role:
        a = orm.assignments
        sub = sa.select(a.c.task_id)
        if assignee_kind:
            sub = sub.where(a.c.assignee_kind == assignee_kind)
        if assignee_id:
            sub = sub.where(a.c.assignee_id == assignee_id)
        if role:
            sub = sub.where(a.c.role == role)
        query = query.where(Task.id.in_(sub))
    count = query.with_only_columns(sa.func.count(), maintain_column_froms=True)
    return count, query.order_by(*ordering(sort, T.c, T.c.id)).limit(limit).offset(offset)


MOVE_ON_POSTGRESQL = sa.text(
    "UPDATE tasks SET start_date = moved.start_date, due_date = moved.due_date, "
    "version = tasks.version + 1 FROM (SELECT unnest(CAST(:ids AS integer[])) AS id, "
    "unnest(CAST(:starts AS date[])) AS start_date, unnest(CAST(:dues AS date[])) AS due_date)"
    " AS moved WHERE tasks.id = moved.id")


# engine -> {base project code: its titles}: see ProjectsRepository.project_names
_PROJECT_NAMES = weakref.WeakKeyDictionary()
_PROJECT_TITLES = sa.select(orm.projects.c.title_kk, orm.projects.c.title_ru,
                            orm.projects.c.title_en).where(orm.projects.c.code == sa.bindparam("code"))


class ProjectsRepository(SessionRepository):
    """The projects service's queries (``uow.repo``)."""

    # projects, indicators, templates
    def projects(self):
        return self.session.scalars(sa.select(BaseProject).order_by(BaseProject.id)).all()

    def project(self, code):
        return self.session.scalars(sa.select(BaseProject).where(BaseProject.code == code)).first()

    def event_names(self, event_type, data):
        """``data`` with the name of the base project it mentions in kk, ru and en
        (``project_name``), so that every reader gets it in their own language."""
        code = data.get("project_code")
        if not code or data.get("project_name"):
            return data
        names = self.project_names(code)
        return dict(data, project_name=names) if names else data

    def project_names(self, code):
        """``{"kk", "ru", "en"}`` titles of base project ``code``, or None if there is none.

        Kept once found for the life of the session's engine (one per service process):
        the base projects are reference data, added when missing and never renamed by the
        service (service_layer/reference.py), and an event of every task names its project,
        where the query and the ORM object it loaded were an eighth of an assignment's use
        case (callgrind). A title changed in the database by hand shows in events after a
        restart. The answer is a copy: change it freely."""
        known = _PROJECT_NAMES.setdefault(self.session.get_bind(), {})
        if code not in known:
            row = self.session.execute(_PROJECT_TITLES, {"code": code}).first()
            if row is None:
                return None
            known[code] = {"kk": row.title_kk, "ru": row.title_ru, "en": row.title_en}
        return dict(known[code])

    def indicators(self):
        return self.session.scalars(sa.select(Indicator).order_by(Indicator.id)).all()

    def indicator(self, code):
        return self.session.scalars(sa.select(Indicator).where(Indicator.code == code)).first()

    def template(self, project_code):
        query = sa.select(Template).where(Template.project_code == project_code)
        return self.session.scalars(query).first()

    # plans
    def plan(self, plan_id):
        return self.get(Plan, plan_id)

    def plan_by_scope(self, project_code, year, scope):
        query = sa.select(Plan).where(Plan.project_code == project_code, Plan.year == year,
                                      Plan.scope == scope)
        return self.session.scalars(query).first()

    def plans(self, *, region=None, project=None, year=None, status=None, limit=50, offset=0):
        query = sa.select(Plan)
        query = where_given(query, (Plan.region_code, region), (Plan.project_code, project),
                            (Plan.year, year), (Plan.status, status))
        return page(self.session, query, (Plan.id,), limit, offset)

    def plan_scopes(self, project_code, year):
        query = sa.select(orm.plans.c.scope).where(orm.plans.c.project_code == project_code,
                                                   orm.plans.c.year == year)
        return set(self.session.scalars(query))

    def task_counts(self, plan_ids):
        if not plan_ids:
            return {}
        query = (sa.select(T.c.plan_id, sa.func.count()).where(T.c.plan_id.in_(plan_ids))
                 .group_by(T.c.plan_id))
        return dict(self.session.execute(query).all())

    # tasks
    def task(self, task_id):
        return self.get(Task, task_id)

    def tasks_of_plan(self, plan_id):
        return self.session.scalars(sa.select(Task).where(Task.plan_id == plan_id)
                                    .order_by(Task.id)).all()

    def tasks(self, *, region=None, project=None, year=None, plan_id=None, status=None,
              overdue=None, assignee_kind=None, assignee_id=None, role=None, today=None,
              q=None, due_after=None, due_before=None, sort=None, limit=50, offset=0,
              constraint_conflict=None):
        """A page of tasks and the total; ``q`` is text in the Russian or Kazakh title
        (any case), ``due_after``/``due_before`` bound the due date (inclusive), ``sort``
        is ``[(column, descending)]`` (then by id); ``constraint_conflict`` True: only the
        dated tasks whose predecessors make their date impossible (False: the others). The
        tasks are plain rows of the tasks table (attributes named as the columns), not ORM
        objects: a listing only reads them, and loading and expiring 50 ORM objects was a
        fifth of a page's cost; named tuples, not Rows (kelisim/db/pages.py ``plain_rows``)."""
        count, page = _task_page_statements(
            region=region, project=project, year=year, plan_id=plan_id, status=status,
            overdue=overdue, assignee_kind=assignee_kind, assignee_id=assignee_id, role=role,
            today=today or date.today(), q=q, due_after=due_after, due_before=due_before,
            sort=tuple(tuple(key) for key in sort) if sort else None, limit=limit,
            offset=offset, constraint_conflict=constraint_conflict)
        connection = self.session.connection()  # Core statements: no ORM execution path
        total = connection.scalar(count)
        return plain_rows(connection.execute(page)), total

    def children(self, task_id):
        return self.session.scalars(sa.select(Task).where(Task.parent_id == task_id)).all()

    def task_family(self, task_id):
        """A row of the task's ``id``, ``region_code``, ``project_code`` and ``year``, or
        None; read without loading the task."""
        return self.session.execute(_TASK_FAMILY, {"id": task_id}).first()

    def lock_family(self, project_code, year):
        """Hold the project-year's schedule lock until the transaction ends."""
        hold_lock(self.session, orm.schedule_locks, project_code=project_code, year=year)

    def family_rows(self, project_code, year):
        """Every task of a project's year as plain rows (the scheduling graph's nodes),
        their columns in FAMILY_COLUMNS' order (scheduling.load_graph unpacks them so)."""
        query = sa.select(*FAMILY_COLUMNS).where(T.c.project_code == project_code,
                                                 T.c.year == year)
        return self.session.execute(query).all()

    def family_dependencies(self, project_code, year):
        d = orm.dependencies
        query = (sa.select(d.c.predecessor_id, d.c.successor_id, d.c.lag)
                 .join(T, T.c.id == d.c.successor_id)
                 .where(T.c.project_code == project_code, T.c.year == year))
        return self.session.execute(query).all()

    def move_tasks(self, moves):
        """Write rescheduled dates: ``[(task_id, start, due)]``; bumps each version.

        PostgreSQL gets one ``UPDATE ... FROM unnest(arrays)`` (psycopg2 would send an
        executemany row by row); SQLite, an executemany in-process.
        """
        if not moves:
            return
        if self.session.get_bind().dialect.name == "postgresql":
            ids, starts, dues = (list(column) for column in zip(*moves, strict=False))
            self.session.execute(MOVE_ON_POSTGRESQL, {"ids": ids, "starts": starts, "dues": dues})
            return
        statement = (T.update().where(T.c.id == sa.bindparam("task_id"))
                     .values(start_date=sa.bindparam("new_start"),
                             due_date=sa.bindparam("new_due"), version=T.c.version + 1))
        self.session.execute(statement, [
            {"task_id": task_id, "new_start": start, "new_due": due}
            for task_id, start, due in moves])

    def set_conflicts(self, conflicts):
        """Write each task's constraint conflict: ``{task_id: dict or None}``; bumps each
        version (the task's answer changes)."""
        for task_id, conflict in conflicts.items():
            self.session.execute(T.update().where(T.c.id == task_id).values(
                constraint_conflict=conflict, version=T.c.version + 1))

    def set_expected_finish(self, task_id, day):
        self.session.execute(T.update().where(T.c.id == task_id)
                             .values(expected_finish=day, version=T.c.version + 1))

    def overdue_candidates(self, today):
        query = sa.select(Task).where(late(T.c, today)).order_by(Task.id)
        return self.session.scalars(query).all()

    def overdue_counts(self, project_code, year, today):
        query = (sa.select(T.c.region_code, sa.func.count())
                 .where(T.c.project_code == project_code, late(T.c, today))
                 .group_by(T.c.region_code))
        if year:
            query = query.where(T.c.year == year)
        return {region or "RGU": count for region, count in self.session.execute(query)}

    # dependencies
    def dependency(self, predecessor_id, successor_id):
        query = sa.select(Dependency).where(Dependency.predecessor_id == predecessor_id,
                                            Dependency.successor_id == successor_id)
        return self.session.scalars(query).first()

    def predecessors(self, task_ids):
        """``(predecessor_id, successor_id, lag)`` of every dependency of ``task_ids``."""
        return self.session.connection().execute(_PREDECESSORS, {"ids": list(task_ids)}).all()

    def followed_in_region(self, task_id, region):
        """Whether a task of ``region`` depends directly on ``task_id``."""
        d = orm.dependencies
        query = (sa.select(d.c.id).join(T, T.c.id == d.c.successor_id)
                 .where(d.c.predecessor_id == task_id, T.c.region_code == region).limit(1))
        return self.session.execute(query).first() is not None

    def add_dependencies(self, rows):
        if rows:
            self.session.execute(orm.dependencies.insert(), rows)

    # assignments
    def add_assignment_rows(self, rows):
        """Write new assignments given as rows (dicts of the assignments table's columns but
        ``id``, every row with the same keys) with :func:`kelisim.db.bulk.insert_rows`;
        their ids, in the rows' order. A rollout writes thousands at once: made and flushed
        as ORM objects, they were most of the 38 % of its CPU samples that building its
        assignments took (bench/README.md). IntegrityError on a
        duplicate, as a flush raises it."""
        return bulk.insert_rows(self.session, orm.assignments, rows, numbered=True)

    def assignment(self, assignment_id):
        return self.get(Assignment, assignment_id)

    def assignments(self, task_ids):
        query = (sa.select(Assignment).where(Assignment.task_id.in_(task_ids))
                 .order_by(Assignment.id))
        return self.session.scalars(query).all()

    def assignments_bearing_on(self, task_id, role, kind, assignee_id):
        """The assignments of task ``task_id`` that a new ``(role, kind, assignee_id)`` one
        is decided against (``Task.assign``): its Accountable ones (a new A replaces them)
        and the same one if it exists, oldest first, as the ORM objects :meth:`assignments`
        gives (the old A is deleted through the session). A task may hold tens of C and I
        assignments; loading all of them for each new one was a tenth of projects' CPU
        per assignment (bench/README.md, issue 17)."""
        return self.session.scalars(_bearing_on(), {
            "task_id": task_id, "role": role, "kind": kind, "assignee_id": assignee_id}).all()

    def assignment_listing(self, task_ids):
        """Every assignment of ``task_ids`` as plain rows, oldest first (for listings)."""
        return plain_rows(self.session.connection().execute(_ASSIGNMENT_LISTING,
                                                            {"ids": list(task_ids)}))

    def assignment_rows(self, task_ids, roles=("R", "A")):
        """``(task_id, kind, id, name, region_code)`` of every assignment of ``task_ids``
        in ``roles`` (rows to unpack), each task's in assignment order.

        PostgreSQL gets one ``task_id = ANY(array)`` query however many ids (an ``IN`` of
        500 bound parameters per query was a tenth of a 10 000-task slip's CPU: each
        parameter rendered, each row read by attribute); SQLite ``IN`` lists of 500."""
        task_ids = list(task_ids)
        if not task_ids:
            return []
        a = orm.assignments
        query = (sa.select(a.c.task_id, a.c.assignee_kind, a.c.assignee_id, a.c.assignee_name,
                           a.c.region_code).where(a.c.role.in_(roles)).order_by(a.c.id))
        if self.session.get_bind().dialect.name == "postgresql":
            ids = sa.bindparam("task_ids", task_ids, type_=postgresql.ARRAY(sa.Integer))
            return self.session.execute(query.where(a.c.task_id == sa.any_(ids))).all()
        found = []
        for start in range(0, len(task_ids), 500):
            found += self.session.execute(
                query.where(a.c.task_id.in_(task_ids[start:start + 500]))).all()
        return found

    # history
    # attachments (the gateway keeps them; service_layer/attachments.py)
    def attachment_count(self, task_id):
        return self.session.execute(sa.select(sa.func.count()).select_from(
            orm.task_attachments).where(orm.task_attachments.c.task_id == task_id)).scalar()

    def attachment_known(self, attachment_id):
        return self.session.execute(sa.select(orm.task_attachments.c.task_id).where(
            orm.task_attachments.c.attachment_id == attachment_id)).scalar()

    def add_attachment(self, row):
        self.session.execute(orm.task_attachments.insert().values(**row))

    def remove_attachment(self, attachment_id):
        return self.session.execute(orm.task_attachments.delete().where(
            orm.task_attachments.c.attachment_id == attachment_id)).rowcount

    def add_history(self, rows):
        """Write history rows (dicts of the history table's columns but ``id``, every row
        with the same keys), in order, with :func:`kelisim.db.bulk.insert_rows`: one
        ``INSERT ... SELECT FROM unnest(arrays) WITH ORDINALITY`` on PostgreSQL (a slip
        writes 1 000 at a time; the executemany's per-row parameter processing was 7 % of a
        10 000-task slip's CPU), an executemany on SQLite. A naive ``occurred_at`` raises
        ValueError, as the column does."""
        bulk.insert_rows(self.session, orm.history, rows)

    def history(self, entity, entity_id, limit=50, offset=0):
        h = orm.history
        query = (sa.select(h).where(h.c.entity == entity, h.c.entity_id == entity_id)
                 .order_by(h.c.id.desc()))
        return page_of_rows(self.session, query, (), limit, offset)  # ordered in the query

    # overdue stamps
    def stamped_stages(self, task_ids):
        s = orm.overdue_stamps
        query = sa.select(s.c.task_id, s.c.stage).where(s.c.task_id.in_(task_ids))
        return set(self.session.execute(query).all())

    def stamp(self, task_id, stage):
        self.session.execute(orm.overdue_stamps.insert().values(
            task_id=task_id, stage=stage, stamped_at=utcnow()))

    # money and risks
    def budget_line(self, line_id):
        return self.get(BudgetLine, line_id)

    def budget_lines(self, plan_ids):
        query = (sa.select(BudgetLine).where(BudgetLine.plan_id.in_(plan_ids))
                 .order_by(BudgetLine.id))
        return self.session.scalars(query).all()

    def risk(self, risk_id):
        return self.get(Risk, risk_id)

    def risks(self, *, plan_id=None, project=None, plan_ids=None):
        query = sa.select(Risk).order_by(Risk.id)
        query = where_given(query, (Risk.plan_id, plan_id), (Risk.project_code, project))
        if plan_ids is not None:
            query = query.where(Risk.plan_id.in_(plan_ids))
        return self.session.scalars(query).all()

    def risk_page(self, *, region=None, project=None, year=None, status=None,
                  probability=None, impact=None, limit=50, offset=0):
        """``(risks, total)``: one page of the risks of every plan matching, by id. ``status``
        "open" is every status but closed; ``year`` the year of the risk's plan."""
        query = sa.select(Risk)
        query = where_given(query, (Risk.region_code, region), (Risk.project_code, project))
        if year:
            query = query.where(Risk.plan_id.in_(sa.select(Plan.id).where(Plan.year == year)))
        if status == "open":
            query = query.where(Risk.status != "closed")
        elif status:
            query = query.where(Risk.status == status)
        query = where_given(query, (Risk.probability, probability), (Risk.impact, impact))
        return page(self.session, query, (Risk.id,), limit, offset)

    def plans_of(self, project_code=None, year=None):
        query = sa.select(Plan).order_by(Plan.id)
        query = where_given(query, (Plan.project_code, project_code), (Plan.year, year))
        return self.session.scalars(query).all()

    def leaf_rows(self, plan_ids):
        """(plan_id, start, due, duration, progress, status, kind, id) of every task without
        children."""
        child = orm.tasks.alias("child")
        has_children = sa.exists().where(child.c.parent_id == T.c.id)
        query = (sa.select(T.c.plan_id, T.c.start_date, T.c.due_date, T.c.duration,
                           T.c.progress, T.c.status, T.c.kind, T.c.id)
                 .where(T.c.plan_id.in_(plan_ids), ~has_children))
        return self.session.execute(query).all()

    def plan_history(self, plan_id, limit=50, offset=0):
        h = orm.history
        query = sa.select(h).where(h.c.plan_id == plan_id).order_by(h.c.id.desc())
        return page_of_rows(self.session, query, (), limit, offset)  # ordered in the query

    # baselines
    def add_baseline(self, baseline):
        """Store a :class:`Baseline`; returns its id."""
        result = self.session.execute(orm.plan_baselines.insert().values(
            plan_id=baseline.plan_id, number=baseline.number, budget=baseline.budget,
            tasks=[item.to_row() for item in baseline.tasks],
            captured_at=baseline.captured_at, actor_id=baseline.actor_id,
            reason=baseline.reason))
        baseline.id = result.inserted_primary_key[0]
        return baseline.id

    def baselines(self, plan_ids, latest_only=True):
        """``{plan_id: [Baseline]}`` newest first (only the newest with ``latest_only``)."""
        if not plan_ids:
            return {}
        b = orm.plan_baselines
        query = sa.select(b).where(b.c.plan_id.in_(plan_ids)).order_by(b.c.plan_id,
                                                                      b.c.number.desc())
        found = {}
        for row in self.session.execute(query):
            kept = found.setdefault(row.plan_id, [])
            if latest_only and kept:
                continue
            kept.append(Baseline(
                plan_id=row.plan_id, number=row.number, budget=row.budget,
                tasks=[BaselineTask.from_row(item) for item in row.tasks],
                captured_at=row.captured_at, actor_id=row.actor_id, reason=row.reason,
                id=row.id))
        return found

    def audit_page(self, *, entity=None, entity_id=None, region=None, actor=None, limit=50,
                   offset=0):
        """``(rows, total)`` of the change history as an audit trail, newest first: each
        row with the region of the plan it belongs to (None: national, e.g. indicators)."""
        h, p = orm.history, orm.plans
        query = (sa.select(h, p.c.region_code)
                 .select_from(h.outerjoin(p, p.c.id == h.c.plan_id)))
        if entity:
            query = query.where(h.c.entity == entity)
        if entity_id is not None:
            if not str(entity_id).isdigit():
                return [], 0
            query = query.where(h.c.entity_id == int(entity_id))
        query = where_given(query, (p.c.region_code, region), (h.c.actor_id, actor))
        return page_of_rows(self.session, query, (h.c.occurred_at.desc(), h.c.id.desc()),
                            limit, offset)
