"""The working calendar of Kazakhstan, shared by every service that counts working days
(projects schedules tasks with it, reports moves due dates off days off).

Public holidays come from rules for every year (the pinned ``holidays`` package, which
follows the Labour Code and the Law on holidays, Kurban ait's lunar date included); the
Government's decrees that move days off are data on top (transfers_kz.json, one row per
moved day with its source), kept by ``kelisim calendar``.
"""
from kelisim.workdays.calendar import OutOfCalendar, WorkCalendar
from kelisim.workdays.kazakhstan import (
    FIRST,
    LAST,
    Transfer,
    add_transfer,
    check_transfers,
    days_of_year,
    kazakhstan,
    load_transfers,
    package_calendar,
)

__all__ = ["FIRST", "LAST", "OutOfCalendar", "Transfer", "WorkCalendar", "add_transfer",
           "check_transfers", "days_of_year", "kazakhstan", "load_transfers",
           "package_calendar"]
