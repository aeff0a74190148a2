"""Business days for delivery estimates: every day but Sundays and Peru's public holidays.

Couriers in Peru (Olva, Shalom, Serpost) deliver and hand over parcels on Saturdays, so
Saturday counts. Holidays come from the `holidays` package (`holidays.PE`: national
holidays, Holy Thursday and Good Friday included), one computed calendar per year.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

SUNDAY = 6


@lru_cache(maxsize=8)
def _peru_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.PE(years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() != SUNDAY and day not in _peru_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start`; with 0, start itself or the next business day."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while not is_business_day(day):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not is_business_day(day):
            day += timedelta(days=1)
    return day
