"""The .lrmx file of the 干部任免审批表 (cadre appointment and removal form), read and written.

Organization departments exchange cadres' forms as the files of their form software: XML with the
root <Person> and one element per box of the paper form (XingMing, XingBie, ChuShengNianYue …, the
résumé in JianLi as lines "YYYY.MM--YYYY.MM 经历", the family in JiaTingChengYuan/Item, the photo in
ZhaoPian as Base64 JPEG). This module is pure: `parse` turns the bytes of one file into an
`LrmxPerson` with field-level errors (nothing raises for a wrong box; a file that cannot be read at
all raises ValidationError), `write` turns an `LrmxPerson` back into bytes. What the records of the
cadre's file make of it is `lrmx_records`.

Read with defusedxml, a DTD refused outright (no entity expansion, no external entity); UTF-8 is the
format, GBK/GB18030 files (common from older form software) are converted and say so; anything else
is refused.
"""
import base64
import binascii
import dataclasses
import datetime
import re
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from banzi.core import clock
from banzi.core.errors import Code
from banzi.core.uploads import format_size
from banzi.core.validators import id_number_birth_date, validate_id_number

VERSION = "3.2.1.16"
# The boxes of the form, in the order the form software writes them.
ELEMENTS = (
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
    "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu", "NiRenZhiWu",
    "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan",
    "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
    "Version",
)
FAMILY_ELEMENTS = ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu")
REQUIRED = ("XingMing", "XingBie", "ChuShengNianYue")
GENDERS = {"男": "male", "女": "female"}
GENDER_TEXT = {value: text for text, value in GENDERS.items()}
DEFAULT_PHOTO_MAX_BYTES = 512 * 1024  # real ID photos are 20–100 KB

# 学历 as the forms write it → Cadre.Education; the first text of each level is the one written back.
EDUCATION_TEXTS = {
    "postgraduate": ("研究生", "研究生学历", "硕士研究生", "博士研究生", "博士", "硕士"),
    "university": ("大学", "大学本科", "本科", "大学学历"),
    "college": ("大专", "大学专科", "专科"),
    "secondary": ("中专", "中等专科", "中技", "中等专业学校"),
    "high_school": ("高中", "职高", "高中学历"),
    "below": ("初中", "初中及以下", "小学"),
}
EDUCATION_BY_TEXT = {text: level for level, texts in EDUCATION_TEXTS.items() for text in texts}
EDUCATION_RANK = {level: rank for rank, level in enumerate(EDUCATION_TEXTS)}  # 0 = highest

_DASHES = r"(?:-{1,2}|—{1,2}|－{1,2}|–{1,2}|―{1,2}|~|～)"
_RESUME_LINE = re.compile(
    r"^\s*(\d{4})\s*[.．]\s*(\d{1,2})\s*" + _DASHES + r"\s*(?:(\d{4})\s*[.．]\s*(\d{1,2})|(至今|今))?\s*(.*)$")
_MONTH = re.compile(r"^(\d{4})[.．\-/]?(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})[.．\-/]?(\d{2})[.．\-/]?(\d{2})$")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_\-]+)[\"']", re.IGNORECASE)
_SCHOOL_ENDS = ("大学", "学院", "党校", "学校", "中学", "研究生院", "研究院", "分校")


@dataclasses.dataclass
class FieldError:
    """A box of the form that cannot be taken as it is: the element, a message, a code."""

    element: str
    message: str
    code: str


@dataclasses.dataclass
class LrmxEducation:
    """One of the two education rows (full-time, in-service): 学历, 学位 and the school of each."""

    level_text: str = ""
    degree: str = ""
    level_school: str = ""
    degree_school: str = ""

    @property
    def level(self):
        return EDUCATION_BY_TEXT.get(self.level_text.replace(" ", ""), "")

    def __bool__(self):
        return any((self.level_text, self.degree, self.level_school, self.degree_school))


