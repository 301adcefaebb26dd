"""The 干部任免审批表 as a printable Word document, laid out like the paper form: the first page
(name, gender, birth month and age, the photo spanning four rows, ethnic group, native place,
birthplace, Party joining, work start, health, titles, the two education rows, current / proposed /
removed posts, the résumé), the second page (rewards, the last three years' annual results, the
reason, the family table, the reporting unit and the approval boxes), one form per cadre, or a
document of several forms each starting on a new page.

The values are those of the .lrmx export (`lrmx_records.person_of`): the printed form and the file
say the same.
"""
import io

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from banzi.core import clock

from . import lrmx, lrmx_records

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(12)  # 小4号
SMALL_SIZE = Pt(10.5)  # 5号
PHOTO_WIDTH = Mm(25)
EDUCATION_TEXT = {level: texts[0] for level, texts in lrmx.EDUCATION_TEXTS.items()}


def set_font(run, east_asian=BODY_FONT, size=BODY_SIZE, bold=None):
    """The East-Asian font named on the run (w:eastAsia), a Latin font for digits, as the bulletins do."""
    run.font.name = LATIN_FONT
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    run.font.size = size
    if bold is not None:
        run.font.bold = bold
    return run


def put(cell, text, *, align=WD_ALIGN_PARAGRAPH.CENTER, size=BODY_SIZE, bold=None):
    """Write a cell's text (lines as paragraphs), replacing what it held."""
    lines = str(text or "").replace("\r\n", "\n").split("\n")
    paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for number, line in enumerate(lines):
        if number:
            paragraph = cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        set_font(paragraph.add_run(line), size=size, bold=bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return cell


def month(value):
    return f"{value:%Y.%m}" if value else ""


def age_on(birth, day):
    if not birth or not day:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def education_text(education):
    return " ".join(part for part in (EDUCATION_TEXT.get(education.level, education.level_text), education.degree)
                    if part)


def school_text(education):
    if education.degree_school and education.degree_school != education.level_school:
        return f"{education.level_school}\n{education.degree_school}"
    return education.level_school


def resume_lines(person):
    return "\n".join(f"{line.starts_on:%Y.%m}--{month(line.ends_on)}  {line.text}" for line in person.resume)


def _photo(cell, photo):
    if not photo:
        put(cell, "照片")
        return
    try:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(photo), width=PHOTO_WIDTH)
    except Exception:  # noqa: BLE001 — an image python-docx cannot size is printed as the empty box
        put(cell, "照片")
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _first_page(document, person, today):
    table = document.add_table(rows=10, cols=7)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    c = table.cell
    reference = person.age_reference_date or today
    age = age_on(person.birth_date, reference)
    birth = f"{month(person.birth_date)}\n（{age}岁）" if age is not None else month(person.birth_date)
    rows = [
        ("姓　名", person.name, "性　别", lrmx.GENDER_TEXT.get(person.gender, ""), "出生年月\n（  岁）", birth),
        ("民　族", person.ethnicity, "籍　贯", person.native_place, "出 生 地", person.birthplace),
        ("入　党\n时　间", month(person.party_joined_on) or person.party_affiliation, "参加工作\n时　　间",
         month(person.work_started_on), "健康状况", person.health),
    ]
    for number, row in enumerate(rows):
        for column, text in enumerate(row):
            put(c(number, column), text)
    put(c(3, 0), "专业技术\n职　　务")
    put(c(3, 1), person.professional_title)
    put(c(3, 2), "熟悉专业\n有何专长")
    put(c(3, 3).merge(c(3, 5)), person.speciality)
    _photo(c(0, 6).merge(c(3, 6)), person.photo)
    put(c(4, 0).merge(c(5, 0)), "学　历\n学　位")
    for number, (label, education) in enumerate((("全日制\n教　育", person.fulltime),
                                                 ("在　职\n教　育", person.inservice)), start=4):
        put(c(number, 1), label)
        put(c(number, 2).merge(c(number, 3)), education_text(education))
        put(c(number, 4), "毕业院校\n系及专业")
        put(c(number, 5).merge(c(number, 6)), school_text(education), align=WD_ALIGN_PARAGRAPH.LEFT)
    for number, (label, text) in enumerate((("现 任 职 务", person.current_post), ("拟 任 职 务", person.proposed_post),
                                            ("拟 免 职 务", person.proposed_removal)), start=6):
        put(c(number, 0).merge(c(number, 1)), label)
        put(c(number, 2).merge(c(number, 6)), text, align=WD_ALIGN_PARAGRAPH.LEFT)
    put(c(9, 0), "简\n\n\n\n历")
    put(c(9, 1).merge(c(9, 6)), resume_lines(person), align=WD_ALIGN_PARAGRAPH.LEFT, size=SMALL_SIZE)
    table.rows[9].height = Mm(120)
    return table


