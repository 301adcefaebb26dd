""".lrmx forms and the records of the cadre's file: an import read and checked without writing
(`preview`), then applied all or nothing (`import_forms`), and the form of a cadre written from its
records (`person_of`, `export_one`, `export_zip`).

A form is matched to a registered cadre by its ID number (through the keyed fingerprint, the sealed
numbers never compare); a form without a match becomes a new cadre of the unit the importer chose.
Every record is written through `core.services.save_object` / `delete_object` (scope, validation,
history and audit as for any edit); the résumé, the education and the family of a matched cadre are
replaced by the form's, the profile updated, the earlier annual results added by year. The import
itself, and every export, is one event of the audit trail.
"""
import dataclasses
import io
import os
import posixpath
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from banzi.core import masking
from banzi.core import services as core_services
from banzi.core.audit import record_event
from banzi.core.errors import Code, single_errors
from banzi.core.models import AuditEvent
from banzi.core.uploads import check_unpacked, format_size
from banzi.org.models import Cadre

from . import lrmx
from .models import (
    CadreProfile,
    EarlierAssessmentResult,
    EducationRecord,
    FamilyMember,
    ResumeEntry,
    RewardPunishment,
)

MAX_FILES = 200  # forms in one import (files, or members of the zips)
EXTENSIONS = (".lrmx", ".xml")
EDUCATION_KINDS = (("fulltime", EducationRecord.Kind.FULLTIME), ("inservice", EducationRecord.Kind.INSERVICE))
PROFILE_FIELDS = ("birthplace", "health", "professional_title", "speciality", "party_affiliation", "proposed_post",
                  "proposed_removal", "appointment_reason", "reporting_unit", "age_reference_date", "form_filled_on",
                  "form_filled_by", "rewards_text", "assessment_text")


# --- the files of an upload -----------------------------------------------------------------------

