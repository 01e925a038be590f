"""Working days in Kazakhstan: Monday to Friday, less public holidays, plus decreed working
weekends. The days themselves are data (reference/holidays_kz.json), not code.

Arithmetic is O(1): every working day of the covered span gets an ordinal once.
"""
import bisect
from datetime import date, timedelta


class WorkCalendar:
    def __init__(self, holidays=(), working_weekends=(), first=date(2020, 1, 1),
                 last=date(2040, 12, 31)):
        self.holidays = frozenset(holidays)
        self.working_weekends = frozenset(working_weekends)
        self.first, self.last = first, last
        self._days = []
        day = first
        while day <= last:
            if self.is_working_day(day):
                self._days.append(day)
            day += timedelta(days=1)
        self._index = {day: i for i, day in enumerate(self._days)}

    def is_working_day(self, day):
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def _check(self, day):
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside the calendar ({self.first} to {self.last})")

    def on_or_after(self, day):
        """The first working day that is ``day`` or later."""
        self._check(day)
        return self._days[bisect.bisect_left(self._days, day)]

    def on_or_before(self, day):
        self._check(day)
        return self._days[bisect.bisect_right(self._days, day) - 1]

    def add(self, day, working_days):
        """The working day ``working_days`` after (before, if negative) ``day``.

        A ``day`` off counts as the working day before it when moving forward (Saturday
        plus one is Monday) and as the one after it when moving back.
        """
        index = self._index.get(day)
        if index is None:
            snap = self.on_or_before(day) if working_days > 0 else self.on_or_after(day)
            index = self._index[snap]
        target = index + working_days
        if not 0 <= target < len(self._days):
            raise ValueError("the date falls outside the calendar")
        return self._days[target]

    def finish(self, start, duration):
        """Due date of a task starting on ``start`` lasting ``duration`` working days (0: a milestone)."""
        start = self.on_or_after(start)
        return start if duration <= 1 else self.add(start, duration - 1)

    def successor_start(self, finish, lag=0):
        """Earliest start after a predecessor finishing on ``finish``, ``lag`` working days later."""
        return self.add(self.on_or_before(finish), 1 + lag)

    def duration(self, start, due):
        """Working days from ``start`` to ``due`` inclusive (at least 1)."""
        first = self._index[self.on_or_after(start)]
        last = self._index[self.on_or_before(due)]
        return max(1, last - first + 1)


def from_reference(data):
    """A calendar from the reference document's ``holidays`` and ``working_weekends``."""
    holidays = [date.fromisoformat(day) for days in data["holidays"].values() for day, _ in days]
    weekends = [date.fromisoformat(day) for day in data.get("working_weekends", [])]
    return WorkCalendar(holidays, weekends)
