"""Date constraints in the scheduler (domain only): must finish on, start no earlier than,
finish within a period, with finish-to-start dependencies; impossible ones are conflicts."""
from datetime import date

from services.projects.domain import template as templates
from services.projects.domain.schedule import Graph, Node, Pin
from services.projects.service_layer.common import work_calendar

CAL = work_calendar()
D = date.fromisoformat


def node(task_id, start, duration, **kw):
    start = D(start)
    due = start if duration == 0 else CAL.finish(start, duration)
    return Node(task_id, start, due, duration, **kw)


def test_on_a_day_off_means_the_last_working_day_before_it():
    # 1 May 2026 is a Friday and a public holiday (Unity Day): 30 April
    assert templates.pin_of({"on": "05-01"}, 2026, CAL) == Pin("on", None, D("2026-04-30"))
    # 1 March 2026 is a Sunday: Friday 27 February
    assert templates.pin_of({"on": "03-01"}, 2026, CAL).latest == D("2026-02-27")
    assert templates.pin_of({"within": "Q4"}, 2026, CAL) == Pin(
        "within", D("2026-10-01"), D("2026-12-31"))
    assert templates.pin_of({"within": "Q4", "not_before": "11-01"}, 2026, CAL).earliest == \
        D("2026-11-02")
    assert templates.pin_of({"title_ru": "x"}, 2026, CAL) is None


def test_a_task_on_1_may_after_an_early_predecessor_finishes_on_its_day():
    """The fault: a task with a predecessor started right after it (6-12 February)."""
    pin = templates.pin_of({"on": "05-01"}, 2026, CAL)
    graph = Graph([node(1, "2026-01-15", 15), node(2, "2026-02-06", 5, pin=pin)], [(1, 2, 0)])
    moves = graph.reschedule(CAL, only=[2])
    assert [(m.start, m.due) for m in moves] == [(D("2026-04-24"), D("2026-04-30"))]
    assert graph.nodes[2].conflict is None and graph.conflict_changes == {}


def test_within_a_quarter_starts_no_earlier_than_its_first_working_day():
    pin = templates.pin_of({"within": "Q4"}, 2026, CAL)
    graph = Graph([node(1, "2026-03-02", 3), node(2, "2026-03-05", 3, pin=pin)], [(1, 2, 0)])
    [move] = graph.reschedule(CAL, only=[2])
    assert (move.start, move.due) == (D("2026-10-01"), D("2026-10-05"))


def test_not_before_keeps_a_later_predecessor_start():
    pin = templates.pin_of({"not_before": "03-01"}, 2026, CAL)
    # 8 March, a Sunday, moves its day off to Monday 9 March
    graph = Graph([node(1, "2026-03-02", 10), node(2, "2026-03-02", 2, pin=pin)], [(1, 2, 0)])
    [move] = graph.reschedule(CAL, only=[2])
    assert move.start == D("2026-03-17") and graph.nodes[2].conflict is None


def test_a_predecessor_that_makes_the_date_impossible_is_a_conflict_not_a_move():
    pin = templates.pin_of({"on": "05-01"}, 2026, CAL)
    graph = Graph([node(1, "2026-04-20", 5), node(2, "2026-04-24", 5, pin=pin),
                   node(3, "2026-05-04", 2)], [(1, 2, 0), (2, 3, 0)])
    graph.nodes[1].due = D("2026-05-06")  # the predecessor slips past 1 May
    moves = graph.reschedule(CAL, [1])
    assert all(m.id != 2 for m in moves)  # the dated task keeps 30 April
    conflict = graph.nodes[2].conflict
    assert conflict.predecessor == 1 and conflict.earliest_start == D("2026-05-08")
    assert conflict.to_dict() == {"constraint": "on", "date": "2026-04-30",
                                  "predecessor_id": 1, "earliest_start": "2026-05-08",
                                  "would_be_due": "2026-05-15"}
    assert graph.conflict_changes == {2: conflict}
    # the predecessor comes back in time: the conflict clears
    graph.conflict_changes.clear()
    graph.nodes[1].due = D("2026-04-22")
    graph.reschedule(CAL, [1])
    assert graph.nodes[2].conflict is None and graph.conflict_changes == {2: None}


def test_a_q4_task_its_predecessors_push_out_of_the_year_stays_in_q4_with_a_conflict():
    pin = templates.pin_of({"within": "Q4"}, 2026, CAL)
    graph = Graph([node(1, "2026-12-21", 5), node(2, "2026-10-01", 3, pin=pin)], [(1, 2, 2)])
    [move] = graph.reschedule(CAL, only=[2])
    assert (move.start, move.due) == (D("2026-12-29"), D("2026-12-31"))
    assert graph.nodes[2].conflict.to_dict()["earliest_start"] == "2026-12-30"


def test_a_recurring_item_becomes_one_dated_item_per_occurrence():
    items = [{"key": "org", "kind": "task", "title_ru": "План", "title_kk": "Жоспар"},
             {"key": "council", "kind": "task", "title_ru": "Совет", "title_kk": "Кеңес",
              "repeat": "FREQ=YEARLY;BYMONTH=3,7,11;BYMONTHDAY=15", "after": [{"key": "org"}]},
             {"key": "report", "kind": "task", "title_ru": "Отчёт", "title_kk": "Есеп",
              "after": [{"key": "council", "lag": 1}]}]
    concrete = templates.expand(items, 2026)
    keys = [i["key"] for i in concrete]
    assert keys == ["org", "council.1", "council.2", "council.3", "report"]
    third = concrete[3]
    assert third["title_ru"] == "Совет (3/3)" and third["title_kk"] == "Кеңес (3/3)"
    assert third["on"] == "11-15" and third["occurrence_of"] == "council"
    assert third["after"] == [{"key": "org"}]
    assert concrete[-1]["after"] == [{"key": f"council.{n}", "lag": 1} for n in (1, 2, 3)]
    assert len(templates.expand([{**items[1], "repeat": "FREQ=MONTHLY;BYMONTHDAY=10,25;"
                                  "COUNT=18", "after": []}], 2026)) == 18
