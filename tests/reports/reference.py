"""Each report figure recomputed row by row in Python from the records (no aggregate, no filter in
SQL beyond reading the table): what the registered figure (an aggregate query) must equal."""
from banzi.assessment.models import Assessee, Assessment, Award, Grade
from banzi.conduct.models import Violation
from banzi.core import clock
from banzi.governance.metrics import periods
from banzi.governance.models import AgendaItem, Meeting, MeetingKind, OrgLifeRule
from banzi.governance.models import Attendance as MeetingAttendance
from banzi.governance.services import meets
from banzi.org.models import Organization
from banzi.practice.models import Mentorship, Posting, RectificationGroup, StudyVisit
from banzi.study.models import StudyAttendance, StudyKind, StudySession
from banzi.talks.models import Talk, TalkPlanEntry
from banzi.tasks.models import SupervisedItem, Task
from banzi.training.models import Attendance, TrainingProgram

KIND = TrainingProgram.Kind


def _in(ids, township_id):
    return ids is None or township_id in ids


def _overlaps(row, start, end):
    return row.started_on <= end and (row.ended_on is None or row.ended_on >= start)


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def _present(ids, start, end, *kinds):
    rows = Attendance.objects.select_related("session__program", "cadre__organization")
    return [a for a in rows if a.status == Attendance.Status.PRESENT and start <= a.session.held_on <= end
            and (not kinds or a.session.program.kind in kinds) and _in(ids, a.cadre.organization.township_id)]


def _enterprise(ids, start, end):
    return [p for p in Posting.objects.select_related("organization") if p.kind == Posting.Kind.ENTERPRISE
            and _overlaps(p, start, end) and _in(ids, p.organization.township_id)]


def _groups(ids, start, end):
    return [g for g in RectificationGroup.objects.all() if _overlaps(g, start, end) and _in(ids, g.township_id)]


def _meetings(ids, start, end):
    return [m for m in Meeting.objects.select_related("organization") if start <= m.held_on <= end
            and _in(ids, m.organization.township_id)]


def _major(ids, start, end):
    return [i for i in AgendaItem.objects.select_related("meeting__organization").prefetch_related("opinions")
            if i.category != AgendaItem.Category.ORDINARY and start <= i.meeting.held_on <= end
            and _in(ids, i.meeting.organization.township_id)]


def _talks(ids, start, end):
    return [t for t in Talk.objects.select_related("organization") if start <= t.held_on <= end
            and _in(ids, t.organization.township_id)]


def _violations(ids, start, end):
    return [v for v in Violation.objects.select_related("cadre__organization")
            if v.status == Violation.Status.CONFIRMED and start <= v.occurred_on <= end
            and _in(ids, v.cadre.organization.township_id)]


def _tasks(ids, start, end):
    return [t for t in Task.objects.select_related("organization") if t.status != Task.Status.CANCELLED
            and start <= t.deadline <= end and _in(ids, t.organization.township_id)]


def _closed_items(ids, start, end):
    return [i for i in SupervisedItem.objects.select_related("organization")
            if i.status == SupervisedItem.Status.CLOSED and i.closed_at
            and start <= clock.local_date(i.closed_at) <= end and _in(ids, i.organization.township_id)]


def _coverage(ids, start, end):
    """(covered on time, due) of the plan entries due in the period, as of the day after it."""
    import datetime

    today = min(clock.today(), end + datetime.timedelta(days=1))
    talks = list(Talk.objects.select_related("talker__organization"))
    covered = due = 0
    for entry in TalkPlanEntry.objects.select_related("plan", "talkee__organization"):
        if not (start <= entry.due_on <= end and _in(ids, entry.talkee.organization.township_id)):
            continue
        held = [t.held_on for t in talks if t.talkee_id == entry.talkee_id and entry.plan.starts_on <= t.held_on <= today
                and (t.talker_id == entry.expected_talker_id if entry.expected_talker_id else
                     entry.talker_organization_id in (t.talker.organization_id, t.talker.organization.township_id))]
        first = min(held) if held else None
        if first is not None and first <= entry.due_on:
            covered += 1
            due += 1
        elif first is not None or entry.due_on < today:
            due += 1
    return covered, due