def _zip_members(name, content):
    """The forms inside a zip: checked for size (a zip bomb), member count, paths and kinds first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("%(name)s is not a readable zip file.") % {"name": name}, code=Code.FILE_UNREADABLE) from None
    check_unpacked(archive, len(content))
    members = []
    for info in infos:
        path = info.filename.replace("\\", "/")
        if info.is_dir() or path.startswith("__MACOSX/"):
            continue
        if path.startswith("/") or ".." in path.split("/") or ":" in path:
            raise ValidationError(_("%(name)s holds “%(member)s”, a path outside the zip; it is refused.")
                                  % {"name": name, "member": path[:80]}, code=Code.ZIP_MEMBERS)
        if not path.lower().endswith(EXTENSIONS):
            raise ValidationError(_("%(name)s holds “%(member)s”, which is not a .lrmx file; a zip of forms holds "
                                    "only .lrmx files.") % {"name": name, "member": path[:80]}, code=Code.ZIP_MEMBERS)
        members.append(info)
    if len(members) > MAX_FILES:
        raise ValidationError(_("%(name)s holds %(count)d forms; one import takes at most %(max)d.")
                              % {"name": name, "count": len(members), "max": MAX_FILES}, code=Code.ZIP_MEMBERS)
    return [(posixpath.basename(info.filename.replace("\\", "/")), archive.read(info)) for info in members]


def unpack(uploads):
    """[(file name, bytes)] of the forms in an upload: .lrmx files as they are, zips opened. Raises
    ValidationError for a file that is too large, not a form or a zip, or a zip that is refused."""
    forms = []
    for name, content in uploads:
        name = os.path.basename(name or "")
        if len(content) > settings.BANZI_IMPORT_MAX_BYTES:
            raise ValidationError(_("%(name)s is %(size)s; the largest file that can be imported is %(max)s.") % {
                "name": name, "size": format_size(len(content), up=True),
                "max": format_size(settings.BANZI_IMPORT_MAX_BYTES)}, code=Code.FILE_SIZE)
        if content.startswith(b"PK\x03\x04"):
            forms.extend(_zip_members(name, content))
        elif name.lower().endswith(EXTENSIONS):
            forms.append((name, content))
        else:
            raise ValidationError(_("%(name)s is neither a .lrmx form nor a .zip of forms.") % {"name": name},
                                  code=Code.FILE_TYPE)
    if not forms:
        raise ValidationError(_("No .lrmx form was uploaded."), code=Code.LRMX_NO_FILES)
    if len(forms) > MAX_FILES:
        raise ValidationError(_("%(count)d forms were uploaded; one import takes at most %(max)d.")
                              % {"count": len(forms), "max": MAX_FILES}, code=Code.ZIP_MEMBERS)
    return forms


# --- the preview ----------------------------------------------------------------------------------

@dataclasses.dataclass
class ImportItem:
    """One form of an import: what it says, the cadre it updates (None: a new cadre), its errors."""

    file_name: str
    person: lrmx.LrmxPerson | None
    cadre: Cadre | None = None
    errors: list = dataclasses.field(default_factory=list)
    applied: Cadre | None = None  # the cadre as written (the import, or the preview's rolled-back try)

    @property
    def ok(self):
        return not self.errors

    @property
    def is_new(self):
        return self.cadre is None

    @property
    def notes(self):
        return self.person.notes if self.person else []

    def error(self, element, message, code):
        self.errors.append(lrmx.FieldError(element, str(message), str(code)))


@dataclasses.dataclass
class ImportPreview:
    items: list
    unit: object = None

    @property
    def ok(self):
        return bool(self.items) and all(item.ok for item in self.items)

    @property
    def error_count(self):
        return sum(len(item.errors) for item in self.items)


def _read(user, forms, unit):
    items, seen = [], {}
    for name, content in forms:
        try:
            person = lrmx.parse(content)
        except ValidationError as exc:
            item = ImportItem(name, None)
            for error in single_errors(exc):
                item.error("", error.messages[0], error.code or Code.INVALID)
            items.append(item)
            continue
        item = ImportItem(name, person, errors=list(person.errors))
        fingerprint = Cadre.id_number_fingerprint(person.id_number) if person.id_number and not any(
            e.element == "ShenFenZheng" for e in person.errors) else None
        if fingerprint:
            if fingerprint in seen:
                item.error("ShenFenZheng", _("Another form of this import (%(name)s) has the same ID number.")
                           % {"name": seen[fingerprint]}, Code.UNIQUE)
            seen[fingerprint] = name
            item.cadre = Cadre._base_manager.select_related("organization").filter(id_number_index=fingerprint).first()
            if item.cadre is not None and not Cadre.objects.editable_by(user).filter(pk=item.cadre.pk).exists():
                item.error("ShenFenZheng", _("A cadre with this ID number is registered outside the organizations you "
                                             "manage; the form cannot be imported here."), Code.OUTSIDE_SCOPE)
                item.cadre = None
        if item.is_new and unit is None and item.ok:
            item.error("", _("This form is a new cadre: choose the unit the new cadres join."), Code.REQUIRED)
        items.append(item)
    return items


def _apply_checked(user, item, unit, *, store_photo):
    """Apply one form, turning its refusals into the item's errors (by element where a field says)."""
    try:
        with transaction.atomic():
            item.applied = apply_person(user, item.person, item.cadre, unit, store_photo=store_photo)
    except ValidationError as exc:
        for field, errors in (exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]):
            for error in errors:
                item.error(ELEMENT_OF_FIELD.get(field, "" if field == "__all__" else field), error.messages[0],
                           error.code or Code.INVALID)
    except PermissionDenied as exc:
        item.error("", str(exc) or _("You are not allowed to change this record."), Code.NOT_PERMITTED)


def preview(user, forms, unit=None):
    """Every form read and checked as the import would write it, in a transaction rolled back:
    nothing is kept (no record, no history, no audit event, no photo stored)."""
    items = _read(user, forms, unit)
    with transaction.atomic():
        for item in items:
            if item.ok:
                _apply_checked(user, item, unit, store_photo=False)
        transaction.set_rollback(True)
    return ImportPreview(items, unit)


