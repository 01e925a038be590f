"""Finish-to-start scheduling over a task graph, with OpenProject's semantics.

* A task in automatic mode starts as soon as its predecessors allow: the working day after
  the latest predecessor's finish, plus the lag in working days; it keeps its duration.
  Predecessors of a parent constrain every task under it. Without any predecessor an
  automatic task keeps its dates.
* A task in manual mode, and a done or cancelled one, keeps its dates.
* A parent (phase) spans its children: earliest start to latest due date.
* A pinned automatic task (:class:`Pin`, from a dated template item) keeps its constraint
  while honouring its predecessors, as MS Project's and OpenProject's constraint types:
  ``on`` is *must finish on* (the due date is fixed; the start is ``duration`` working
  days before); ``not_before`` is *start no earlier than*; ``within`` adds *finish no later
  than* the period's last working day to a start no earlier than its first. When the
  predecessors allow no start that keeps the constraint, the constraint wins (the task
  keeps its pinned dates, so nothing dated is moved in silence) and the task carries a
  :class:`Conflict` naming the predecessor and the earliest start it allows; the caller
  reports it. The conflict clears when the predecessors allow the constraint again.

The graph is plain data; :meth:`Graph.reschedule` returns what moved and why (the chain of
tasks that pushed each one), which the service layer turns into history rows and events.
"""
import contextlib
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date

from kelisim.errors import Invalid
from kelisim.i18n import _
from kelisim.workdays import OutOfCalendar, kazakhstan

FIXED_STATUSES = ("done", "cancelled")


@dataclass(frozen=True, slots=True)
class Pin:
    """A date constraint: ``earliest`` start (working day) and ``latest`` due date
    (working day; for ``on`` the due date itself). Either may be None."""

    kind: str
    earliest: date | None = None
    latest: date | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    """Predecessors make ``pin`` impossible: the latest of them, ``predecessor`` (a task
    id), allows a start on ``earliest_start`` at the earliest, so the task would be due on
    ``would_be_due``, past the pinned ``pin.latest`` (the task keeps ``pin.latest``)."""

    pin: Pin
    predecessor: int
    earliest_start: date
    would_be_due: date

    @classmethod
    def from_dict(cls, pin, data):
        """The conflict :meth:`to_dict` stored (None for None)."""
        if not data or pin is None:
            return None
        return cls(pin, data["predecessor_id"], date.fromisoformat(data["earliest_start"]),
                   date.fromisoformat(data["would_be_due"]))

    def to_dict(self):
        return {"constraint": self.pin.kind, "date": self.pin.latest.isoformat(),
                "predecessor_id": self.predecessor,
                "earliest_start": self.earliest_start.isoformat(),
                "would_be_due": self.would_be_due.isoformat()}


@dataclass(slots=True)
class Node:
    id: int
    start: date
    due: date
    duration: int = 1
    parent_id: int | None = None
    kind: str = "task"
    scheduling: str = "auto"
    status: str = "planned"
    expected_finish: date | None = None
    pin: Pin | None = None
    conflict: Conflict | None = None

    def finish(self):
        if self.expected_finish and self.status not in FIXED_STATUSES \
                and self.expected_finish > self.due:
            return self.expected_finish
        return self.due


@dataclass(slots=True)
class Move:
    id: int
    old_start: date
    old_due: date
    start: date
    due: date
    via: int | None = None  # the task whose dates pushed this one

    @property
    def slipped(self):
        return self.due > self.old_due


