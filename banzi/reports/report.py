"""The year-end report: its scope and period, its paragraphs rendered from the templates with the
figures read from the records, the comparison with the previous period, and the appendix.

A report reads every figure its paragraphs name once for the period and once for the previous
period (each figure is a fixed number of aggregate queries), so its cost does not grow with the
number of records.
"""
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.metrics import figures
from banzi.core.roles import Role, active_role
from banzi.org.models import Organization, Team

from .models import PLACEHOLDER, Part, ReportTemplate

COUNTY = "county"
ELECTION = "election"


# --- scope ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """The county (township None) or one township."""

    township: Organization | None
    county_name: str

    @property
    def township_ids(self):
        return None if self.township is None else [self.township.pk]

    @property
    def value(self):
        return COUNTY if self.township is None else str(self.township.pk)

    @property
    def name(self):
        return self.township.name if self.township is not None else self.county_name


def _county_name():
    county = Organization.objects.filter(kind=Organization.Kind.COUNTY).order_by("pk").only("name").first()
    return county.name if county else _("The county")


def scope_choices(user):
    """[(value, label)] of the scopes the user may report on."""
    role = active_role(user)
    if role == Role.COUNTY_ADMIN:
        townships = Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True).order_by(
            "sort_order", "name")
        return [(COUNTY, _county_name()), *((str(t.pk), t.name) for t in townships)]
    if role == Role.TOWNSHIP_ADMIN and user.township_id:
        township = Organization.objects.filter(pk=user.township_id).only("name").first()
        return [(str(user.township_id), township.name if township else "")]
    return []


def resolve_scope(user, value):
    """The scope the user asks for: the county admin any; a township committee its own only (another
    township's, or the county's, is not found); anyone else is refused."""
    role = active_role(user)
    if role not in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN):
        raise PermissionDenied(_("The year-end report is for the organization department and the township "
                                 "Party committees."))
    value = (value or "").strip()
    if role == Role.TOWNSHIP_ADMIN:
        if value in ("", str(user.township_id)) and user.township_id:
            return Scope(Organization.objects.get(pk=user.township_id), _county_name())
        raise Http404(_("You can only draft the report of your own township."))
    if value in ("", COUNTY):
        return Scope(None, _county_name())
    township = Organization.objects.filter(pk=value if value.isdigit() else None,
                                           kind=Organization.Kind.TOWNSHIP).first()
    if township is None:
        raise Http404(_("No such township."))
    return Scope(township, _county_name())