@transaction.atomic
def import_forms(user, forms, unit=None):
    """Import every form all or nothing: a form with any error refuses the whole import (nothing is
    written). Returns the cadres written; one audit event for the import besides each record's."""
    items = _read(user, forms, unit)
    for item in items:
        if item.ok:
            _apply_checked(user, item, unit, store_photo=True)
    wrong = [item for item in items if not item.ok]
    if wrong:
        first = wrong[0]
        transaction.set_rollback(True)
        for item in items:  # the photos stored for the forms that went through are not kept either
            stored = getattr(item.applied, "lrmx_photo", None)
            if stored:
                stored.storage.delete(stored.name)
        error = ValidationError(
            _("%(count)d of %(total)d forms have errors (%(name)s: %(message)s); nothing was imported.") % {
                "count": len(wrong), "total": len(items), "name": first.file_name, "message": first.errors[0].message},
            code=Code.INVALID)
        error.code = Code._value2member_map_.get(first.errors[0].code, Code.INVALID)  # the first form's rule
        raise error
    cadres = [item.applied for item in items]
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.IMPORT, user=user, model=Cadre,
                 obj=cadres[0] if len(cadres) == 1 else None,
                 detail=_("Imported %(count)d 干部任免审批表 forms (.lrmx): %(names)s") % {
                     "count": len(cadres), "names": "、".join(c.name for c in cadres)})
    return cadres


# --- the form into the records --------------------------------------------------------------------

# The element a refused field of the records comes from, for the preview's field-level errors.
ELEMENT_OF_FIELD = {
    "name": "XingMing", "gender": "XingBie", "birth_date": "ChuShengNianYue", "ethnicity": "MinZu",
    "native_place": "JiGuan", "id_number": "ShenFenZheng", "party_joined_on": "RuDangShiJian",
    "work_started_on": "CanJiaGongZuoShiJian", "post": "XianRenZhiWu", "organization": "",
    "education_fulltime": "QuanRiZhiJiaoYu_XueLi", "education_inservice": "ZaiZhiJiaoYu_XueLi",
    "birthplace": "ChuShengDi", "health": "JianKangZhuangKuang", "professional_title": "ZhuanYeJiShuZhiWu",
    "speciality": "ShuXiZhuanYeYouHeZhuanChang", "party_affiliation": "RuDangShiJian", "proposed_post": "NiRenZhiWu",
    "proposed_removal": "NiMianZhiWu", "appointment_reason": "RenMianLiYou", "reporting_unit": "ChengBaoDanWei",
    "age_reference_date": "JiSuanNianLingShiJian", "form_filled_on": "TianBiaoShiJian", "form_filled_by": "TianBiaoRen",
    "rewards_text": "JiangChengQingKuang", "assessment_text": "NianDuKaoHeJieGuo", "text": "JianLi",
    "starts_on": "JianLi", "ends_on": "JianLi", "relation": "JiaTingChengYuan", "unit_and_post": "JiaTingChengYuan",
    "political_status": "JiaTingChengYuan", "school": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "major": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "degree": "QuanRiZhiJiaoYu_XueWei",
}


def _education_records(cadre, education, kind):
    if not education.level:
        return []
    school, major = lrmx.split_school(education.level_school)
    first = EducationRecord(cadre=cadre, kind=kind, level=education.level, degree=education.degree,
                            school=school, major=major)
    if education.degree_school and education.degree_school != education.level_school and education.degree:
        # The degree from another school than the education level: a record of its own.
        first.degree = ""
        school, major = lrmx.split_school(education.degree_school)
        return [first, EducationRecord(cadre=cadre, kind=kind, level=education.level, degree=education.degree,
                                       school=school, major=major)]
    return [first]


