"""Generic-test cases of discipline, commitments, declarations, violations, leave and outing reports."""
import datetime

from django.utils import timezone

from banzi.conduct.models import (
    CommitmentLetter,
    ConcurrentPostDeclaration,
    DisciplineRule,
    LeaveLedgerEntry,
    LeaveRequest,
    OutingReport,
    Violation,
)
from banzi.core import clock
from tests import factories as f
from tests.conduct import factories as c
from tests.generic import ModelCase, register


def _name(record):
    return record.cadre.name


def _move(record, other):
    record.cadre = f.CadreFactory(organization=other)


def _cadre(township):
    return f.CadreFactory(organization=township)


register(ModelCase(
    model=DisciplineRule,
    make=lambda township: DisciplineRule.objects.create(code=f"r{c.n()}", title=f"纪律规定{c.n()}"),
    form_data=lambda township: {"code": f"new{c.n()}", "title": "不得违规收受礼品", "description": "",
                                "source": "", "sort_order": "90", "is_active": "on"},
    update={"title": "不得违规收受礼品礼金"},
))

register(ModelCase(
    model=CommitmentLetter,
    make=lambda township: c.commitment(_cadre(township)),
    form_data=lambda township: {"cadre": _cadre(township).pk, "year": str(c.this_year()),
                                "signed_on": f"{c.this_year()}-01-01", "notes": ""},
    update={"notes": "已签字存档"},
    move=_move,
    make_own=lambda cadre: c.commitment(cadre),
    export_label=_name,
))

register(ModelCase(
    model=ConcurrentPostDeclaration,
    make=lambda township: c.declaration(_cadre(township)),
    form_data=lambda township: {"cadre": _cadre(township).pk, "year": str(c.this_year()),
                                "declared_on": f"{c.this_year()}-01-02", "post_organization": "", "post_role": "",
                                "pay": ""},
    update={"declared_on": f"{c.this_year()}-01-05"},
    move=_move,
    make_own=lambda cadre: c.declaration(cadre),
    cadre_writes_own=True,
    export_label=_name,
))

register(ModelCase(
    model=Violation,
    make=lambda township: c.violation(_cadre(township)),
    form_data=lambda township: {"cadre": _cadre(township).pk, "rule": c.rule().pk,
                                "occurred_on": (clock.today() - datetime.timedelta(days=1)).isoformat(),
                                "facts": "公款宴请", "source": "群众举报"},
    update={"facts": "经核实，公款宴请一次"},
    move=_move,
    # make_own: none — a cadre never sees violation records, not even their own.
    export_label=_name,
))

register(ModelCase(
    model=LeaveRequest,
    make=lambda township: c.leave(_cadre(township)),
    form_data=lambda township: {"cadre": _cadre(township).pk, "kind": "personal",
                                "starts_on": c.future_monday().isoformat(),
                                "ends_on": (c.future_monday() + datetime.timedelta(days=1)).isoformat(),
                                "reason": "家中有事", "amends": ""},
    update={"reason": "家中老人就医"},
    move=_move,
    make_own=lambda cadre: c.leave(cadre),
    cadre_writes_own=True,
    export_label=_name,
))

register(ModelCase(
    model=LeaveLedgerEntry,
    make=lambda township: c.ledger_row(_cadre(township)),
    form_data=lambda township: {"cadre": _cadre(township).pk, "year": str(c.this_year()), "kind": "adjustment",
                                "days": "2", "entry_on": f"{c.this_year()}-01-01", "note": "上年结转"},
    update={"note": "上年结转（更正）"},
    move=_move,
    make_own=lambda cadre: c.ledger_row(cadre),
    export_label=_name,
))

register(ModelCase(
    model=OutingReport,
    make=lambda township: c.outing(_cadre(township)),
    form_data=lambda township: {"cadre": _cadre(township).pk, "destination": "临汾市", "reason": "看病",
                                "departs_at": (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                                "planned_return_at": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                                "contact": "13900000001"},
    update={"destination": "运城市"},
    move=_move,
    make_own=lambda cadre: c.outing(cadre),
    cadre_writes_own=True,
    export_label=_name,
))