# --- period --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """start..end (inclusive), its name, and the previous period of the same kind (None for the
    period since the election, which has none)."""

    value: str
    start: datetime.date
    end: datetime.date
    label: str
    previous: "Period | None" = None
    previous_name: str = ""


def _year(year):
    return Period(str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31),
                  _("%(year)d") % {"year": year})


def _half(year, half):
    start = datetime.date(year, 1, 1) if half == 1 else datetime.date(year, 7, 1)
    end = datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31)
    label = (_("first half of %(year)d") if half == 1 else _("second half of %(year)d")) % {"year": year}
    return Period(f"{year}-H{half}", start, end, label)


def last_election(scope, today=None):
    """The date of the last election of the teams of the scope (the latest one of the county's
    townships for the county), or None when none is recorded."""
    today = today or clock.today()
    teams = Team.objects.filter(elected_on__lte=today)
    if scope.township is not None:
        teams = teams.filter(township=scope.township)
    return teams.order_by("-elected_on").values_list("elected_on", flat=True).first()


def resolve_period(value, scope, today=None):
    """A year ("2026"), a half-year ("2026-H1", "2026-H2") or "election" (from the last election of
    the teams to today)."""
    today = today or clock.today()
    value = (value or "").strip() or str(today.year)
    bad = ValidationError(_("Choose a year, a half-year or the period since the election."), code=Code.BAD_PERIOD)
    if value == ELECTION:
        elected = last_election(scope, today)
        if elected is None:
            raise ValidationError(_("No election of the teams is recorded for %(scope)s.") % {"scope": scope.name},
                                  code=Code.BAD_PERIOD)
        return Period(ELECTION, elected, today, _("since the election of %(date)s") % {
            "date": f"{elected.year}年{elected.month}月{elected.day}日"})
    year, _sep, half = value.partition("-H")
    if not year.isdigit() or not 2000 <= int(year) <= today.year or half not in ("", "1", "2"):
        raise bad
    year = int(year)
    if not half:
        current, previous = _year(year), _year(year - 1)
        return Period(current.value, current.start, current.end, current.label, previous, _("the previous year"))
    current = _half(year, int(half))
    previous = _half(year, 2) if half == "1" else _half(year, 1)
    if half == "1":
        previous = _half(year - 1, 2)
    return Period(current.value, current.start, current.end, current.label, previous, _("the previous half-year"))


def period_choices(today=None):
    today = today or clock.today()
    out = []
    for year in range(today.year, today.year - 5, -1):
        out += [(str(year), _("Year %(year)d") % {"year": year}),
                (f"{year}-H2", _("Second half of %(year)d") % {"year": year}),
                (f"{year}-H1", _("First half of %(year)d") % {"year": year})]
    return [(ELECTION, _("Since the last election")), *out]


# --- the report ----------------------------------------------------------------------------------

@dataclass
class FigureValue:
    """One figure of the report: its registration, value, previous value, and the link to its records."""

    figure: object
    value: object
    previous: object
    url: str
    comparison: str = ""

    @property
    def key(self):
        return self.figure.key

    @property
    def display(self):
        return display(self.value, self.figure)


@dataclass
class Paragraph:
    template: ReportTemplate
    empty: bool
    # [(text, None) | (None, FigureValue)]: the text between figures and the figures in order.
    pieces: list
    comparisons: list = field(default_factory=list)

    @property
    def title(self):
        return self.template.title

    @property
    def text(self):
        """The paragraph as plain text (the document, the API)."""
        return "".join(text if value is None else value.display for text, value in self.pieces)

    @property
    def comparison_text(self):
        return "；".join(self.comparisons) + "。" if self.comparisons else ""


@dataclass
class Report:
    scope: Scope
    period: Period
    parts: list  # [(Part, [Paragraph])]
    values: dict  # {key: FigureValue} of every figure named, in the order of appearance
    has_records: bool
    has_previous: bool

    @property
    def title(self):
        return _("Report on the ideological and political building of the township leadership teams, %(scope)s, "
                 "%(period)s") % {"scope": self.scope.name, "period": self.period.label}

    @property
    def sections(self):
        """[(part, numbered heading 一、…, paragraphs)]."""
        from banzi.tasks.bulletin_documents import numbered

        return [(part, numbered(index, str(PART_HEADINGS[part])), paragraphs)
                for index, (part, paragraphs) in enumerate(self.parts)]

    @property
    def paragraphs(self):
        return [p for _part, paragraphs in self.parts for p in paragraphs]


def display(value, figure):
    """A figure as the report prints it: the exact number (a rate with its per cent sign; — when
    there was nothing to measure)."""
    if value is None:
        return "—"
    return f"{value}%" if str(figure.unit) == "%" else str(value)


def _is_empty(value):
    return value in (None, 0)


def compare(figure, value, previous, previous_name):
    """「培训人次比上年增加12人次」 / 「减少」 / 「持平」; "" when either period has nothing to compare."""
    if value is None or previous is None:
        return ""
    unit = _("percentage points") if str(figure.unit) == "%" else str(figure.unit)
    names = {"label": figure.label, "previous": previous_name, "unit": unit}
    if value > previous:
        return _("%(label)s up %(diff)s %(unit)s on %(previous)s") % {**names, "diff": value - previous}
    if value < previous:
        return _("%(label)s down %(diff)s %(unit)s on %(previous)s") % {**names, "diff": previous - value}
    return _("%(label)s level with %(previous)s") % names


def active_templates():
    return list(ReportTemplate.objects.filter(is_active=True).order_by("part", "sort_order", "id"))


def build(scope, period, templates=None):
    """The report of the scope and period from the active templates."""
    templates = active_templates() if templates is None else templates
    keys = list(dict.fromkeys(key for t in templates for key in t.figure_keys if figures.get(key)))
    ids = scope.township_ids
    current = figures.read(keys, ids, period.start, period.end)
    previous = figures.read(keys, ids, period.previous.start, period.previous.end) if period.previous else {}
    has_previous = any(not _is_empty(v) for v in previous.values())
    values = {}
    for key in keys:
        figure = figures.get(key)
        before = previous.get(key) if has_previous else None
        values[key] = FigureValue(figure, current[key], before, figure.url(ids, period.start, period.end),
                                  compare(figure, current[key], before, period.previous_name) if has_previous else "")
    order = {part: index for index, part in enumerate(Part.values)}
    parts = {part: [] for part in Part.values}
    for template in sorted(templates, key=lambda t: (order.get(t.part, 9), t.sort_order, t.pk or 0)):
        named = [key for key in placeholders_of(template.text) if key in values]
        empty = all(_is_empty(values[key].value) for key in named)
        text = template.empty_text if empty else template.text
        pieces = _pieces(text, values)
        comparisons = [] if empty else [values[key].comparison for key in named if values[key].comparison]
        parts[template.part].append(Paragraph(template, empty, pieces, comparisons))
    return Report(scope, period, [(Part(part), parts[part]) for part in Part.values], values,
                  has_records=any(not _is_empty(v.value) for v in values.values()), has_previous=has_previous)


def placeholders_of(text):
    from .models import placeholders

    return placeholders(text)


def _pieces(text, values):
    pieces, last = [], 0
    for match in PLACEHOLDER.finditer(text or ""):
        if match.start() > last:
            pieces.append((text[last:match.start()], None))
        key = match.group(1).strip()
        if key in values:
            pieces.append((None, values[key]))
        else:
            pieces.append((match.group(0), None))
        last = match.end()
    if last < len(text or ""):
        pieces.append((text[last:], None))
    return pieces


def require_records(report):
    """Refuse a report of zeros: a period with no records at all is said so plainly."""
    if not report.has_records:
        raise ValidationError(
            _("There are no records for %(scope)s in %(period)s: no training, practice, meeting, talk, task or "
              "assessment is recorded, so no report can be drafted.") % {
                "scope": report.scope.name, "period": report.period.label}, code=Code.NO_RECORDS)


PART_HEADINGS = {
    Part.TRAINING: gettext_lazy("Strengthen training and practice, raise overall quality"),
    Part.MECHANISM: gettext_lazy("Improve the working mechanisms, keep political life serious"),
    Part.SUPERVISION: gettext_lazy("Supervise and manage strictly, improve the style of work"),
}
