"""The codes of Banzi's rule errors: one stable code per rule, the same in every app.

A service, a model's `clean()` or a validator that refuses something raises
`ValidationError(message, code=Code.X)` (on a field: `ValidationError({"field": ValidationError(message,
code=Code.X)})`). The message is for people and is translated; the code is for programs and tests: the
API returns it beside the message (see `core.api_settings`), and tests assert it rather than the wording.
A code, once released, keeps its name and its meaning; a new rule gets a new code here.
"""
from enum import StrEnum

from django.core.exceptions import ValidationError


class Code(StrEnum):
    """A rule error's code (a snake_case string), each with a one-line meaning."""

    def __new__(cls, value, meaning):
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # --- shapes of rule that recur across apps (Django's own codes where one fits) ---------------
    REQUIRED = "required", "A value that this record needs in its situation is missing."
    INVALID_CHOICE = "invalid_choice", "The value is not one of the listed choices."
    INVALID = "invalid", "A value is not written in the form the field reads (a line of a list, a number)."
    UNIQUE = "unique", "Another record already has this value or combination of values."
    PROTECTED = "protected", "The record is still referred to by other records and cannot be deleted."
    FUTURE_DATE = "future_date", "The date of something that has already happened is after today."
    PAST_DATE = "past_date", "A date that must lie ahead (a date to resign by, a night to swap) has already passed."
    DATE_ORDER = "date_order", "An end (date or time) comes before its start."
    OUTSIDE_PERIOD = "outside_period", "A date falls outside the period of the record it belongs to."
    YEAR_OUT_OF_RANGE = "year_out_of_range", "The year lies outside the years the record may have."
    OUT_OF_RANGE = "out_of_range", "A number lies outside the range the rule allows."
    TOO_LONG = "too_long", "A period is longer than its rule allows (a leave request of more than a year)."
    WRONG_TYPE = "wrong_type", "A value is not of the type its setting takes (a number, true or false, a text)."
    OUTSIDE_SCOPE = "outside_scope", "A referenced record lies outside the organizations the user may see or manage."
    OTHER_TOWNSHIP = "other_township", "A referenced cadre or organization belongs to another township."
    OUTSIDE_UNIT = "outside_unit", "A person chosen beside a unit is not one of that unit's people (nor of its township)."
    WRONG_KIND = "wrong_kind", "A referenced organization or record is not of the kind this record needs."
    NOT_APPLICABLE = "not_applicable", "A value was given that this record does not take in its situation."
    STATUS_MISMATCH = "status_mismatch", "The status contradicts the record's other values."
    WRONG_STATE = "wrong_state", "The record's state does not allow this workflow step now."
    STEP_NOT_READY = "step_not_ready", "A workflow step's condition on the record is not met (e.g. already done)."
    SAME_PERSON = "same_person", "One cadre is named on both sides where two different people are needed."
    OTHER_CADRE = "other_cadre", "A referenced record belongs to another cadre than this record's."
    SELF_REFERENCE = "self_reference", "A record is made to refer to itself (a request amending itself)."
    FROZEN = "frozen", "A record or value can no longer change: later records (decisions, shifts, a violation) rest on it."
    OWN_RECORDS_ONLY = "own_records_only", "A cadre may write only their own records of this kind."
    INACTIVE = "inactive", "The chosen catalogue entry is no longer in use."
    NOT_PERMITTED = "not_permitted", "The user may not change this record (a row of an import)."

    # --- formats --------------------------------------------------------------------------------
    ID_FORMAT = "id_format", "A resident ID number is not 17 digits followed by a digit or X."
    ID_BIRTH_DATE = "id_birth_date", "The birth date inside a resident ID number is not a real date."
    ID_CHECKSUM = "id_checksum", "A resident ID number's check digit is wrong."
    PHONE = "phone", "Not a mainland mobile number or a landline with area code."
    DIGITS = "digits", "A code that holds only digits has other characters."
    FILE_TYPE = "file_type", "An upload's content is not of a kind the field accepts."
    FILE_SIZE = "file_size", "An upload is larger than the limit."
    FILE_NAME = "file_name", "An upload's file name extension does not match its content."
    FILE_UNPACKED_SIZE = "file_unpacked_size", ("An uploaded Office file (a zip) unpacks to more than the limit, or "
                                                "at an absurd compression ratio: a zip bomb.")

    # --- Excel imports --------------------------------------------------------------------------
    FILE_EMPTY = "file_empty", "An uploaded file, its workbook or its first worksheet is empty."
    FILE_UNREADABLE = "file_unreadable", "An uploaded workbook cannot be read; it may be damaged."
    TOO_MANY_ROWS = "too_many_rows", "An import file has more rows than one import takes."
    REPEATED_COLUMNS = "repeated_columns", "A column heading appears more than once in an import file."
    MISSING_COLUMNS = "missing_columns", "An import file lacks columns that the import needs."
    NO_ROWS = "no_rows", "An import file has column headings but no rows."
    EXAMPLE_ROW = "example_row", "A row of an import file is the template's example row."
    IMPORT_EXPIRED = "import_expired", "An upload has already been imported or has expired; it is uploaded again."

    # --- the cadre's form as a .lrmx file (banzi/cadres/lrmx.py) ---------------------------------
    LRMX_ENCODING = "lrmx_encoding", "A .lrmx file is neither UTF-8 nor GBK/GB18030 text."
    LRMX_MALFORMED = "lrmx_malformed", "A .lrmx file is not well-formed XML."
    LRMX_ENTITIES = "lrmx_entities", "A .lrmx file declares a DTD or entities (entity expansion); it is refused unread."
    LRMX_ROOT = "lrmx_root", "A .lrmx file's root element is not <Person>."
    LRMX_DATE = "lrmx_date", "A date of a .lrmx file (yyyyMM or yyyyMMdd, a résumé line's months) is no real or possible date."
    ZIP_MEMBERS = "zip_members", "A .zip of forms has too many members, a path outside itself, or a member that is not a .lrmx file."
    LRMX_NO_FILES = "lrmx_no_files", "An import of .lrmx forms holds no file."

    # --- accounts and sign-in -------------------------------------------------------------------
    PASSWORD_TOO_SIMPLE = "password_too_simple", "A password mixes fewer than three character classes."
    LOCKED = "locked", "The account is locked after too many failed sign-ins."
    AUTHORIZATION = "authorization", "The username or password is wrong, or the account is disabled."
    TOO_MANY_ATTEMPTS = "too_many_attempts", "Too many failed sign-ins came from this client address; it waits a while."
    PASSWORD_REUSED = "password_reused", "A new password is one of the user's last few passwords."
    PASSWORD_CHANGE_REQUIRED = "password_change_required", "The user must change their password (first sign-in, set by an administrator, or expired) before anything else."
    SECOND_FACTOR_REQUIRED = "second_factor_required", "A one-time code of the second factor is needed (the `otp` field; a session verified with it)."
    SECOND_FACTOR_NOT_ENROLLED = "second_factor_not_enrolled", "The role needs a second factor and none is enrolled: sign in on the web to enrol."
    SECOND_FACTOR_INVALID = "second_factor_invalid", "The one-time or recovery code is wrong, expired or already used."
    SECOND_FACTOR_THROTTLED = "second_factor_throttled", "Too many wrong codes: the second factor is locked for a while."
    ADMINISTRATOR_SECOND_FACTOR = "administrator_second_factor", "An administrator's second factor is reset only on the server (manage.py reset_second_factor)."

    # --- the calendar and the rules -------------------------------------------------------------
    ADJUSTED_WORKDAY_NOT_WEEKEND = "adjusted_workday_not_weekend", "An adjusted working day is not a Saturday or Sunday."
    UNKNOWN_RULE = "unknown_rule", "No rule is registered under this key."
    UNKNOWN_SETTING = "unknown_setting", "A rule was given a setting it does not have."

    # --- registry (org) -------------------------------------------------------------------------
    PARENT_IS_SELF = "parent_is_self", "An organization is made its own parent."
    DIVISION_CODE_LENGTH = "division_code_length", "A division code does not have the length its kind of organization needs."
    ID_BIRTH_DATE_MISMATCH = "id_birth_date_mismatch", "The ID number's birth date differs from the birth date."
    ID_GENDER_MISMATCH = "id_gender_mismatch", "The ID number's gender digit differs from the gender."
    PARTY_AGE = "party_age", "The Party joining date is before the cadre turned 18."
    WORK_AGE = "work_age", "The work start date is before the cadre turned 16."
    CADRE_ARCHIVED = "cadre_archived", "An archived cadre is given a new position, enrollment or similar record."
    ARCHIVE_BEFORE_MEMBERSHIP = "archive_before_membership", "The archive date is not after the start of an open team membership."
    HEAD_OVERLAPS = "head_overlaps", "A team would have two heads at the same time."
    POSITION_OVERLAPS = "position_overlaps", "A cadre would hold the same position twice at the same time."
    NOT_TEAM_MEMBER = "not_team_member", "The cadre is not a leadership team member on the date the rule needs."

    # --- study ----------------------------------------------------------------------------------
    MINUTES = "minutes", "A duration is not between 1 minute and 24 hours."
    DAY_TOTAL = "day_total", "A cadre's study of one day would add up to more than 24 hours."

    # --- training -------------------------------------------------------------------------------
    NOT_ENROLLED = "not_enrolled", "The cadre is not enrolled in the training program."

    # --- practice -------------------------------------------------------------------------------
    NOT_DESIGNATED_VILLAGE = "not_designated_village", "A first secretary is posted to a village with no designation in force."
    POSTING_OVERLAPS = "posting_overlaps", "A cadre would hold two first-secretary postings at the same time."
    MENTOR_OVERLAPS = "mentor_overlaps", "A mentee would have two mentors at the same time."
    NOT_MODEL_UNIT = "not_model_unit", "A study visit goes to an organization not designated a model unit."

    # --- governance: meetings and democratic centralism ------------------------------------------
    NO_TEAM_MEMBERS = "no_team_members", "The township has no leadership team members on the meeting's date."
    NOT_DUE = "not_due", "The cadre is not among the meeting's members due to attend."
    PRESENT_AND_ABSENT = "present_and_absent", "A member due is marked both present and absent."
    ATTENDANCE_INCOMPLETE = "attendance_incomplete", "A meeting's members due or their attendance are not all recorded."
    CHAIR_ABSENT = "chair_absent", "The chair of a meeting is marked absent."
    LEADER_IS_DUE = "leader_is_due", "A cadre named as an attending leader from the level above is a member due."
    OPINION_STATED = "opinion_stated", "A member who stated an opinion at the meeting is marked absent or no longer due."
    NOT_PRESENT = "not_present", "The cadre was absent from the meeting, so has no opinion or criticism to record."
    MAJOR_OUTSIDE_COMMITTEE = "major_outside_committee", "A major matter (三重一大) is put to a meeting other than a Party committee meeting."
    NO_QUORUM = "no_quorum", "Fewer members due were present than the quorum rule needs for a decision."
    APPOINTMENT_PRESENCE = "appointment_presence", "An appointment or removal has fewer members due present than its rule needs (two thirds by default)."
    OPINION_MISSING = "opinion_missing", "A present member's opinion on a major matter is missing."
    CHAIR_NOT_LAST = "chair_not_last", "The chair of the meeting does not state their opinion last."
    NOT_PASSED = "not_passed", "An item is recorded as passed with fewer votes for than the passing rule needs."

    # --- tasks: work lists, milestones, problems, inspections -------------------------------------
    MILESTONE_AFTER_DEADLINE = "milestone_after_deadline", "A milestone falls after its task's deadline."
    SHARE_ORDER = "share_order", "A milestone's cumulative share of the work is smaller than an earlier milestone's."
    ORGANIZATION_MISMATCH = "organization_mismatch", "A finding's organization is not the organization its cross-inspection inspected."
    INSPECT_OWN_TOWNSHIP = "inspect_own_township", "An organization or a cadre would inspect itself or its own township."

    # --- conduct: declarations, leave, outings, overnight duty -----------------------------------
    DECLARATION_CONFLICT = "declaration_conflict", "A declaration of no concurrent post and a declared post of the same year contradict each other."
    INSUFFICIENT_BALANCE = "insufficient_balance", "Annual leave takes more working days than are left in the year's balance."
    SPANS_YEARS = "spans_years", "Annual leave spans New Year; it is counted per year and asked for in two requests."
    NO_WORKING_DAYS = "no_working_days", "Annual leave falls on holidays and weekends only."
    LEAVE_OVERLAPS = "leave_overlaps", "A leave request overlaps another active leave request of the same cadre."
    OUTING_OVERLAPS = "outing_overlaps", "An outing report overlaps another outing of the same cadre."
    NOT_ON_DUTY = "not_on_duty", "The cadre is not on overnight duty that night."
    ALREADY_ON_DUTY = "already_on_duty", "The replacement named for a swap is already on duty that night."
    NO_SHIFT = "no_shift", "The township's duty roster has no shift on that night."
    ROSTER_NOT_PUBLISHED = "roster_not_published", "The duty roster of that month is not published yet."
    JOB_FAILED = "job_failed", "A background job stopped before it finished its work; nothing of it was saved."

    # --- assessment: grades, quotas and the democratic evaluation --------------------------------
    NOT_ASSESSED = "not_assessed", "A grade or vote is for someone outside the assessment's (or the unit's) assessed set."
    OVER_QUOTA = "over_quota", "More assessees of a unit would get the top grade than its quota (rounded down) allows."
    DISQUALIFIED = "disqualified", "A cadre with a disqualifier of excellent (violation, admonishment, overdue problem, training, commitment) is graded excellent."
    BALLOT_CAP = "ballot_cap", "A grade is above the cap set by the democratic evaluation (the lowest two grades reach one third of the votes)."
    RESULT_CONFIRMED = "result_confirmed", "A confirmed assessment result would change without reopening it with a reason."
    WEIGHTS_NOT_100 = "weights_not_100", "The weights of a unit's evaluation groups, or of the indicator groups of the score sheet, do not add up to 100."
    CODE_UNKNOWN = "code_unknown", "A ballot code was never issued."
    CODE_USED = "code_used", "A ballot code has already been used: one code, one ballot."
    NOT_TEAM_HEAD = "not_team_head", "A cadre assessed as a team head did not head a team of the unit in the period."
    AWARD_KIND_MISMATCH = "award_kind_mismatch", "An award's kind does not match the assessee's category (好班子 a team, 好班长 a team head, 好成员 a team member, 好骨干 a general cadre)."
    AWARD_NOT_EARNED = "award_not_earned", "An award is nominated from a result that is not an annual assessment's confirmed excellent (individuals) or good (teams)."
    ASSESS_OWN_TOWNSHIP = "assess_own_township", "A member of a county assessment group works in a township the group assesses (回避)."
    UNIT_COVERED = "unit_covered", "A township is already covered by another assessment group of the same assessment."
    # --- cadre files ----------------------------------------------------------------------------
    RESUME_OVERLAPS = "resume_overlaps", "A résumé entry overlaps another entry of the same cadre and neither is marked concurrent."
    RESULT_IN_ASSESSMENT = "result_in_assessment", "An earlier assessment result is entered for a year the assessment module already holds a published annual result of the cadre for."

    # --- reports: the year-end report drafted from the records ------------------------------------
    UNKNOWN_FIGURE = "unknown_figure", "A report template names a figure ({app.figure}) that no app registers."
    NO_RECORDS = "no_records", "The report's scope and period hold no records for any of its figures."
    BAD_PERIOD = "bad_period", "A report's period is not a year, a half-year (2026-H1) or \"election\" (since the last election)."
    # --- reserves: the reserve-cadre pool --------------------------------------------------------
    RESERVE_OPEN_ENTRY = "reserve_open_entry", "The cadre already has a reserve entry that is nominated, vetted or in the pool."
    RESERVE_DISQUALIFIED = "reserve_disqualified", "A nominated reserve cadre with a disqualifier (violation, low annual result, age, already in the pool) is vetted in."
    POOL_FULL = "pool_full", "A township's reserve pool already holds the most cadres its rule allows."


def single_errors(exc):
    """The one-message errors inside a Django ValidationError, of every field alike, each with its
    code (to gather several records' refusals into one error without losing the codes)."""
    if hasattr(exc, "error_dict"):
        return [error for errors in exc.error_dict.values() for error in errors]
    return list(exc.error_list)


def kept_errors(exc):
    """A ValidationError's messages with their codes, as plain data a background job can keep."""
    return [{"message": str(message), "code": str(error.code or "")}
            for error in single_errors(exc) for message in error.messages]


def restored_errors(kept, message):
    """The ValidationError kept by `kept_errors`, each message with the code it was raised with; when
    nothing was kept, `message` (why the job stopped) with `Code.JOB_FAILED`."""
    if not kept:
        return ValidationError(message, code=Code.JOB_FAILED)
    errors = []
    for item in kept:
        error = ValidationError(item["message"], code=Code.JOB_FAILED)
        error.code = Code._value2member_map_.get(item["code"], item["code"] or None)
        errors.append(error)
    return ValidationError(errors)
