"""The columns of an import file: `Column` declares a heading, the attribute it sets and whether
it is required, and its widget says how a cell becomes a value (text, ID number, date, choice,
yes/no, a related record found by name within the user's scope).

Each widget raises ValueError with a message for the user, and describes what it accepts for the
template's instructions sheet.
"""
import datetime
import re

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field
from openpyxl.utils.datetime import from_excel

from .workbook import SPACES, squeeze

PREFETCH_BATCH = 500
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# ---------------------------------------------------------------------------------------------
# Widgets: how a cell becomes a value. Each raises ValueError with a message for the user. A widget
# whose value depends on the cell alone (`by_value`: not on other cells, the user or the database)
# reads each distinct value of a file once in a batched import; a subclass reading more sets it False.


class TextWidget(widgets.CharWidget):
    """Text, trimmed; numbers typed into a text column (a phone number) become their digits."""

    by_value = True

    def __init__(self, upper=False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.upper = upper

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        text = str(value).strip()
        return text.upper() if self.upper else text

    def describe(self):
        return ""


class IdNumberWidget(TextWidget):
    """An 18-digit resident ID number, checked in the model; here only read as text."""

    def __init__(self, required=False):
        super().__init__(upper=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool) and len(str(int(value))) > 15:
            raise ValueError(_("Excel has stored this ID number as a number and lost its last digits; format the "
                               "column as text and enter the number again."))
        text = SPACES.sub("", super().clean(value, row, **kwargs))
        if self.required and not text:
            raise ValueError(_("Enter the ID number; it identifies the person."))
        return text

    def describe(self):
        return _("18 characters: 17 digits and a digit or X")


class DateWidget(widgets.Widget):
    """A date as Excel stores it or as people write it: 2021-09-01, 2021/9/1, 2021.09.01, 20210901,
    2021年9月1日; a month alone (2021.09, 2021-09, 202109) means its first day."""

    by_value = True

    DAY_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
    MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月", "%Y%m")

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = self._parse_number(value) if isinstance(value, int | float) else self._parse_text(str(value))
        if parsed is None:
            raise ValueError(_("“%(value)s” is not a date; write dates like 2021-09-01.") % {"value": value})
        return parsed

    def _parse_number(self, value):
        if isinstance(value, int) and len(str(value)) in (6, 8):
            return self._parse_text(str(value))
        if isinstance(value, float) and 1900 <= value < 2200:
            # “2001.07” typed into a cell becomes the number 2001.07 (and “2001.10” becomes 2001.1).
            year, month = int(value), round((value - int(value)) * 100)
            return datetime.date(year, month, 1) if 1 <= month <= 12 else None
        if 10000 <= value < 100000:  # an Excel serial day number (1927 on) in a cell not formatted as a date
            try:
                return from_excel(value).date()
            except (ValueError, OverflowError):
                return None
        return None

    def _parse_text(self, text):
        text = SPACES.sub("", text)
        if ISO_DAY.fullmatch(text):  # the usual case, read without trying every format (strptime is slow)
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                return None
        for formats, is_month in ((self.DAY_FORMATS, False), (self.MONTH_FORMATS, True)):
            for fmt in formats:
                try:
                    parsed = datetime.datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
                return parsed.replace(day=1) if is_month else parsed
        return None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if isinstance(value, datetime.date) else ""

    def describe(self):
        return _("a date, e.g. 2021-09-01")


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, written as its Chinese label in the file (男, 女, 大学 …).

    `labels` maps each choice value to the labels accepted in a file, the first being the one the
    template writes. The stored value and the label in the user's language are accepted too.
    """

    by_value = True

    def __init__(self, choices, labels=None):
        super().__init__(coerce_to_string=True)
        self.choices = list(getattr(choices, "choices", choices))
        self.labels = labels or {}
        self._lookup = None

    def file_label(self, value):
        accepted = self.labels.get(value)
        if accepted:
            return accepted[0]
        with translation.override("zh-hans"):
            return str(dict(self.choices).get(value, value))

    def lookup(self):
        if self._lookup is None:
            self._lookup = {}
            for value, label in self.choices:
                for text in (value, str(label), *self.labels.get(value, ())):
                    self._lookup[squeeze(text).lower()] = value
                with translation.override("zh-hans"):
                    self._lookup[squeeze(label).lower()] = value
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return ""
        key = squeeze(value).lower()
        if key not in self.lookup():
            raise ValueError(_("“%(value)s” is not an accepted value; write one of: %(choices)s.")
                             % {"value": value, "choices": " / ".join(self.file_labels())})
        return self.lookup()[key]

    def file_labels(self):
        return [self.file_label(value) for value, _label in self.choices]

    def render(self, value, obj=None, **kwargs):
        return self.file_label(value) if value else ""

    def describe(self):
        return _("one of: %(choices)s") % {"choices": " / ".join(self.file_labels())}


class YesNoWidget(widgets.Widget):
    """A yes/no flag written 是 or 否 (also Y/N, 1/0, √/×); an empty cell means no."""

    by_value = True

    YES, NO = "是", "否"
    TRUE = {"是", "√", "✓", "y", "yes", "true", "t", "1", "有"}
    FALSE = {"否", "×", "✗", "n", "no", "false", "f", "0", "无"}

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        key = str(value).strip().lower()
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is not a yes/no value; write %(yes)s or %(no)s.")
                         % {"value": value, "yes": self.YES, "no": self.NO})

    def file_labels(self):
        return [self.YES, self.NO]

    def render(self, value, obj=None, **kwargs):
        return self.YES if value else self.NO

    def describe(self):
        return _("%(yes)s or %(no)s; an empty cell means %(no)s") % {"yes": self.YES, "no": self.NO}


class ScopedForeignKeyWidget(widgets.Widget):
    """A related record found by name among those the importing user may see.

    The resource sets `user`. Lookups are cached for the run, since a roster names the same unit
    on many rows.
    """

    def __init__(self, model, field="name", filters=None):
        super().__init__(coerce_to_string=True)
        self.model = model
        self.field = field
        self.filters = filters or {}
        self.user = None
        self._cache = {}

    def get_queryset(self, value, row):
        return self.model._default_manager.visible_to(self.user).filter(**self.filters)

    def lookup_kwargs(self, value, row):
        return {self.field: value}

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        kwargs = self.lookup_kwargs(text, row)
        key = tuple(sorted(kwargs.items()))
        if key not in self._cache:
            self._cache[key] = list(self.get_queryset(text, row).filter(**kwargs)[:2])
        found = self._cache[key]
        if not found:
            raise ValueError(self.not_found_message(text))
        if len(found) > 1:
            raise ValueError(self.ambiguous_message(text))
        return found[0]

    def prefetch(self, values):
        """Look up every plain name among a file's `values` in one query per 500 names, so that
        `clean` finds them in its cache (a name with a parent, “township/unit”, is looked up alone)."""
        keys = {}
        for value in values:
            text = "" if value is None else str(value).strip()
            if not text:
                continue
            kwargs = self.lookup_kwargs(text, None)
            key = tuple(sorted(kwargs.items()))
            if list(kwargs) == [self.field] and key not in self._cache:
                keys[kwargs[self.field]] = key
        names = list(keys)
        for start in range(0, len(names), PREFETCH_BATCH):
            chunk = names[start:start + PREFETCH_BATCH]
            found = {keys[name]: [] for name in chunk}
            for obj in self.get_queryset(None, None).filter(**{f"{self.field}__in": chunk}):
                key = keys.get(getattr(obj, self.field))
                if key is not None:
                    found[key].append(obj)
            self._cache.update(found)

    def not_found_message(self, text):
        return _("There is no %(model)s named “%(value)s” among those you may use.") % {
            "model": self.model._meta.verbose_name, "value": text}

    def ambiguous_message(self, text):
        return _("More than one %(model)s is named “%(value)s”.") % {
            "model": self.model._meta.verbose_name, "value": text}

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field, value))

    def describe(self):
        return _("the name of a %(model)s") % {"model": self.model._meta.verbose_name}


# ---------------------------------------------------------------------------------------------
# Columns: one per heading of the file.


class Column(Field):
    """One column of an import file: its Chinese heading, the attribute it sets, how it is read.

    required: the column must be in the file. example: the value in the template's example row (a
    callable receives the resource). error_label: the heading(s) named in this column's errors
    when the value comes from several columns. A column without an attribute is read by another
    column's widget (e.g. the election date that picks the team).
    """

    def __init__(self, heading, attribute=None, widget=None, *, required=False, help_text="", example=None,
                 error_label=None, **kwargs):
        super().__init__(attribute=attribute, column_name=heading, widget=widget or TextWidget(), **kwargs)
        self.required = required
        self.help_text = help_text
        self.example = example
        self.error_label = error_label

    def describe(self):
        parts = [str(self.help_text), self.widget.describe() if hasattr(self.widget, "describe") else ""]
        return "; ".join(p for p in parts if p)

    def example_value(self, resource):
        return self.example(resource) if callable(self.example) else self.example
