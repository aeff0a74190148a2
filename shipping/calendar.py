"""Business days for delivery estimates: every day but Sundays and Peru's public holidays.

Couriers in Peru (Olva, Shalom, Serpost) deliver and hand over parcels on Saturdays, so
Saturday counts. Holidays come from the `holidays` package (`holidays.PE`: national
holidays, Holy Thursday and Good Friday included), one computed calendar per year.
Legal deadlines (días hábiles: the Libro de Reclamaciones' answer) rest on Saturdays too:
their callers pass weekend=OFFICE_WEEKEND.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

SATURDAY, SUNDAY = 5, 6
COURIER_WEEKEND = frozenset({SUNDAY})
OFFICE_WEEKEND = frozenset({SATURDAY, SUNDAY})


@lru_cache(maxsize=8)
def _peru_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.PE(years=year))


def is_business_day(day: date, *, weekend: frozenset[int] = COURIER_WEEKEND) -> bool:
    return day.weekday() not in weekend and day not in _peru_holidays(day.year)


def add_business_days(start: date, days: int, *, weekend: frozenset[int] = COURIER_WEEKEND) -> date:
    """The date `days` business days after `start`; with 0, start itself or the next business day."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while not is_business_day(day, weekend=weekend):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not is_business_day(day, weekend=weekend):
            day += timedelta(days=1)
    return day


def business_days_between(start: date, end: date, *, weekend: frozenset[int] = COURIER_WEEKEND) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_business_day(day, weekend=weekend)
    return count