@dataclasses.dataclass
class LrmxResumeLine:
    """A line of the résumé: from month, to month (None: to date), the text; `extra` holds the lines
    written under it without a date of their own (其间 …)."""

    starts_on: datetime.date
    ends_on: datetime.date | None
    text: str


@dataclasses.dataclass
class LrmxFamilyMember:
    relation: str = ""
    name: str = ""
    birth_date: datetime.date | None = None
    political_status: str = ""
    unit_and_post: str = ""


@dataclasses.dataclass
class LrmxReward:
    kind: str  # "reward" / "punishment"
    decided_on: datetime.date  # the month's first day
    title: str


_REWARD_DATE = re.compile(r"^(\d{4})\s*(?:年|\.|-|/)\s*(\d{1,2})\s*(?:月份?)?(?:\s|，|,|：|:)*")
_PUNISHMENT = re.compile(r"处分|警告|记过|降级|撤职|开除|诫勉|通报批评")


@dataclasses.dataclass
class LrmxPerson:
    """Everything one .lrmx file says of a cadre, read into Python values, with what is wrong in it
    (`errors`, by element) and what was done to read it (`notes`, e.g. a GBK file converted)."""

    name: str = ""
    gender: str = ""  # "male" / "female"
    birth_date: datetime.date | None = None  # the month's first day (the day, where the ID number gives it)
    ethnicity: str = ""
    native_place: str = ""
    birthplace: str = ""
    party_joined_on: datetime.date | None = None
    party_affiliation: str = ""  # RuDangShiJian when it names a democratic party instead of a month
    work_started_on: datetime.date | None = None
    health: str = ""
    professional_title: str = ""
    speciality: str = ""
    fulltime: LrmxEducation = dataclasses.field(default_factory=LrmxEducation)
    inservice: LrmxEducation = dataclasses.field(default_factory=LrmxEducation)
    current_post: str = ""
    proposed_post: str = ""
    proposed_removal: str = ""
    resume: list = dataclasses.field(default_factory=list)
    rewards_text: str = ""
    assessment_text: str = ""
    appointment_reason: str = ""
    family: list = dataclasses.field(default_factory=list)
    reporting_unit: str = ""
    age_reference_date: datetime.date | None = None
    form_filled_on: datetime.date | None = None
    form_filled_by: str = ""
    id_number: str = ""
    photo: bytes | None = None
    version: str = ""
    errors: list = dataclasses.field(default_factory=list)
    notes: list = dataclasses.field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def error(self, element, message, code):
        self.errors.append(FieldError(element, str(message), str(code)))

    def errors_by_element(self):
        found = {}
        for error in self.errors:
            found.setdefault(error.element, []).append(error)
        return found

    def rewards(self):
        """[LrmxReward] that the text of JiangChengQingKuang names with a month: each entry (a line, or
        a part between semicolons) dated 2019.12, 2019年12月 or 2019-12 …, a punishment when it names
        one (处分, 警告, 记过, 降级, 撤职, 开除, 诫勉), else a reward. Entries without a month stay in the
        text only (无, 未受奖惩 …); the text itself is kept as the form has it."""
        found = []
        for part in re.split(r"[；;\r\n]+", self.rewards_text or ""):
            part = part.strip(" 。，,")
            match = _REWARD_DATE.match(part)
            if not match:
                continue
            year, month = int(match.group(1)), int(match.group(2))
            title = part[match.end():].strip(" ，,：:")
            if not title or not 1 <= month <= 12:
                continue
            kind = "punishment" if _PUNISHMENT.search(title) else "reward"
            found.append(LrmxReward(kind, datetime.date(year, month, 1), title[:200]))
        return found

    def assessment_results(self):
        """[(year, result)] that the text of NianDuKaoHeJieGuo names (2024年度考核优秀 …)."""
        found = {}
        for year, result in re.findall(r"(\d{4})\s*年度?[^0-9；;，,。]*?(基本称职|不称职|优秀|称职|不定等次)",
                                       self.assessment_text):
            found.setdefault(int(year), result)
        return sorted(found.items())


