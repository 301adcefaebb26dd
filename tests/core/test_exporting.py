"""List exports read right in Excel and WPS (banzi/core/exporting.py): the file name survives the
browser, a title and the filters above a frozen, repeated header with 序号, dates as dates in local
time, numbers and percentages as numbers, widths that fit Chinese, printing fitted to the page."""
import datetime
import decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from banzi.core import clock, exporting
from banzi.org.models import Cadre
from tests import factories as f
from tests.generic import xlsx_rows, xlsx_sheet

pytestmark = pytest.mark.zh


def test_a_utc_time_is_written_as_the_countys_local_time_and_a_real_date():
    value, number_format = exporting.excel_value(datetime.datetime(2026, 12, 4, 20, 35, 20, tzinfo=datetime.UTC))
    assert value == datetime.datetime(2026, 12, 5, 4, 35, 20) and number_format == exporting.DATETIME_FORMAT
    assert exporting.excel_value(datetime.date(2026, 12, 5)) == (datetime.date(2026, 12, 5), exporting.DATE_FORMAT)


@pytest.mark.parametrize(("text", "value", "number_format"), [
    ("85%", decimal.Decimal("0.85"), "0%"),
    ("12.5%", decimal.Decimal("0.125"), "0.0%"),
    ("-3 %", decimal.Decimal("-0.03"), "0%"),
])
def test_a_percentage_is_a_number_formatted_as_a_percentage(text, value, number_format):
    assert exporting.excel_value(text) == (value, number_format)


@pytest.mark.parametrize(("given", "expected"), [
    (7, (7, None)), (decimal.Decimal("2.5"), (decimal.Decimal("2.5"), None)), (None, ("", None)),
    (True, ("是", None)), (False, ("否", None)), ("  城关镇 ", ("城关镇", None)), ("100%达标", ("100%达标", None)),
])
def test_numbers_stay_numbers_and_text_stays_text(given, expected):
    assert exporting.excel_value(given) == expected


def test_chinese_takes_two_columns_a_character():
    assert exporting.display_width("党委书记") == 8
    assert exporting.display_width("ABC12") == 5
    assert exporting.display_width("（副）") == 6


def test_the_cadre_list_export_has_title_filters_header_and_typed_cells(county_client, township):
    cadre = f.CadreFactory(organization=township, name="张晓明", birth_date=datetime.date(1985, 3, 9),
                           gender=Cadre.Gender.MALE)
    response = county_client.get(reverse("org:cadre_list"), {"organization": township.pk, "_export": "xlsx"})
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert quote("干部") in disposition and disposition.endswith(".xlsx")

    sheet = xlsx_sheet(response)
    assert sheet["A1"].value and "A1:" in str(sheet.merged_cells)
    assert township.name in sheet["A2"].value and f"导出时间：{clock.local_now():%Y-%m-%d %H:}" in sheet["A2"].value
    header = [cell.value for cell in sheet[exporting.HEADER_ROW]]
    assert header[0] == "序号" and "姓名" in header and "出生日期" in header
    assert sheet.freeze_panes == "B4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.page_setup.orientation == "landscape"

    row = next(r for r in sheet.iter_rows(min_row=4) if r[header.index("姓名")].value == "张晓明")
    assert row[0].value == 1 or isinstance(row[0].value, int)
    birth = row[header.index("出生日期")]
    assert birth.value == datetime.datetime(1985, 3, 9) and birth.number_format == exporting.DATE_FORMAT
    assert row[header.index("性别")].value == str(cadre.get_gender_display())
    # Each column is as wide as its longest text (two widths a Chinese character), within bounds.
    letter = sheet.cell(row=exporting.HEADER_ROW, column=header.index("姓名") + 1).column_letter
    assert exporting.MIN_WIDTH <= sheet.column_dimensions[letter].width <= exporting.MAX_WIDTH
    assert sheet.column_dimensions[letter].width >= exporting.display_width("张晓明")


def test_numbers_are_numbers_and_rows_are_numbered(county_client, township):
    f.TeamFactory(township=township)
    sheet = xlsx_sheet(county_client.get(reverse("org:team_list"), {"_export": "xlsx"}))
    header = [cell.value for cell in sheet[exporting.HEADER_ROW]]
    rows = list(sheet.iter_rows(min_row=exporting.HEADER_ROW + 1, values_only=True))
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert all(isinstance(r[header.index("任期（年）")], int) for r in rows)
    assert all(isinstance(r[header.index("换届日期")], datetime.datetime) for r in rows if r[header.index("换届日期")])
    assert "筛选条件" not in sheet["A2"].value  # no filters, no filter text


def test_the_test_helper_reads_the_table_without_the_title_block(county_client, township):
    f.TeamFactory(township=township)
    rows = xlsx_rows(county_client.get(reverse("org:team_list"), {"_export": "xlsx"}))
    assert "任期（年）" in rows[0] and "序号" not in rows[0]
