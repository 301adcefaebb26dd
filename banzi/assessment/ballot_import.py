"""Paper ballots of an evaluation group entered from a spreadsheet: a template to download (one row per
ballot, one column per assessee of the group's unit, each cell the grade's name in Chinese), the
upload read and checked cell by cell (`read_ballots`, errors by row and column in plain Chinese), and
the ballots entered all at once or not at all (`import_ballots`), each as `services.enter_paper_ballot`
enters one.

Anonymity holds as for a paper ballot typed in by hand (docs/assessment.md): the ballots are entered
in a random order, and nothing of the spreadsheet is kept — not its rows' numbers, not the file, not
a time per ballot. Between the preview and the import the sheet travels back to the browser, signed
(`sign_sheet`), so that nothing of it waits on the server either.
"""
import base64
import dataclasses
import io
import random

import openpyxl
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from banzi.core import services as core_services
from banzi.core.audit import record_event
from banzi.core.errors import Code
from banzi.core.importing.workbook import pack_sheet, read_sheet, squeeze, unpack_sheet
from banzi.core.models import AuditEvent
from banzi.core.workflow import lock

from . import services
from .models import Assessee, Assessment, Grade

SIGNING_SALT = "banzi.assessment.ballot_import"
SIGNED_MAX_AGE = 60 * 60  # seconds a preview may wait for its confirmation


def assessees_of(group):
    """The assessees on the group's ballot, in the order of the paper ballot (as `services.open_ballot`)."""
    return list(Assessee.objects.filter(assessment=group.assessment_id, unit=group.unit_id).select_related(
        "assessment", "cadre", "team__township").order_by("category", "pk"))


def columns(assessees):
    """[(heading, assessee)]: the assessee's name, with the category where two share a name, and the
    number of the record where that is not enough. Headings are compared without their spaces."""
    names = [str(a) for a in assessees]
    headings = []
    for assessee, name in zip(assessees, names, strict=True):
        heading = name if names.count(name) == 1 else f"{name}（{assessee.get_category_display()}）"
        headings.append(heading)
    return [(h if headings.count(h) == 1 else f"{h}{a.pk}", a) for h, a in zip(headings, assessees, strict=True)]


def _labels(grade):
    """The names a cell may give a grade: its Chinese name (what the template asks for), its name in the
    user's language, and its code."""
    with translation.override("zh-hans"):
        chinese = str(Grade(grade).label)
    return {squeeze(chinese), squeeze(str(Grade(grade).label)), grade}


def chinese_labels(scale):
    with translation.override("zh-hans"):
        return [str(Grade(grade).label) for grade in scale]


