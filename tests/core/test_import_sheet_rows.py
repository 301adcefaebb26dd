"""An upload's rows are read as openpyxl reads them (`workbook.load_workbook` and `sheet_rows`, which
read the worksheet and its shared strings with lxml, without openpyxl's per-cell dictionaries and
rich-text objects): the same values, row numbers and rows, whatever the cells hold."""
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from banzi.core.errors import Code
from banzi.core.importing.workbook import MAX_COLUMNS, load_workbook, read_sheet, sheet_rows

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# A worksheet as other programs write it: inline text with runs and a phonetic guide, shared strings,
# numbers, a yes/no, an error, a formula with its value, cells without their coordinates, a gap, a
# row out of order and one without its number after it, a cell beyond the columns read, an empty <is>.
SHEET_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{NS}"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve"> 备注 </t></is></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>张</t></r><r><t>三</t></r><rPh sb="0" eb="1"><t>zhang</t></rPh></is></c><c r="B2"><v>13912345678</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#N/A</v></c></row>
<row r="4"><c t="inlineStr"><is><t>李</t><r><t>四</t></r></is></c><c><v>2.5</v></c><c t="str"><f>A4</f><v>算出</v></c><c r="F4" t="inlineStr"><is></is></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>out of order</t></is></c></row>
<row><c r="A5" t="inlineStr"><is><t>王五</t></is></c><c r="CZ5" t="inlineStr"><is><t>too far</t></is></c><c r="B5" s="1"><v>44000</v></c></row>
<row r="6"><c r="A6" t="s"><v>1</v></c><c r="B6" t="s"><v>2</v></c><c r="C6" s="1"><v>99999999999</v></c><c r="D6" t="d"><v>2021-03-04T05:06:07</v></c><c r="E6" t="b"><v>0</v></c><c r="F6"><v></v></c><!-- a note --><c r="G6" t="inlineStr"><is><t>x</t><!-- inside --></is></c></row>
</sheetData></worksheet>"""

SHARED_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{NS}" count="3" uniqueCount="3"><si><r><t>性</t></r><r><t>别</t></r></si>
<si><t>赵_x005F_x000D_六</t><rPh sb="0" eb="1"><t>zhao</t></rPh></si><si><t xml:space="preserve">  </t></si></sst>"""


def openpyxl_rows(content):
    """What openpyxl itself gives: every row of `iter_rows(max_col=MAX_COLUMNS, values_only=True)`
    after `reset_dimensions()`, numbered, the empty ones left out."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = [(number, values) for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1)
            if any(v is not None for v in values)]
    book.close()
    return rows


def our_rows(content):
    book = load_workbook(content)
    rows = [(number, values) for number, values in sheet_rows(book.worksheets[0]) if any(v is not None for v in values)]
    book.close()
    return rows


def written_by_openpyxl():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "出生日期", "电话", "后备干部", "备注"])
    sheet.append(["张三", datetime.date(1980, 1, 2), 13912345678, True, "  两端有空格  "])
    sheet.append([CellRichText(["王", TextBlock(InlineFont(b=True), "小明")]), datetime.datetime(1981, 3, 4, 5, 6),
                  2.5, False, "=1+1"])
    sheet.append([])
    sheet["H6"] = "远处"
    sheet.cell(row=7, column=MAX_COLUMNS + 3, value="超出")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet(content, sheet_xml, shared_xml):
    """The workbook with its first worksheet (and shared strings) replaced, as another program wrote them."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            elif item.filename == "xl/sharedStrings.xml":
                data = shared_xml.encode()
            target.writestr(item, data)
        if "xl/sharedStrings.xml" not in source.namelist():
            target.writestr("xl/sharedStrings.xml", shared_xml.encode())
    return out.getvalue()


def with_shared_strings(content):
    """An openpyxl workbook given a shared-strings part (listed in its content types and relations)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and b"sharedStrings" not in data:
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels" and b"sharedStrings" not in data:
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            target.writestr(item, data)
    return out.getvalue()


def test_a_workbook_openpyxl_wrote_reads_as_openpyxl_reads_it():
    content = written_by_openpyxl()
    assert our_rows(content) == openpyxl_rows(content)
    assert our_rows(content)[1][1][:5] == ("张三", datetime.datetime(1980, 1, 2), 13912345678, True, "  两端有空格  ")


# openpyxl warns of the date it cannot place, which both readers give as "#VALUE!".
@pytest.mark.filterwarnings("ignore:Cell C6 is marked as a date:UserWarning")
def test_cells_as_other_programs_write_them_read_as_openpyxl_reads_them():
    content = with_sheet(with_shared_strings(written_by_openpyxl()), SHEET_XML, SHARED_XML)
    ours = our_rows(content)
    assert ours == openpyxl_rows(content)
    values = dict(ours)
    assert values[1][:3] == ("姓名", "性别", " 备注 ")
    assert values[2][:4] == ("张三", 13912345678, True, "#N/A")  # the runs, not the phonetic guide
    assert values[4][:3] == ("李四", 2.5, "算出")
    # Out of order, and numbered after it (no number of its own): passed over, as openpyxl does.
    assert 3 not in values and 5 not in values
    # Shared text as openpyxl reads it; a date it cannot place, an ISO date, a no, an empty value.
    assert values[6][:7] == ("赵_x000D_六", "  ", "#VALUE!", datetime.datetime(2021, 3, 4, 5, 6, 7), False, None, "x")


@pytest.mark.parametrize("part", ["sheet", "shared strings"])
def test_a_part_declaring_entities_is_refused_unread(part):
    doctype = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    sheet, shared = SHEET_XML, SHARED_XML
    if part == "sheet":
        sheet = doctype + sheet.split("?>", 1)[1].replace("<t>姓名</t>", "<t>&lol2;</t>")
    else:
        shared = doctype + shared.split("?>", 1)[1].replace("<t>性</t>", "<t>&lol2;</t>")
    content = with_sheet(with_shared_strings(written_by_openpyxl()), sheet, shared)
    with pytest.raises(ValidationError) as refused:
        read_sheet(content)
    assert refused.value.code == Code.FILE_UNREADABLE


def test_the_upload_is_read_from_those_rows():
    content = written_by_openpyxl()
    sheet = read_sheet(content)
    assert sheet.headings == ["姓名", "出生日期", "电话", "后备干部", "备注"]
    assert sheet.row_numbers == [2, 3, 6]  # row 6 holds a cell beyond the headings only
    assert sheet.rows[0] == ("张三", datetime.datetime(1980, 1, 2), 13912345678, True, "两端有空格")
    assert sheet.rows[2] == (None,) * 5