class Graph:
    def __init__(self, nodes, dependencies=()):
        self.nodes = {node.id: node for node in nodes}
        self.children = defaultdict(list)
        for node in self.nodes.values():
            if node.parent_id is not None:
                self.children[node.parent_id].append(node.id)
        self.preds = preds = defaultdict(list)
        self.succs = succs = defaultdict(list)
        for pred, succ, lag in dependencies:  # add_dependency's, inlined: 20 000 in a slip
            preds[succ].append((pred, lag))
            succs[pred].append((succ, lag))
        self._leaves = {}
        self.conflict_changes = {}  # task id -> its new Conflict or None (cleared)
        self.reported = []  # the conflicts the caller reported (dicts), for its answer

    def add_dependency(self, pred, succ, lag=0):
        self.preds[succ].append((pred, lag))
        self.succs[pred].append((succ, lag))
        self._leaves = {}

    # structure
    def ancestors(self, task_id):
        found = []
        parent = self.nodes[task_id].parent_id
        while parent is not None:
            found.append(parent)
            parent = self.nodes[parent].parent_id
        return found

    def leaves_under(self, task_id):
        """The tasks without children at or below ``task_id``."""
        cached = self._leaves.get(task_id)
        if cached is None:
            cached, stack = [], [task_id]
            while stack:
                current = stack.pop()
                kids = self.children.get(current)
                if kids:
                    stack.extend(kids)
                else:
                    cached.append(current)
            self._leaves[task_id] = cached
        return cached

    def _influenced(self, task_id):
        """Tasks whose dates may depend on those of ``task_id``."""
        for succ, _lag in self.succs.get(task_id, ()):
            yield from self.leaves_under(succ)
        parent = self.nodes[task_id].parent_id
        if parent is not None:
            yield parent

    def constraints(self, task_id):
        """``(predecessor, lag)`` pairs of the task and of every ancestor of it."""
        found = list(self.preds.get(task_id, ()))
        for ancestor in self.ancestors(task_id):
            found.extend(self.preds.get(ancestor, ()))
        return found

    # rules
    def check_new_dependency(self, pred, succ):
        """Raise :class:`Invalid` if ``pred -> succ`` would make a cycle; show the cycle."""
        if pred == succ:
            raise Invalid(_("a task cannot depend on itself"), {"predecessor_id": _("same task")})
        if pred in self.ancestors(succ) or succ in self.ancestors(pred):
            raise Invalid(_("a task cannot depend on its own parent or child"),
                          {"predecessor_id": _(
                              "they are in one hierarchy; parents follow children")})
        start = [succ, *self.leaves_under(succ)]
        came_from = {node: None for node in start}
        queue = deque(start)
        while queue:
            current = queue.popleft()
            if current == pred:
                path = [current]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                cycle = [pred, *reversed(path)]
                raise Invalid(_("the dependency would make a cycle"),
                              {"predecessor_id": " -> ".join(map(str, cycle))})
            for nxt in self._influenced(current):
                if nxt not in came_from:
                    came_from[nxt] = current
                    queue.append(nxt)

    # scheduling
    def reschedule(self, calendar, origins=(), only=None):
        """Recompute the dates that depend on ``origins`` (whose dates were already set);
        or, with ``only``, of those tasks (e.g. all of them after a rollout).

        Returns ``[Move]`` for every task whose dates changed, in topological order.
        A pinned task whose conflict appeared, changed or cleared is in
        :attr:`conflict_changes`.
        """
        origins = set(origins)
        affected = set(only) if only is not None else self.closure(origins)
        order = self._topological(affected)
        moves = []
        for task_id in order:
            if task_id in origins:
                continue
            node = self.nodes[task_id]
            kids = self.children.get(task_id)
            if kids:
                start, due, via = self._span(kids)
            elif node.scheduling == "auto" and node.status not in FIXED_STATUSES:
                start, due, via = self._soonest(node, calendar)
            else:
                self._set_conflict(node, None)
                continue
            if start is None or (start == node.start and due == node.due):
                continue
            moves.append(Move(task_id, node.start, node.due, start, due, via))
            node.start, node.due = start, due
        return moves

    def closure(self, origins):
        seen = set(origins)
        queue = deque(origins)
        while queue:
            for nxt in self._influenced(queue.popleft()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def _topological(self, subset):
        indegree = dict.fromkeys(subset, 0)
        edges = {}
        for task_id in subset:
            targets = [t for t in self._influenced(task_id) if t in indegree]
            edges[task_id] = targets
            for target in targets:
                indegree[target] += 1
        queue = deque(t for t, d in indegree.items() if d == 0)
        order = []
        while queue:
            current = queue.popleft()
            order.append(current)
            for target in edges[current]:
                indegree[target] -= 1
                if indegree[target] == 0:
                    queue.append(target)
        if len(order) != len(subset):
            raise Invalid(_("the dependencies make a cycle"), {})
        return order

    def _span(self, kids):
        nodes = [self.nodes[k] for k in kids]
        start = min(n.start for n in nodes if n.start is not None)
        last = max((n for n in nodes if n.due is not None), key=lambda n: n.due)
        return start, last.due, last.id

    def earliest_start(self, task_id, calendar):
        """The first working day the predecessors of ``task_id`` and of its ancestors
        allow a task at that place to start (None if nothing constrains it). Used to place
        a new child of ``task_id``: a phase's predecessors hold each of its tasks."""
        best = None
        for pred, lag in self.constraints(task_id):
            candidate = calendar.successor_start(self.nodes[pred].finish(), lag)
            if best is None or candidate > best:
                best = candidate
        return best

    def _soonest(self, node, calendar):
        best, via = None, None
        for pred, lag in self.constraints(node.id):
            candidate = calendar.successor_start(self.nodes[pred].finish(), lag)
            if best is None or candidate > best:
                best, via = candidate, pred
        if node.pin is not None:
            return self._pinned(node, calendar, best, via)
        if best is None:
            return None, None, None
        due = best if node.kind == "milestone" else calendar.finish(best, node.duration)
        return best, due, via

    def _set_conflict(self, node, conflict):
        if conflict != node.conflict:
            node.conflict = conflict
            self.conflict_changes[node.id] = conflict

    def _pinned(self, node, calendar, best, via):
        """Dates of a pinned task whose predecessors allow a start on ``best`` (None: it
        has none, and its own start, from the plan's start and the template's offset,
        stands). Only predecessors make a conflict: without them the constraint is met."""
        pin, length = node.pin, (0 if node.kind == "milestone" else node.duration)
        start = best if best is not None else node.start
        if pin.earliest is not None and start < pin.earliest:
            start = pin.earliest
        due = start if length == 0 else calendar.finish(start, length)
        conflict = None
        late = pin.latest is not None and due > pin.latest
        if late and best is not None and best >= start:
            conflict = Conflict(pin, via, start, due)
        if pin.latest is not None and (late or pin.kind == "on"):
            due = pin.latest
            start = due if length == 0 else calendar.add(due, 1 - length)
        self._set_conflict(node, conflict)
        return start, due, via if best is not None else None


def chains(moves, origins):
    """``{task_id: [origin, ..., task_id]}``: which tasks pushed each moved task."""
    via = {move.id: move.via for move in moves}
    found = {origin: [origin] for origin in origins}

    def chain_of(task_id):
        path = []
        current = task_id
        while current not in found and current in via:
            path.append(current)
            current = via[current]
        base = found.get(current, [current])
        for task in reversed(path):
            base = base + [task]
            found[task] = base
        return found.get(task_id, base)

    return {move.id: chain_of(move.id) for move in moves}


@contextlib.contextmanager
def within_calendar(field, calendar=None):
    """Turn a schedule that leaves the working ``calendar`` (kelisim.workdays; None:
    Kazakhstan's) into :class:`Invalid` naming ``field``, the input that pushed it out."""
    try:
        yield
    except OutOfCalendar as error:
        calendar = calendar or kazakhstan()
        raise Invalid(_("the schedule would leave the working calendar: {detail}",
                        detail=error.message),
                      {field: _("every date must stay between {first} and {last}",
                                first=calendar.first, last=calendar.last)}) from None


def place(calendar, *, kind, scheduling, start, due=None, duration=None):
    """``(start, due, duration)`` of a task dated by hand, on working days (OpenProject's rule).

    An automatic task starts on the first working day on or after ``start`` and ends after
    ``duration`` working days (or on the last working day up to ``due``). A manual task keeps
    its dates; its duration counts the working days between them. A milestone has no
    duration: one day, moved to a working day if automatic. ``duration`` is in working days
    (at least 1 for a task); :class:`Invalid` if ``due`` is before ``start``; the calendar's
    :class:`~kelisim.workdays.OutOfCalendar` if the dates leave it.
    """
    auto = scheduling == "auto"
    if kind == "milestone":
        day = due or start
        day = calendar.on_or_after(day) if auto else day
        return day, day, 0
    if due is not None and due < start:
        raise Invalid(_("the task ends before it starts"),
                      {"due_date": _("is before the start date")})
    if auto:
        start = calendar.on_or_after(start)
    if due is None:
        return start, calendar.finish(start, max(duration or 1, 1)), max(duration or 1, 1)
    duration = calendar.duration(start, max(due, start))
    return start, calendar.finish(start, duration) if auto else due, duration