def template(group):
    """The template workbook of the group: the heading row, a drop-down list of the grades under each
    assessee, and a sheet of instructions."""
    assessees = assessees_of(group)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Ballots")[:31]
    sheet.append([heading for heading, _assessee in columns(assessees)])
    last_row = settings.BANZI_IMPORT_MAX_ROWS + 1
    for number, (heading, assessee) in enumerate(columns(assessees), start=1):
        letter = get_column_letter(number)
        cell = sheet.cell(row=1, column=number)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        cell.alignment = Alignment(wrap_text=True)
        sheet.column_dimensions[letter].width = max(10, len(heading) * 2 + 2)
        validation = DataValidation(type="list", formula1='"{}"'.format(",".join(chinese_labels(assessee.scale()))),
                                    allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Instructions")[:31])
    for line in instructions(group, assessees):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def instructions(group, assessees=None):
    assessees = assessees if assessees is not None else assessees_of(group)
    individual = next((a for a in assessees if not a.is_team), None)
    team = next((a for a in assessees if a.is_team), None)
    lines = [
        _("One row per paper ballot of %(group)s, one column per assessee; keep the heading row as it is.")
        % {"group": group},
        _("Leave a cell empty where the ballot grades nobody; a row of empty cells is left out."),
        _("Nothing is saved until you have seen the preview and confirmed it; if any cell is wrong, nothing is "
          "saved at all."),
        _("At most %(rows)d rows and %(size)s per file.") % {
            "rows": settings.BANZI_IMPORT_MAX_ROWS, "size": filesizeformat(settings.BANZI_IMPORT_MAX_BYTES)},
        _("The order of the rows is not kept: the ballots are entered in a random order, as anonymous as in the "
          "ballot box."),
    ]
    if individual is not None:
        lines.insert(1, _("A cadre's cell takes one of: %(grades)s.") % {
            "grades": "、".join(chinese_labels(individual.scale()))})
    if team is not None:
        lines.insert(1, _("A team's cell takes one of: %(grades)s.") % {"grades": "、".join(chinese_labels(team.scale()))})
    return lines


@dataclasses.dataclass
class CellError:
    row: int
    column: str
    message: str


@dataclasses.dataclass
class BallotSheet:
    """What an upload holds: the ballots ({assessee id: grade} each), the errors by row and column,
    and the votes per grade (for the preview)."""

    ballots: list
    errors: list
    counts: dict
    sheet: object = None

    @property
    def ok(self):
        return not self.errors


def _check_collecting(group):
    if group.assessment.status != Assessment.Status.COLLECTING:
        raise ValidationError(_("The evaluation is not collecting ballots."), code=Code.WRONG_STATE)


def read_ballots(group, content=None, *, sheet=None):
    """Read an upload (the bytes, checked like every import: real .xlsx, size, zip bomb, rows) or a sheet
    already read, against the group's assessees. A file that cannot be read, or whose headings are not
    the template's, raises ValidationError; a wrong cell is an error of its row and column."""
    _check_collecting(group)
    sheet = sheet if sheet is not None else read_sheet(content)
    expected = [(squeeze(h), h, a) for h, a in columns(assessees_of(group))]
    by_heading = {key: a for key, _h, a in expected}
    shown = {key: h for key, h, _a in expected}
    unknown = [h for h in sheet.headings if h not in by_heading]
    if unknown:
        raise ValidationError(
            _("These columns are not assessees of %(group)s: %(columns)s. Download the template of this group and "
              "keep its heading row.") % {"group": group, "columns": "、".join(unknown)}, code=Code.INVALID_CHOICE)
    missing = [h for key, h, _a in expected if key not in sheet.headings]
    if missing:
        raise ValidationError(
            _("These assessees' columns are missing: %(columns)s. Download the template of this group and keep its "
              "heading row.") % {"columns": "、".join(missing)}, code=Code.MISSING_COLUMNS)
    labels = {a.pk: {label: grade for grade in a.scale() for label in _labels(grade)} for _k, _h, a in expected}
    ballots, errors = [], []
    counts = dict.fromkeys(Grade.values, 0)
    for number, row in zip(sheet.row_numbers, sheet.rows, strict=True):
        votes = {}
        for heading, value in zip(sheet.headings, row, strict=True):
            if value is None or squeeze(value) == "":
                continue
            assessee = by_heading[heading]
            grade = labels[assessee.pk].get(squeeze(value))
            if grade is None:
                errors.append(CellError(number, shown[heading], _("“%(value)s” is not a grade of %(name)s; write one of: "
                                                           "%(grades)s.") % {
                    "value": value, "name": assessee, "grades": "、".join(chinese_labels(assessee.scale()))}))
                continue
            votes[assessee.pk] = grade
        if votes:
            ballots.append(votes)
            for grade in votes.values():
                counts[grade] += 1
    if not ballots and not errors:
        raise ValidationError(_("The file has column headings but no ballots."), code=Code.NO_ROWS)
    return BallotSheet(ballots, errors, {g: n for g, n in counts.items() if n}, sheet)


def sign_sheet(group, user, sheet):
    """The sheet, signed for this group and user, to carry from the preview to the import."""
    packed = base64.b64encode(pack_sheet(sheet)).decode("ascii")
    return signing.dumps(packed, salt=f"{SIGNING_SALT}:{group.pk}:{user.pk}", compress=True)


def unsign_sheet(group, user, token):
    try:
        packed = signing.loads(token or "", salt=f"{SIGNING_SALT}:{group.pk}:{user.pk}", max_age=SIGNED_MAX_AGE)
        return unpack_sheet(base64.b64decode(packed))
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(_("This preview has expired or was changed; upload the file again."),
                              code=Code.IMPORT_EXPIRED) from None


@transaction.atomic
def import_ballots(user, group, sheet):
    """Enter every ballot of a sheet (`read_ballots`) as a paper ballot of the group, all or none, in a
    random order; one audit event for the import besides each ballot's. Returns the number entered."""
    core_services.ensure_can_write(user, group)
    lock(group.assessment)
    result = read_ballots(group, sheet=sheet)
    if not result.ok:
        first = result.errors[0]
        raise ValidationError(
            _("%(count)d cells are wrong (row %(row)d, “%(column)s”: %(message)s); nothing was saved.") % {
                "count": len(result.errors), "row": first.row, "column": first.column, "message": first.message},
            code=Code.INVALID)
    ballots = list(result.ballots)
    random.SystemRandom().shuffle(ballots)  # the rows' order is not kept
    for votes in ballots:
        services.enter_paper_ballot(user, group, votes)
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT, user=user, obj=group,
                 detail=_("Imported %(count)d paper ballots from a spreadsheet") % {"count": len(ballots)})
    return len(ballots)