def apply_person(user, person, cadre=None, unit=None, *, store_photo=True):
    """Write one form into the records: the cadre (new in `unit`, or the matched one), the profile,
    the résumé, the education and the family (replaced), the dated rewards and punishments (added),
    the earlier annual results (by year)."""
    reason = _("Imported from a 干部任免审批表 (.lrmx)")
    if cadre is None:
        cadre = Cadre(organization=unit)
    cadre.name = person.name
    cadre.gender = person.gender
    cadre.birth_date = person.birth_date
    if person.ethnicity:
        cadre.ethnicity = person.ethnicity
    cadre.native_place = person.native_place
    if person.id_number:
        cadre.id_number = person.id_number
    cadre.party_joined_on = person.party_joined_on
    cadre.work_started_on = person.work_started_on
    cadre.education_fulltime = person.fulltime.level
    cadre.education_inservice = person.inservice.level
    cadre.post = person.current_post
    core_services.save_object(user, cadre, reason=reason)

    profile = CadreProfile.objects.filter(cadre=cadre).first() or CadreProfile(cadre=cadre)
    for name in PROFILE_FIELDS:
        setattr(profile, name, getattr(person, name))
    if person.photo and store_photo:
        extension = "png" if person.photo.startswith(b"\x89PNG") else "jpg"
        profile.photo.save(f"photo.{extension}", ContentFile(person.photo), save=False)
        cadre.lrmx_photo = profile.photo
    core_services.save_object(user, profile, reason=reason)

    for model in (ResumeEntry, EducationRecord, FamilyMember):
        for old in model.objects.filter(cadre=cadre).order_by("pk"):
            core_services.delete_object(user, old, reason=reason)
    for line in person.resume:
        core_services.save_object(user, ResumeEntry(cadre=cadre, starts_on=line.starts_on, ends_on=line.ends_on,
                                                    text=line.text), reason=reason)
    for attribute, kind in EDUCATION_KINDS:
        for record in _education_records(cadre, getattr(person, attribute), kind):
            core_services.save_object(user, record, reason=reason)
    for number, member in enumerate(person.family):
        core_services.save_object(user, FamilyMember(
            cadre=cadre, relation=member.relation, name=member.name, birth_date=member.birth_date,
            political_status=member.political_status, unit_and_post=member.unit_and_post, sort_order=number),
            reason=reason)
    # The dated entries of the form's 奖惩情况 become records too (added once: the same title on the
    # same month is not added again); the form's text is kept as it is for the form.
    known = set(RewardPunishment.objects.filter(cadre=cadre).values_list("title", "decided_on"))
    for entry in person.rewards():
        if (entry.title, entry.decided_on) not in known:
            known.add((entry.title, entry.decided_on))
            core_services.save_object(user, RewardPunishment(cadre=cadre, kind=entry.kind, title=entry.title,
                                                             decided_on=entry.decided_on), reason=reason)
    existing = {r.year: r for r in EarlierAssessmentResult.objects.filter(cadre=cadre)}
    for year, result in person.assessment_results():
        record = existing.get(year) or EarlierAssessmentResult(cadre=cadre, year=year)
        if record.pk is None or record.result != result:
            record.result = result
            core_services.save_object(user, record, reason=reason)
    return cadre


# --- the records into the form --------------------------------------------------------------------

def with_file(queryset):
    """Cadres with everything their form reads, fetched in a fixed number of queries."""
    return queryset.select_related("organization", "profile").prefetch_related(
        "resume_entries", "education_records", "family_members", "rewards_punishments", "earlier_assessment_results")


def _profile(cadre):
    try:
        return cadre.profile
    except CadreProfile.DoesNotExist:
        return CadreProfile(cadre=cadre, health="")


def _photo(profile):
    if not profile.photo:
        return None
    try:
        with profile.photo.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError, ValueError):
        return None


def _education(records, kind):
    mine = sorted((r for r in records if r.kind == kind), key=lambda r: (lrmx.EDUCATION_RANK.get(r.level, 99), r.pk))
    if not mine:
        return lrmx.LrmxEducation()
    first = mine[0]
    level_school = f"{first.school}{first.major}"
    degree_record = first if first.degree else next((r for r in mine if r.degree), None)
    degree_school = f"{degree_record.school}{degree_record.major}" if degree_record else ""
    return lrmx.LrmxEducation(level_text=lrmx.EDUCATION_TEXTS[first.level][0], degree=degree_record.degree if
                              degree_record else "", level_school=level_school, degree_school=degree_school)


def grade_text(grade):
    from banzi.assessment.models import Grade

    with translation.override("zh-hans"):
        return str(Grade(grade).label)


def module_results(user, cadres):
    """{cadre id: {year: result in Chinese}} of the assessment module's confirmed annual results the
    user may see, for many cadres in one query (the latest assessment of a year wins)."""
    from banzi.assessment.results import annual_results

    found = {}
    rows = annual_results(user).filter(cadre__in=[c.pk for c in cadres]).order_by(
        "assessment__year", "assessment_id", "pk").values_list("cadre_id", "assessment__year", "confirmed_grade")
    for cadre_id, year, grade in rows:
        found.setdefault(cadre_id, {})[year] = grade_text(grade)
    return found


