"""Automatic lead-by-example duty credits: records elsewhere that already prove a duty.

Principle 1 of DESIGN.md: a leader who gave a Party lecture, attended a theme Party day or served
a first-secretary posting has shown the matching duty, and nobody enters that a second time. Each
app that holds such records registers a provider in its `metrics.py` (or `credits.py`):

    from banzi.study import credits, duties

    @credits.provider
    def meeting_credits(cadre_ids, start, end):
        for m in Meeting.objects.filter(...):
            yield credits.Credit(cadre_id=..., duty_key=duties.THEME_PARTY_DAY, date=m.held_on,
                                 label=str(m), url=m.get_url("detail"), source="governance.meeting", source_id=m.pk)

A provider computes from the records as they are now, so a credit appears as soon as the proving
record is saved and disappears when it is deleted or changed. It must run a constant number of
queries whatever the number of cadres or records (filter by `cadre_ids` and the date range).
"""
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_providers: list[Callable] = []


@dataclass(frozen=True)
class Credit:
    """One proof that a cadre showed a duty on a date."""

    cadre_id: int
    duty_key: str
    date: datetime.date
    # What proves it, as shown in the matrix ("上党课：学习贯彻…").
    label: str
    # Link to the proving record's page ("" when there is none).
    url: str = ""
    # The proving record's model label ("study.studysession") and id, so that a credit is counted
    # once however many providers see the same record.
    source: str = ""
    source_id: int | None = None


def provider(func):
    """Register `func(cadre_ids, start, end) -> iterable of Credit` (dates inclusive)."""
    if func not in _providers:
        _providers.append(func)
    return func


def credits_for(cadre_ids: Iterable[int], start: datetime.date, end: datetime.date) -> list[Credit]:
    """Every automatic credit of these cadres dated start..end (inclusive), each proof once."""
    cadre_ids = set(cadre_ids)
    if not cadre_ids:
        return []
    seen = set()
    out = []
    for func in _providers:
        for credit in func(cadre_ids, start, end) or ():
            if credit.cadre_id not in cadre_ids or not (start <= credit.date <= end):
                continue
            key = (credit.cadre_id, credit.duty_key, credit.source, credit.source_id)
            if credit.source and key in seen:
                continue
            seen.add(key)
            out.append(credit)
    out.sort(key=lambda c: (c.date, c.label))
    return out


def credits_by_cadre_and_duty(cadre_ids, start, end) -> dict[tuple[int, str], list[Credit]]:
    """The credits of `credits_for`, grouped by (cadre id, duty key)."""
    grouped = defaultdict(list)
    for credit in credits_for(cadre_ids, start, end):
        grouped[(credit.cadre_id, credit.duty_key)].append(credit)
    return dict(grouped)