# --- reading ------------------------------------------------------------------------------------

def photo_max_bytes():
    return getattr(settings, "BANZI_LRMX_PHOTO_MAX_BYTES", DEFAULT_PHOTO_MAX_BYTES)


def decode(content):
    """The text of a file and a note when it had to be converted: UTF-8 (with or without BOM) as
    the format says, GBK/GB18030 as older software writes it; anything else is refused."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    if b"\x00" in content:  # UTF-16 or a binary file: not a form's text
        raise ValidationError(
            _("The file is neither UTF-8 nor GBK text; save it again as UTF-8 from the form software."),
            code=Code.LRMX_ENCODING)
    declared = _DECLARED_ENCODING.match(content)
    declared = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if declared in ("utf-8", "utf8"):
        try:
            return content.decode("utf-8"), ""
        except UnicodeDecodeError:
            pass
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is neither UTF-8 nor GBK text; save it again as UTF-8 from the form software."),
            code=Code.LRMX_ENCODING) from None
    return text, _("The file was written in GBK/GB18030, not UTF-8; it was converted.")


def read_xml(content):
    """The <Person> element of a file's bytes, and the note of its conversion. Raises ValidationError
    for what cannot be read at all."""
    text, note = decode(content)
    text = _XML_DECLARATION.sub("", text, count=1).lstrip("\ufeff")
    try:
        root = SafeElementTree.fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException:
        raise ValidationError(
            _("The file declares a DTD or entities, which a form never has; it is refused unread (it may be an "
              "attack such as “billion laughs”)."), code=Code.LRMX_ENTITIES) from None
    except ParseError as exc:
        raise ValidationError(_("The file is not well-formed XML (%(error)s).") % {"error": exc},
                              code=Code.LRMX_MALFORMED) from None
    if root.tag != "Person":
        raise ValidationError(_("The file's root element is <%(tag)s>, not <Person>: it is not a 干部任免审批表 file.")
                              % {"tag": root.tag[:40]}, code=Code.LRMX_ROOT)
    return root, note


def _text(root, tag):
    node = root.find(tag)
    if node is None or node.text is None:
        return ""
    return node.text.strip()


def parse_month(value):
    """A yyyyMM (or yyyy.MM) month as its first day; ValueError when it is no real month."""
    match = _MONTH.match(value.replace(" ", ""))
    if not match:
        match = _DAY.match(value.replace(" ", ""))
        if not match:
            raise ValueError(value)
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


def parse_day(value):
    """A yyyyMMdd day, or a yyyyMM month as its first day; ValueError when it is no real date."""
    compact = value.replace(" ", "")
    match = _DAY.match(compact)
    if match:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return parse_month(compact)


def _date(person, root, tag, parser, *, past=True):
    value = _text(root, tag)
    if not value:
        return None
    try:
        day = parser(value)
    except ValueError:
        person.error(tag, _("“%(value)s” is not a real date (yyyyMM or yyyyMMdd).") % {"value": value[:20]},
                     Code.LRMX_DATE)
        return None
    if day.year < 1900 or (past and day > clock.today()):
        person.error(tag, _("“%(value)s” is not a possible date here.") % {"value": value[:20]}, Code.LRMX_DATE)
        return None
    return day


def _education(root, prefix):
    return LrmxEducation(
        level_text=_text(root, f"{prefix}_XueLi"), degree=_text(root, f"{prefix}_XueWei"),
        level_school=_text(root, f"{prefix}_XueLi_BiYeYuanXiaoXi"),
        degree_school=_text(root, f"{prefix}_XueWei_BiYeYuanXiaoXi"))


def parse_resume(person, value):
    """The résumé's lines as `LrmxResumeLine`s; a line without a date of its own (其间 …) stays with
    the line above it."""
    lines = []
    for raw in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            continue
        match = _RESUME_LINE.match(raw)
        if not match:
            if lines:
                lines[-1].text += "\n" + raw.rstrip()
                continue
            person.error("JianLi", _("The résumé line “%(line)s” does not start with a month (YYYY.MM--YYYY.MM).")
                         % {"line": raw.strip()[:40]}, Code.LRMX_DATE)
            continue
        year, month, end_year, end_month, _to_date, text = match.groups()
        try:
            starts_on = datetime.date(int(year), int(month), 1)
            ends_on = datetime.date(int(end_year), int(end_month), 1) if end_year else None
        except ValueError:
            person.error("JianLi", _("The résumé line “%(line)s” has a month that does not exist.")
                         % {"line": raw.strip()[:40]}, Code.LRMX_DATE)
            continue
        if ends_on and ends_on < starts_on:
            person.error("JianLi", _("The résumé line “%(line)s” ends before it starts.") % {"line": raw.strip()[:40]},
                         Code.DATE_ORDER)
            continue
        lines.append(LrmxResumeLine(starts_on, ends_on, text.strip()))
    return lines


def _family(person, root):
    members = []
    container = root.find("JiaTingChengYuan")
    if container is None:
        return members
    for number, item in enumerate(container.findall("Item"), start=1):
        member = LrmxFamilyMember(relation=_text(item, "ChengWei"), name=_text(item, "XingMing"),
                                  political_status=_text(item, "ZhengZhiMianMao"),
                                  unit_and_post=_text(item, "GongZuoDanWeiJiZhiWu"))
        born = _text(item, "ChuShengRiQi")
        if born:
            try:
                member.birth_date = parse_day(born)
            except ValueError:
                person.error(f"JiaTingChengYuan/Item[{number}]/ChuShengRiQi",
                             _("“%(value)s” is not a real date (yyyyMM or yyyyMMdd).") % {"value": born[:20]},
                             Code.LRMX_DATE)
        if not any((member.relation, member.name, member.birth_date, member.political_status, member.unit_and_post)):
            continue  # the form software writes empty rows for the table's blank lines
        if not member.name:
            person.error(f"JiaTingChengYuan/Item[{number}]/XingMing", _("A family member's name is missing."),
                         Code.REQUIRED)
        members.append(member)
    return members


def _photo(person, value):
    if not value:
        return None
    compact = "".join(value.split())
    limit = photo_max_bytes()
    # Base64 holds 3 bytes in 4 characters: an oversized photo is refused before it is decoded.
    if len(compact) * 3 // 4 > limit:
        person.error("ZhaoPian", _("The photo is %(size)s; the limit is %(limit)s.") % {
            "size": format_size(len(compact) * 3 // 4, up=True), "limit": format_size(limit)}, Code.FILE_SIZE)
        return None
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        person.error("ZhaoPian", _("The photo is not valid Base64."), Code.INVALID)
        return None
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        person.error("ZhaoPian", _("The photo is not a JPEG or PNG image."), Code.FILE_TYPE)
        return None
    return data


def _id_number(person, value):
    value = value.replace(" ", "").upper()
    if not value:
        return ""
    try:
        validate_id_number(value)
    except ValidationError as exc:
        person.error("ShenFenZheng", exc.messages[0], exc.code)
        return value
    encoded = id_number_birth_date(value)
    if person.birth_date and (encoded.year, encoded.month) != (person.birth_date.year, person.birth_date.month):
        person.error("ShenFenZheng", _("The ID number says the birth date is %(date)s, but ChuShengNianYue says "
                                       "%(month)s.") % {"date": encoded.isoformat(),
                                                        "month": person.birth_date.strftime("%Y.%m")},
                     Code.ID_BIRTH_DATE_MISMATCH)
    elif person.birth_date:
        person.birth_date = encoded  # the ID number knows the day as well
    if person.gender and (GENDERS["男"] if int(value[16]) % 2 else GENDERS["女"]) != person.gender:
        person.error("ShenFenZheng", _("The ID number does not match the gender."), Code.ID_GENDER_MISMATCH)
    return value


def parse(content):
    """One .lrmx file's bytes as an `LrmxPerson`. A file that is not a readable form at all (wrong
    encoding, not XML, a DTD, not <Person>) raises ValidationError; a wrong or missing box is an error of
    its element in `person.errors`."""
    root, note = read_xml(content)
    person = LrmxPerson()
    if note:
        person.notes.append(note)
    for tag in REQUIRED:
        if not _text(root, tag):
            person.error(tag, _("The element %(tag)s is missing or empty; the form needs it.") % {"tag": tag},
                         Code.REQUIRED)
    person.name = _text(root, "XingMing")
    gender = _text(root, "XingBie")
    if gender:
        person.gender = GENDERS.get(gender.rstrip("性"), "")
        if not person.gender:
            person.error("XingBie", _("“%(value)s” is not a gender (男 or 女).") % {"value": gender[:10]},
                         Code.INVALID_CHOICE)
    person.birth_date = _date(person, root, "ChuShengNianYue", parse_month)
    person.ethnicity = _text(root, "MinZu")
    person.native_place = _text(root, "JiGuan")
    person.birthplace = _text(root, "ChuShengDi")
    joined = _text(root, "RuDangShiJian")
    if joined and re.match(r"^\d", joined):
        person.party_joined_on = _date(person, root, "RuDangShiJian", parse_month)
    else:
        person.party_affiliation = joined  # a democratic party's name (九三学社, 民盟 …) or 群众
    person.work_started_on = _date(person, root, "CanJiaGongZuoShiJian", parse_month)
    person.health = _text(root, "JianKangZhuangKuang")
    person.professional_title = _text(root, "ZhuanYeJiShuZhiWu")
    person.speciality = _text(root, "ShuXiZhuanYeYouHeZhuanChang")
    for prefix, attribute in (("QuanRiZhiJiaoYu", "fulltime"), ("ZaiZhiJiaoYu", "inservice")):
        education = _education(root, prefix)
        if education.level_text and not education.level:
            person.error(f"{prefix}_XueLi", _("“%(value)s” is not an education level the system knows (研究生, 大学, "
                                              "大专, 中专, 高中, 初中).") % {"value": education.level_text[:20]},
                         Code.INVALID_CHOICE)
        elif not education.level_text and (education.level_school or education.degree):
            person.error(f"{prefix}_XueLi", _("The school or degree is given without the education level."),
                         Code.REQUIRED)
        setattr(person, attribute, education)
    person.current_post = _text(root, "XianRenZhiWu")
    person.proposed_post = _text(root, "NiRenZhiWu")
    person.proposed_removal = _text(root, "NiMianZhiWu")
    person.resume = parse_resume(person, (root.findtext("JianLi") or ""))
    person.rewards_text = _text(root, "JiangChengQingKuang")
    dated = len(person.rewards())
    if dated:
        person.notes.append(ngettext(
            "%(count)d dated entry of 奖惩情况 is kept as a reward or punishment record too.",
            "%(count)d dated entries of 奖惩情况 are kept as reward or punishment records too.", dated) % {"count": dated})
    person.assessment_text = _text(root, "NianDuKaoHeJieGuo")
    person.appointment_reason = _text(root, "RenMianLiYou")
    person.family = _family(person, root)
    person.reporting_unit = _text(root, "ChengBaoDanWei")
    person.age_reference_date = _date(person, root, "JiSuanNianLingShiJian", parse_day, past=False)
    person.form_filled_on = _date(person, root, "TianBiaoShiJian", parse_day)
    person.form_filled_by = _text(root, "TianBiaoRen")
    person.id_number = _id_number(person, _text(root, "ShenFenZheng"))
    person.photo = _photo(person, _text(root, "ZhaoPian"))
    person.version = _text(root, "Version")
    return person


# --- writing ------------------------------------------------------------------------------------

def month_text(value):
    return f"{value:%Y%m}" if value else ""


def day_text(value):
    return f"{value:%Y%m%d}" if value else ""


def birth_text(value):
    """A family member's birth date: the month, with the day where it is known (not the 1st)."""
    if not value:
        return ""
    return day_text(value) if value.day != 1 else month_text(value)


