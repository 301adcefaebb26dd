"""Group study from records outside the study app.

Principle 1 of DESIGN.md: a meeting recorded once (a central-group study or a Party lecture held
as a governance meeting) also counts as its attendees' group study and appears on the
organization's study calendar, without a second entry. An app holding such records registers a
provider:

    from banzi.study import sources
    from banzi.study.models import StudyKind

    @sources.provider
    def meeting_studies(start, end, organization_ids=None, cadre_ids=None):
        for m in Meeting.objects.filter(kind__in=STUDY_KINDS, held_on__range=(start, end)):
            yield sources.GroupStudy(organization_id=m.organization_id, date=m.held_on,
                                     kind=StudyKind.COMMITTEE_THEORY, topic=m.topic, minutes=m.minutes,
                                     attendee_ids=frozenset(...), lecturer_id=..., url=m.get_url("detail"),
                                     source="governance.meeting", source_id=m.pk)

The study app's own sessions are reported through the same registry, so every consumer (the
organization's study calendar, a cadre's study history, the statistics) reads `group_studies()`
only. A provider filters by the arguments it is given (None means no restriction) and runs a
constant number of queries.
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

_providers: list[Callable] = []


@dataclass(frozen=True)
class GroupStudy:
    """One group study held by an organization on a date."""

    organization_id: int
    date: datetime.date
    # A `banzi.study.models.StudyKind` value.
    kind: str
    topic: str
    minutes: int
    # Cadres present.
    attendee_ids: frozenset = field(default_factory=frozenset)
    lecturer_id: int | None = None
    url: str = ""
    # The record's model label ("study.studysession", "governance.meeting") and id.
    source: str = ""
    source_id: int | None = None


def provider(func):
    """Register `func(start, end, organization_ids=None, cadre_ids=None) -> iterable of GroupStudy`."""
    if func not in _providers:
        _providers.append(func)
    return func


def group_studies(start, end, organization_ids=None, cadre_ids=None) -> list[GroupStudy]:
    """Every group study dated start..end (inclusive) from every provider, by date.

    organization_ids: only studies held by these organizations; cadre_ids: only studies one of
    these cadres attended (or lectured at).
    """
    out = []
    for func in _providers:
        for study in func(start, end, organization_ids=organization_ids, cadre_ids=cadre_ids) or ():
            if not (start <= study.date <= end):
                continue
            if organization_ids is not None and study.organization_id not in organization_ids:
                continue
            if cadre_ids is not None and not (study.attendee_ids & set(cadre_ids) or study.lecturer_id in cadre_ids):
                continue
            out.append(study)
    out.sort(key=lambda s: (s.date, s.topic))
    return out