def _counts_toward(meeting, rule):
    """A meeting meets the rule's minimum attendance: its member rows present plus the members outside
    the registry, of its member rows plus those outside."""
    if not rule.min_attendance:
        return True
    members = [a for a in meeting.attendances.all() if a.role == MeetingAttendance.Role.MEMBER]
    due = len(members) + meeting.other_members_due
    present = len([a for a in members if a.present]) + meeting.other_members_present
    return due > 0 and meets(present, due, rule.min_attendance)


def _org_life(ids, start, end):
    """(held, due) of the compliance calendar's cells whose period lies in start..end, cell by cell:
    held when a meeting of the rule's kind meeting its minimum was held in it, due when held or
    ended (as of the day after the period, or today while it runs)."""
    import datetime

    today = min(clock.today(), end + datetime.timedelta(days=1))
    rules = [r for r in OrgLifeRule.objects.all() if r.is_active]
    meetings = list(Meeting.objects.prefetch_related("attendances"))
    held = due = 0
    for organization in Organization.objects.all():
        if not (organization.is_active and _in(ids, organization.township_id)):
            continue
        for rule in rules:
            if rule.organization_kind != organization.kind:
                continue
            for year in range(start.year, end.year + 1):
                for period in periods(rule.frequency, year):
                    if not (start <= period.start and period.end <= end):
                        continue
                    ok = any(_counts_toward(m, rule) for m in meetings if m.organization_id == organization.pk
                             and m.kind == rule.meeting_kind and period.start <= m.held_on <= period.end)
                    held += ok
                    due += ok or period.end < today
    return held, due


def _study(ids, start, end, *kinds):
    return [s for s in StudySession.objects.select_related("organization") if start <= s.held_on <= end
            and (not kinds or s.kind in kinds) and _in(ids, s.organization.township_id)]