def _second_page(document, person, results_text):
    family = person.family or []
    rows = 3 + 1 + max(len(family), 1) + 3
    table = document.add_table(rows=rows, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    c = table.cell
    for number, (label, text) in enumerate((("奖\n惩\n情\n况", person.rewards_text),
                                            ("年度考核\n结　　果", results_text),
                                            ("任\n免\n理\n由", person.appointment_reason))):
        put(c(number, 0), label)
        put(c(number, 1).merge(c(number, 5)), text, align=WD_ALIGN_PARAGRAPH.LEFT)
    head = 3
    put(c(head, 0).merge(c(head + max(len(family), 1), 0)), "家庭\n主要\n成员\n及\n重要\n社会\n关系")
    for column, label in enumerate(("称　谓", "姓　名", "出生\n年月", "政治\n面貌", "工作单位及职务"), start=1):
        put(c(head, column), label)
    for number, member in enumerate(family, start=head + 1):
        for column, text in enumerate((member.relation, member.name, month(member.birth_date),
                                       member.political_status, member.unit_and_post), start=1):
            put(c(number, column), text, align=WD_ALIGN_PARAGRAPH.LEFT if column == 5 else WD_ALIGN_PARAGRAPH.CENTER)
    last = rows - 3
    filled = f"{person.form_filled_on.year}年{person.form_filled_on.month}月{person.form_filled_on.day}日" \
        if person.form_filled_on else "　　年　　月　　日"
    put(c(last, 0), "呈\n报\n单\n位")
    put(c(last, 1).merge(c(last, 5)), f"{person.reporting_unit}\n\n{filled}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    put(c(last + 1, 0), "审批机关\n意　　见")
    put(c(last + 1, 1).merge(c(last + 1, 5)), "\n\n（盖章）\n　　年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    put(c(last + 2, 0), "行政机关\n任免意见")
    put(c(last + 2, 1).merge(c(last + 2, 5)), "\n\n（盖章）\n　　年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return table


def _title(document):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(paragraph.add_run("干部任免审批表"), TITLE_FONT, TITLE_SIZE)


def _footer(document, person):
    paragraph = document.add_paragraph()
    text = (f"计算年龄时间：{person.age_reference_date:%Y.%m.%d}　　" if person.age_reference_date else "") + \
        (f"填表时间：{person.form_filled_on:%Y.%m.%d}　　" if person.form_filled_on else "") + \
        f"填表人：{person.form_filled_by}"
    set_font(paragraph.add_run(text), size=SMALL_SIZE)


def add_form(document, person, results_text):
    """One cadre's form: two pages."""
    today = clock.today()
    _title(document)
    _first_page(document, person, today)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _second_page(document, person, results_text)
    _footer(document, person)


def new_document():
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(20)
    style = document.styles["Normal"]
    style.font.name = LATIN_FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    style.font.size = BODY_SIZE
    return document


def build(user, cadres):
    """The forms of the cadres (each starting on a new page) as the bytes of a .docx."""
    document = new_document()
    cadres = list(cadres)
    results = lrmx_records.module_results(user, cadres)
    for number, cadre in enumerate(cadres):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        person = lrmx_records.person_of(user, cadre, results.get(cadre.pk, {}))
        add_form(document, person, person.assessment_text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