def last_three_results(user, cadre, module=None):
    """([(year, result)] of the last three years with a result, latest last; whether any comes from the
    assessment module): its confirmed annual results where it holds them, the earlier results entered
    (or read from a form) for the other years. `module`: the cadre's `module_results`, when fetched."""
    module = module_results(user, [cadre]).get(cadre.pk, {}) if module is None else module
    found = {r.year: r.result for r in cadre.earlier_assessment_results.all()}
    found.update(module)
    return sorted(found.items())[-3:], bool(module)


def assessment_text(user, cadre, profile, module=None):
    """The form's 年度考核结果: from the assessment module's results where it holds any, else the text
    the form was imported with, else the earlier results entered."""
    results, from_module = last_three_results(user, cadre, module)
    if profile.assessment_text and not from_module:
        return profile.assessment_text
    return "；".join(f"{year}年度考核{result}" for year, result in results)


def rewards_text(cadre, profile):
    if profile.rewards_text:
        return profile.rewards_text
    return "；".join(f"{r.decided_on:%Y.%m} {r.decided_by}{r.title}".strip() for r in cadre.rewards_punishments.all())


def person_of(user, cadre, module=None):
    """The form of a cadre as its records say it (the ID number in full only to those who may see it);
    `module`: the cadre's `module_results`, when fetched for many cadres at once."""
    profile = _profile(cadre)
    records = list(cadre.education_records.all())
    return lrmx.LrmxPerson(
        name=cadre.name, gender=cadre.gender, birth_date=cadre.birth_date, ethnicity=cadre.ethnicity,
        native_place=cadre.native_place, birthplace=profile.birthplace, party_joined_on=cadre.party_joined_on,
        party_affiliation="" if cadre.party_joined_on else profile.party_affiliation,
        work_started_on=cadre.work_started_on, health=profile.health, professional_title=profile.professional_title,
        speciality=profile.speciality, fulltime=_education(records, EducationRecord.Kind.FULLTIME),
        inservice=_education(records, EducationRecord.Kind.INSERVICE), current_post=cadre.post,
        proposed_post=profile.proposed_post, proposed_removal=profile.proposed_removal,
        resume=[lrmx.LrmxResumeLine(e.starts_on, e.ends_on, e.text) for e in cadre.resume_entries.all()],
        rewards_text=rewards_text(cadre, profile), assessment_text=assessment_text(user, cadre, profile, module),
        appointment_reason=profile.appointment_reason,
        family=[lrmx.LrmxFamilyMember(m.relation, m.name, m.birth_date, m.political_status, m.unit_and_post)
                for m in cadre.family_members.all()],
        reporting_unit=profile.reporting_unit, age_reference_date=profile.age_reference_date,
        form_filled_on=profile.form_filled_on, form_filled_by=profile.form_filled_by,
        id_number=masking.shown_id_number(user, cadre) or "", photo=_photo(profile))


def file_name(cadre, extension="lrmx"):
    return f"{cadre.name}_{cadre.pk}.{extension}"


def export_one(user, cadre):
    """The .lrmx file of one cadre (name, bytes), recorded as an export."""
    name = file_name(cadre)
    content = lrmx.write(person_of(user, cadre))
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=user, obj=cadre,
                 detail=_("干部任免审批表 (.lrmx): %(name)s") % {"name": name})
    return name, content


def export_zip(user, cadres, *, title, obj=None):
    """A zip of the cadres' .lrmx files (bytes), recorded as one export of `obj` (a team) or the list."""
    cadres = list(cadres)
    results = module_results(user, cadres)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadre in cadres:
            archive.writestr(file_name(cadre), lrmx.write(person_of(user, cadre, results.get(cadre.pk, {}))))
    record_event(kind=AuditEvent.Kind.TRANSFER, action=AuditEvent.Action.EXPORT, user=user, obj=obj,
                 model=None if obj is not None else Cadre,
                 detail=_("干部任免审批表 (.lrmx) of %(count)d cadres: %(title)s") % {"count": len(cadres), "title": title})
    return buffer.getvalue()
