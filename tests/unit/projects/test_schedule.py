"""Finish-to-start scheduling: lags, transitive moves, manual tasks, parents, cycles."""
from datetime import date

import pytest

from kelisim.errors import Invalid
from services.projects.domain.schedule import Graph, Node, chains
from services.projects.service_layer.common import work_calendar

CAL = work_calendar()


def node(task_id, start, duration, **kw):
    start = date.fromisoformat(start)
    due = start if duration == 0 else CAL.finish(start, duration)
    return Node(task_id, start, due, duration, **kw)


def test_a_slip_moves_automatic_successors_transitively_and_stops_at_manual_ones():
    graph = Graph([node(1, "2026-02-02", 5), node(2, "2026-02-09", 3), node(3, "2026-02-12", 2),
                   node(4, "2026-02-20", 2, scheduling="manual"), node(5, "2026-02-24", 1)],
                  [(1, 2, 0), (2, 3, 0), (2, 4, 0), (4, 5, 0)])
    graph.nodes[1].due = date(2026, 2, 13)  # slipped a week
    moves = graph.reschedule(CAL, [1])
    moved = {m.id: (m.start, m.due) for m in moves}
    assert moved == {2: (date(2026, 2, 16), date(2026, 2, 18)),
                     3: (date(2026, 2, 19), date(2026, 2, 20))}
    assert chains(moves, [1]) == {2: [1, 2], 3: [1, 2, 3]}


def test_lag_in_working_days_and_parents_span_children():
    graph = Graph([Node(10, None, None, 0, kind="phase"),
                   node(11, "2026-03-16", 5, parent_id=10), node(12, "2026-03-30", 2, parent_id=10),
                   node(20, "2026-01-05", 1)],
                  [(11, 12, 0), (20, 10, 0)])
    moves = graph.reschedule(CAL, only=[10, 11, 12])
    phase, first, second = graph.nodes[10], graph.nodes[11], graph.nodes[12]
    # 11 follows 20 (its parent's predecessor); 12 follows 11
    # 7 January (Orthodox Christmas) is a day off
    assert (first.start, first.due) == (date(2026, 1, 6), date(2026, 1, 13))
    assert second.start == date(2026, 1, 14)
    assert (phase.start, phase.due) == (first.start, second.due)
    assert {m.id for m in moves} == {10, 11, 12}
    # Finish on Thursday 19 March 2026 with a lag of 2 working days: 20 and 26 March are
    # the lag (Nauryz lies between), so the successor starts on the 27th.
    lagged = Graph([node(1, "2026-03-19", 1), node(2, "2026-03-20", 1)], [(1, 2, 2)])
    lagged.reschedule(CAL, [1])
    assert lagged.nodes[2].start == date(2026, 3, 27)


def test_cycles_are_rejected_with_the_path_including_through_parents():
    graph = Graph([node(1, "2026-02-02", 1), node(2, "2026-02-03", 1), node(3, "2026-02-04", 1),
                   Node(9, None, None, 0, kind="phase"), node(4, "2026-02-05", 1, parent_id=9)],
                  [(1, 2, 0), (2, 3, 0), (9, 1, 0)])
    with pytest.raises(Invalid) as cycle:
        graph.check_new_dependency(3, 1)
    assert cycle.value.errors["predecessor_id"] == "3 -> 1 -> 2 -> 3"
    with pytest.raises(Invalid):
        graph.check_new_dependency(3, 4)  # 4 -> phase 9 -> 1 -> 2 -> 3 -> 4
    with pytest.raises(Invalid):
        graph.check_new_dependency(9, 4)  # a parent and its child
    graph.check_new_dependency(1, 3)  # a second path is not a cycle
