"""Generic-test cases of the reserve pool's models (see tests/generic.py)."""
from banzi.reserves.models import DevelopmentMeasure, ReserveEntry, ReserveReview
from tests.dates import days_ago, this_year
from tests.generic import ModelCase, register

from .factories import Status, entry, measure, review, young_cadre


def _entry_form(township):
    return {"cadre": young_cadre(township).pk, "nominated_on": days_ago(12).isoformat(), "source": ReserveEntry.Source.COMMITTEE,
            "recommendation": "经镇党委会研究，推荐为后备干部人选", "votes_for": "", "votes_total": "", "note": ""}


def _move_entry(record, other):
    record.cadre = young_cadre(other)
    record.unit = other


register(ModelCase(
    model=ReserveEntry,
    make=lambda township: entry(township),
    form_data=_entry_form,
    update={"recommendation": "经镇党委会研究（补充），推荐为后备干部人选"},
    move=_move_entry,
    make_own=lambda cadre: entry(cadre.organization.township, cadre=cadre),
    export_label=lambda record: record.cadre.name,
))


def _review_form(township):
    return {"entry": entry(township, status=Status.IN_POOL).pk, "year": str(this_year()), "conclusion": "keep",
            "note": "表现良好"}


def _move_to(other):
    return entry(other, status=Status.IN_POOL)


register(ModelCase(
    model=ReserveReview,
    make=lambda township: review(township),
    form_data=_review_form,
    update={"note": "表现良好，继续培养"},
    move=lambda record, other: setattr(record, "entry", _move_to(other)),
    make_own=lambda cadre: review(cadre.organization.township,
                                  entry=entry(cadre.organization.township, cadre=cadre, status=Status.IN_POOL)),
    export_label=lambda record: record.entry.cadre.name,
))


def _measure_form(township):
    return {"entry": entry(township, status=Status.IN_POOL).pk, "kind": DevelopmentMeasure.Kind.TRAINING,
            "description": "参加县委党校中青班", "posting": "", "enrollment": "", "due_on": f"{this_year()}-12-31",
            "done_on": ""}


register(ModelCase(
    model=DevelopmentMeasure,
    make=lambda township: measure(township),
    form_data=_measure_form,
    update={"description": "参加县委党校中青年干部培训班"},
    move=lambda record, other: setattr(record, "entry", _move_to(other)),
    make_own=lambda cadre: measure(cadre.organization.township,
                                   entry=entry(cadre.organization.township, cadre=cadre, status=Status.IN_POOL)),
    export_label=lambda record: record.entry.cadre.name,
))
