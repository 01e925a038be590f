"""Working-day arithmetic over a fixed span of dates: O(1) per step, every working day of the
span gets an ordinal once. Which days are off is the caller's data (see kazakhstan.py)."""
import bisect
from collections.abc import Iterable
from datetime import date, timedelta

from nameko.exceptions import deserialize_to_instance

from kelisim.errors import Invalid
from kelisim.i18n import Msg, _


@deserialize_to_instance
class OutOfCalendar(Invalid):
    """A date, or a schedule computed from it, leaves the span of the working calendar.

    A 422: use cases re-raise it naming the input field that caused it (``errors``)."""


class WorkCalendar:
    """Monday to Friday, less ``holidays``, plus ``working_weekends``, from ``first`` to
    ``last`` inclusive. Every method takes and returns :class:`datetime.date`; counts are
    working days. A date outside the span raises :class:`OutOfCalendar`."""

    def __init__(self, holidays: Iterable[date] = (), working_weekends: Iterable[date] = (),
                 first: date = date(2020, 1, 1), last: date = date(2040, 12, 31)) -> None:
        self.holidays = frozenset(holidays)
        self.working_weekends = frozenset(working_weekends)
        self.first, self.last = first, last
        self._days: list[date] = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                self._days.append(day)
            day += timedelta(days=1)
        self._index = {day: i for i, day in enumerate(self._days)}

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def _outside(self, what: Msg) -> OutOfCalendar:
        return OutOfCalendar(_("{what} falls outside the working calendar ({first} to {last})",
                               what=what, first=self.first, last=self.last),
                             {"date": _("between {first} and {last}", first=self.first,
                                        last=self.last)})

    def _check(self, day: date) -> None:
        if not self.first <= day <= self.last:
            raise self._outside(_("the date {day}", day=day))

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def on_or_after(self, day: date) -> date:
        """The first working day that is ``day`` or later."""
        self._check(day)
        index = bisect.bisect_left(self._days, day)
        if index == len(self._days):
            raise self._outside(_("the working day on or after {day}", day=day))
        return self._days[index]

    def on_or_before(self, day: date) -> date:
        """The last working day that is ``day`` or earlier."""
        self._check(day)
        index = bisect.bisect_right(self._days, day) - 1
        if index < 0:
            raise self._outside(_("the working day on or before {day}", day=day))
        return self._days[index]

    def add(self, day: date, working_days: int) -> date:
        """The working day ``working_days`` after (before, if negative) ``day``.

        A ``day`` off counts as the working day before it when moving forward (Saturday
        plus one is Monday) and as the one after it when moving back.
        """
        index = self._index.get(day)
        if index is None:  # a day off, between the working days numbered after - 1 and after
            self._check(day)
            after = bisect.bisect_left(self._days, day)
            index = after - 1 if working_days > 0 else after
        target = index + working_days
        if not 0 <= target < len(self._days):
            raise self._outside(_("{day} plus {count} working days", day=day,
                                             count=working_days))
        return self._days[target]

    def finish(self, start: date, duration: int) -> date:
        """Due date of a task starting on ``start`` lasting ``duration`` working days (0: a
        milestone). A ``start`` off work counts from the next working day."""
        start = self.on_or_after(start)
        return start if duration <= 1 else self.add(start, duration - 1)

    def successor_start(self, finish: date, lag: int=0) -> date:
        """Earliest start after a predecessor finishing on ``finish``, ``lag`` working days later."""
        return self.add(finish, 1 + lag)  # a finish on a day off: see add

    def count(self, start: date, due: date) -> int:
        """Working days from ``start`` to ``due`` inclusive (0 if there are none)."""
        first = bisect.bisect_left(self._days, max(start, self.first))
        last = bisect.bisect_right(self._days, min(due, self.last))
        return max(0, last - first)

    def duration(self, start: date, due: date) -> int:
        """Working days from ``start`` to ``due`` inclusive (at least 1)."""
        self._check(start)
        self._check(due)
        return max(1, self.count(start, due))