REFERENCE = {
    "study.sessions": lambda ids, s, e: len(_study(ids, s, e)),
    "study.committee_theory_sessions": lambda ids, s, e: len(_study(ids, s, e, StudyKind.COMMITTEE_THEORY)),
    "study.party_lectures": lambda ids, s, e: len(_study(ids, s, e, StudyKind.PARTY_LECTURE)),
    "study.person_times": lambda ids, s, e: len([
        a for a in StudyAttendance.objects.select_related("session__organization")
        if a.status == StudyAttendance.Status.PRESENT and s <= a.session.held_on <= e
        and _in(ids, a.session.organization.township_id)]),
    "governance.org_life_rate": lambda ids, s, e: _percent(*_org_life(ids, s, e)),
    "training.newly_promoted_trained": lambda ids, s, e: len(
        {a.cadre_id for a in _present(ids, s, e, KIND.SPECIAL) if a.cadre.is_newly_promoted}),
    "training.special_training_days": lambda ids, s, e: len({a.session.held_on for a in _present(ids, s, e, KIND.SPECIAL)}),
    "training.lecture_halls": lambda ids, s, e: len({a.session.program_id for a in _present(ids, s, e, KIND.LECTURE_HALL)}),
    "training.to_townships_lecturers": lambda ids, s, e: len(
        {a.session.lecturer_id for a in _present(ids, s, e, KIND.TO_TOWNSHIPS) if a.session.lecturer_id}),
    "training.to_townships_days": lambda ids, s, e: len({a.session.held_on for a in _present(ids, s, e, KIND.TO_TOWNSHIPS)}),
    "training.person_times": lambda ids, s, e: len(_present(ids, s, e)),
    "training.to_townships_person_times": lambda ids, s, e: len(_present(ids, s, e, KIND.TO_TOWNSHIPS)),
    "practice.rectification_groups": lambda ids, s, e: len(_groups(ids, s, e)),
    "practice.rectification_townships": lambda ids, s, e: len({g.township_id for g in _groups(ids, s, e)}),
    "practice.enterprise_cadres": lambda ids, s, e: len({p.cadre_id for p in _enterprise(ids, s, e)}),
    "practice.enterprises_served": lambda ids, s, e: len({p.organization_id for p in _enterprise(ids, s, e)}),
    "practice.mentorships": lambda ids, s, e: len([
        m for m in Mentorship.objects.select_related("mentee__organization")
        if _overlaps(m, s, e) and _in(ids, m.mentee.organization.township_id)]),
    "practice.study_visits": lambda ids, s, e: len([
        v for v in StudyVisit.objects.select_related("organization")
        if s <= v.visited_on <= e and _in(ids, v.organization.township_id)]),
    "governance.meetings": lambda ids, s, e: len(_meetings(ids, s, e)),
    "governance.life_meetings": lambda ids, s, e: len([m for m in _meetings(ids, s, e)
                                                       if m.kind == MeetingKind.LIFE_MEETING]),
    "governance.major_decisions": lambda ids, s, e: len(_major(ids, s, e)),
    "governance.collective_rate": lambda ids, s, e: _percent(len([
        i for i in _major(ids, s, e) if list(i.opinions.all()) and i.outcome != AgendaItem.Outcome.PENDING]),
        len(_major(ids, s, e))),
    "talks.talks": lambda ids, s, e: len(_talks(ids, s, e)),
    "talks.cadres_talked_to": lambda ids, s, e: len({t.talkee_id for t in _talks(ids, s, e)}),
    "talks.integrity_talks": lambda ids, s, e: len([t for t in _talks(ids, s, e) if t.kind == Talk.Kind.INTEGRITY]),
    "talks.coverage_rate": lambda ids, s, e: _percent(*_coverage(ids, s, e)),
    "conduct.violations": lambda ids, s, e: len(_violations(ids, s, e)),
    "conduct.cadres_disciplined": lambda ids, s, e: len({v.cadre_id for v in _violations(ids, s, e)}),
    "tasks.tasks": lambda ids, s, e: len(_tasks(ids, s, e)),
    "tasks.on_time_rate": lambda ids, s, e: _percent(len([
        t for t in _tasks(ids, s, e) if t.status == Task.Status.DONE and t.completed_on and t.completed_on <= t.deadline]),
        len(_tasks(ids, s, e))),
    "tasks.items_closed": lambda ids, s, e: len(_closed_items(ids, s, e)),
    "assessment.excellent": lambda ids, s, e: len([
        a for a in Assessee.objects.select_related("assessment", "unit")
        if a.confirmed_grade == Grade.EXCELLENT and a.assessment.status in (
            Assessment.Status.CONFIRMED, Assessment.Status.PUBLISHED)
        and s <= a.assessment.ends_on <= e and _in(ids, a.unit.township_id)]),
    "assessment.awards": lambda ids, s, e: len([
        a for a in Award.objects.select_related("assessee__unit")
        if a.status == Award.Status.DECIDED and a.decided_on and s <= a.decided_on <= e
        and _in(ids, a.assessee.unit.township_id)]),
}

# The denominator of each rate counted row by row: the records its link lists. The organizational-life
# compliance rate has none: its denominator is cells of the compliance calendar (organization × rule ×
# period of the rule), not records of a list, and it links to the calendar (or the county's overview).
DENOMINATORS = {
    "governance.collective_rate": lambda ids, s, e: len(_major(ids, s, e)),
    "talks.coverage_rate": lambda ids, s, e: _coverage(ids, s, e)[1],
    "tasks.on_time_rate": lambda ids, s, e: len(_tasks(ids, s, e)),
    "governance.org_life_rate": None,
}