def resume_text(lines):
    """The résumé as the form writes it: one "YYYY.MM--YYYY.MM 经历" line each, CRLF between them."""
    out = []
    for line in lines:
        end = f"{line.ends_on:%Y.%m}" if line.ends_on else ""
        out.append(f"{line.starts_on:%Y.%m}--{end} {line.text}".replace("\n", "\r\n"))
    return "\r\n".join(out)


def split_school(text):
    """A school text ("山西大学中文系汉语言文学专业") as (school, major), cut after the first school name's
    ending; joined again they give the text back."""
    ends = [text.find(ending) + len(ending) for ending in _SCHOOL_ENDS if ending in text]
    if not ends:
        return text, ""
    cut = min(ends)
    return text[:cut], text[cut:]


def values(person):
    """{element: text} of the form, every element present (empty where the form is blank), as written."""
    def education(prefix, record):
        return {f"{prefix}_XueLi": record.level_text, f"{prefix}_XueWei": record.degree,
                f"{prefix}_XueLi_BiYeYuanXiaoXi": record.level_school,
                f"{prefix}_XueWei_BiYeYuanXiaoXi": record.degree_school}

    return {
        "XingMing": person.name, "XingBie": GENDER_TEXT.get(person.gender, ""),
        "ChuShengNianYue": month_text(person.birth_date), "MinZu": person.ethnicity, "JiGuan": person.native_place,
        "ChuShengDi": person.birthplace,
        "RuDangShiJian": month_text(person.party_joined_on) if person.party_joined_on else person.party_affiliation,
        "CanJiaGongZuoShiJian": month_text(person.work_started_on), "JianKangZhuangKuang": person.health,
        "ZhuanYeJiShuZhiWu": person.professional_title, "ShuXiZhuanYeYouHeZhuanChang": person.speciality,
        **education("QuanRiZhiJiaoYu", person.fulltime), **education("ZaiZhiJiaoYu", person.inservice),
        "XianRenZhiWu": person.current_post, "NiRenZhiWu": person.proposed_post,
        "NiMianZhiWu": person.proposed_removal, "JianLi": resume_text(person.resume),
        "JiangChengQingKuang": person.rewards_text, "NianDuKaoHeJieGuo": person.assessment_text,
        "RenMianLiYou": person.appointment_reason, "ChengBaoDanWei": person.reporting_unit,
        "JiSuanNianLingShiJian": day_text(person.age_reference_date),
        "TianBiaoShiJian": day_text(person.form_filled_on), "TianBiaoRen": person.form_filled_by,
        "ShenFenZheng": person.id_number,
        "ZhaoPian": base64.b64encode(person.photo).decode("ascii") if person.photo else "",
        "Version": person.version or VERSION,
    }


def write(person):
    """The .lrmx file of a person: UTF-8 XML, root <Person>, every element of the form."""
    root = Element("Person")
    texts = values(person)
    for tag in ELEMENTS:
        node = SubElement(root, tag)
        if tag == "JiaTingChengYuan":
            for member in person.family:
                item = SubElement(node, "Item")
                for child, value in zip(FAMILY_ELEMENTS, (
                        member.relation, member.name, birth_text(member.birth_date),
                        member.political_status, member.unit_and_post), strict=True):
                    SubElement(item, child).text = value
            continue
        node.text = texts[tag]
    body = tostring(root, encoding="unicode")
    # ElementTree writes a CR as a bare character that XML readers turn into LF; the résumé's CRLF is kept
    # as the form software writes it, as a character reference.
    body = body.replace("\r", "&#13;")
    return ('<?xml version="1.0" encoding="UTF-8"?>\r\n' + body).encode("utf-8")
