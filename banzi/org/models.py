"""The registry: organizations, village designations, cadres, leadership teams and memberships."""
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banzi.core import clock, crypto, masking
from banzi.core.errors import Code
from banzi.core.fields import EncryptedCharField
from banzi.core.models import BaseModel
from banzi.core.pinyin import full_pinyin, pinyin_and_initials, pinyin_initials
from banzi.core.scoping import CATALOG, Scope, ScopedQuerySet
from banzi.core.validators import (
    check_date_order,
    id_number_birth_date,
    validate_digits,
    validate_id_number,
    validate_not_future,
    validate_phone,
)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _overlaps(start, end, other_start, other_end):
    """Whether [start, end) and [other_start, other_end) overlap; an open end runs forever."""
    return start < (other_end or datetime.date.max) and other_start < (end or datetime.date.max)


def id_number_fingerprint(value):
    """The blind index of an ID number (None for none): HMAC-SM3 of the number in capitals."""
    value = (value or "").strip().upper()
    return crypto.blind_index(value, "cadre.id_number") or None


def phone_fingerprint(value):
    """The blind index of a phone number ('' for none), spaces ignored."""
    return crypto.blind_index("".join((value or "").split()), "cadre.phone")


def refresh_fingerprints(model, *, batch_size=500):
    """Recompute the ID number and phone fingerprints of every row of `model` (Cadre or its history)
    from the clear values, e.g. after BANZI_INDEX_KEY changed. Returns the number of rows changed."""
    manager = model._base_manager
    changed = []
    for pk, number, phone, old_number, old_phone in manager.order_by("pk").values_list(
            "pk", "id_number", "phone", "id_number_index", "phone_index").iterator(chunk_size=batch_size):
        new_number, new_phone = id_number_fingerprint(number), phone_fingerprint(phone)
        if (new_number, new_phone) != (old_number, old_phone):
            changed.append(model(pk=pk, id_number_index=new_number, phone_index=new_phone))
    # Cleared first, so that two cadres swapping fingerprints never meet the unique constraint half-way.
    for start in range(0, len(changed), batch_size):
        batch = changed[start:start + batch_size]
        manager.filter(pk__in=[row.pk for row in batch]).update(id_number_index=None)
    for start in range(0, len(changed), batch_size):
        manager.bulk_update(changed[start:start + batch_size], ["id_number_index", "phone_index"])
    return len(changed)


class Organization(BaseModel):
    """A unit in the county: the county itself, a township, a village or community, a county
    department or an enterprise. Townships and their villages form the tree that scopes access."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("County")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")
        DEPARTMENT = "department", _("County department")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other organization")

    # Which parent each kind may have, and how long its division code is.
    PARENT_KINDS = {
        Kind.COUNTY: set(),
        Kind.TOWNSHIP: {Kind.COUNTY},
        Kind.VILLAGE: {Kind.TOWNSHIP},
        Kind.COMMUNITY: {Kind.TOWNSHIP},
        Kind.DEPARTMENT: {Kind.COUNTY},
        Kind.ENTERPRISE: {Kind.COUNTY, Kind.TOWNSHIP},
        Kind.OTHER: {Kind.COUNTY, Kind.TOWNSHIP},
    }
    CODE_LENGTHS = {Kind.COUNTY: 6, Kind.TOWNSHIP: 9, Kind.VILLAGE: 12, Kind.COMMUNITY: 12}

    name = models.CharField(_("name"), max_length=100)
    # For a long unit picker searched on the server (core/pickers.py): "xcz" finds 新城镇 there as in the page.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=600, blank=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    township = models.ForeignKey(
        "self", verbose_name=_("township"), null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="+",
    )
    division_code = models.CharField(
        _("administrative division code"), max_length=12, blank=True, validators=[validate_digits],
        help_text=_("6 digits for a county, 9 for a township, 12 for a village or community."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = Scope(township="township")

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["division_code"], condition=~Q(division_code=""), name="org_unique_division_code",
                violation_error_code=Code.UNIQUE,  # shown on the field, not as a constraint name
                violation_error_message=_("Another organization already has this division code."),
            ),
        ]

    choice_label_fields = ("name",)  # what a drop-down of these shows (core.filters)

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.validate_parent()
        self.validate_division_code()
        # Keep the owning township current before the scope check on save (see core.services).
        self.township = self.compute_township()

    def validate_parent(self):
        allowed = self.PARENT_KINDS.get(self.kind, set())
        if not allowed:
            if self.parent_id:
                raise ValidationError({"parent": ValidationError(_("A county has no parent organization."), code=Code.NOT_APPLICABLE)})
            return
        if self.parent is None:
            raise ValidationError({"parent": ValidationError(_("Choose the organization this one belongs to."), code=Code.REQUIRED)})
        if self.parent.kind not in allowed:
            raise ValidationError(
                {"parent": ValidationError(_("A %(kind)s must belong to a %(parents)s.") % {
                    "kind": self.get_kind_display(),
                    "parents": " / ".join(str(self.Kind(k).label) for k in sorted(allowed)),
                }, code=Code.WRONG_KIND)}
            )
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": ValidationError(_("An organization cannot belong to itself."), code=Code.PARENT_IS_SELF)})

    def validate_division_code(self):
        length = self.CODE_LENGTHS.get(self.kind)
        if self.division_code and length and len(self.division_code) != length:
            raise ValidationError(
                {"division_code": ValidationError(_("A %(kind)s's division code has %(n)d digits.") % {
                    "kind": self.get_kind_display(), "n": length}, code=Code.DIVISION_CODE_LENGTH)}
            )

    def save(self, *args, **kwargs):
        self.township = self.compute_township()
        self.fill_pinyin()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)
        if self.kind == self.Kind.TOWNSHIP and self.township_id != self.pk:
            self.township = self
            super().save(update_fields=["township"])

    def fill_pinyin(self):
        """What save() derives from the name (a bulk insert calls it itself)."""
        self.name_pinyin, self.name_initials = pinyin_and_initials(self.name)

    def compute_township(self):
        if self.kind == self.Kind.TOWNSHIP:
            return self if self.pk else None
        return self.parent.township if self.parent_id else None

    @property
    def is_township(self):
        return self.kind == self.Kind.TOWNSHIP


class VillageDesignation(BaseModel):
    """A village's designation for a year: weak and lax, dispute-heavy, weak collective economy,
    registered poor, or a model unit to learn from."""

    class Category(models.TextChoices):
        WEAK_LAX = "weak_lax", _("Weak and lax village")
        DISPUTE_HEAVY = "dispute_heavy", _("Dispute-heavy village")
        WEAK_ECONOMY = "weak_economy", _("Weak collective economy village")
        REGISTERED_POOR = "registered_poor", _("Registered poor village")
        MODEL_UNIT = "model_unit", _("Model unit")

    organization = models.ForeignKey(
        Organization, verbose_name=_("village"), on_delete=models.PROTECT, related_name="designations"
    )
    year = models.PositiveIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    reason = models.TextField(_("reason"), blank=True)
    designated_on = models.DateField(_("designated on"), null=True, blank=True, validators=[validate_not_future])
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True, validators=[validate_not_future])

    scope = Scope(township="organization__township")

    class Meta:
        verbose_name = _("village designation")
        verbose_name_plural = _("village designations")
        ordering = ["-year", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "category"], name="designation_unique_per_year"
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.year} {self.get_category_display()}"

    def clean(self):
        super().clean()
        if self.organization_id and self.category != self.Category.MODEL_UNIT and self.organization.kind not in (
            Organization.Kind.VILLAGE, Organization.Kind.COMMUNITY
        ):
            raise ValidationError({"organization": ValidationError(_("Only a village or community can be designated this way."),
                                                                    code=Code.WRONG_KIND)})
        this_year = clock.today().year
        if self.year and not (2000 <= self.year <= this_year + 1):
            raise ValidationError({"year": ValidationError(_("Enter a year between 2000 and next year."), code=Code.YEAR_OUT_OF_RANGE)})
        if self.designated_on and self.lifted_on and self.lifted_on < self.designated_on:
            raise ValidationError({"lifted_on": ValidationError(_("A designation cannot be lifted before it was made."), code=Code.DATE_ORDER)})


class Cadre(BaseModel):
    """A cadre's record (干部信息): identity, Party and work history, current unit and post, flags."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Education(models.TextChoices):
        POSTGRADUATE = "postgraduate", _("Postgraduate")
        UNIVERSITY = "university", _("University")
        COLLEGE = "college", _("Junior college")
        SECONDARY = "secondary", _("Technical secondary school")
        HIGH_SCHOOL = "high_school", _("High school")
        BELOW = "below", _("Junior high school or below")

    class Rank(models.TextChoices):
        SECTION_CHIEF = "section_chief", _("Section chief level")
        DEPUTY_SECTION_CHIEF = "deputy_section_chief", _("Deputy section chief level")
        PRINCIPAL_STAFF = "principal_staff", _("Principal staff member")
        STAFF = "staff", _("Staff member")
        CLERK = "clerk", _("Clerk")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("full name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"), validators=[validate_not_future])
    native_place = models.CharField(_("native place"), max_length=100, blank=True)
    # Sealed at rest (SM4); uniqueness and exact search go through the keyed fingerprint below.
    id_number = EncryptedCharField(
        _("ID number"), max_length=18, null=True, blank=True, validators=[validate_id_number],
    )
    id_number_index = models.CharField(
        _("ID number fingerprint"), max_length=64, null=True, blank=True, unique=True, editable=False,
        error_messages={"unique": _("Another cadre already has this ID number.")},
    )
    party_joined_on = models.DateField(_("joined the Party on"), null=True, blank=True, validators=[validate_not_future])
    work_started_on = models.DateField(_("started work on"), null=True, blank=True, validators=[validate_not_future])
    education_fulltime = models.CharField(_("full-time education"), max_length=20, choices=Education.choices, blank=True)
    education_inservice = models.CharField(
        _("in-service education"), max_length=20, choices=Education.choices, blank=True
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("current unit"), on_delete=models.PROTECT, related_name="cadres"
    )
    post = models.CharField(_("current post"), max_length=100, blank=True)
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    phone_index = models.CharField(_("phone fingerprint"), max_length=64, blank=True, editable=False, db_index=True)
    is_newly_promoted = models.BooleanField(_("newly promoted"), default=False)
    promoted_on = models.DateField(_("promoted on"), null=True, blank=True, validators=[validate_not_future])
    is_reserve = models.BooleanField(_("reserve cadre"), default=False)
    is_key_position = models.BooleanField(_("key position"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope = Scope(township="organization__township", cadre="")

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["name_pinyin", "id"]
        indexes = [models.Index(fields=["organization", "status"])]

    choice_label_fields = ("name",)  # what a drop-down of these shows (core.filters)

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.id_number == "":
            self.id_number = None
        if self.id_number:
            self.id_number = self.id_number.upper()
        self.validate_id_matches()
        self.validate_life_dates()
        self.validate_promotion()

    def validate_unique(self, exclude=None):
        """One cadre per ID number, checked through the fingerprint (the sealed numbers never compare)."""
        super().validate_unique(exclude)
        if exclude and "id_number" in exclude:
            return
        index = self.id_number_fingerprint(self.id_number)
        if index and Cadre._base_manager.filter(id_number_index=index).exclude(pk=self.pk).exists():
            raise ValidationError({"id_number": ValidationError(_("Another cadre already has this ID number."),
                                                                code=Code.UNIQUE)})

    id_number_fingerprint = staticmethod(id_number_fingerprint)
    phone_fingerprint = staticmethod(phone_fingerprint)

    @classmethod
    def refresh_blind_indexes(cls, *, batch_size=500):
        """Recompute the fingerprints of the records and their history (`manage.py rotate_keys --reindex`)."""
        return refresh_fingerprints(cls, batch_size=batch_size) + refresh_fingerprints(cls.history.model,
                                                                                       batch_size=batch_size)

    def validate_id_matches(self):
        if not self.id_number or len(self.id_number) != 18:
            return
        encoded = id_number_birth_date(self.id_number)
        if encoded and self.birth_date and encoded != self.birth_date:
            raise ValidationError(
                {"id_number": ValidationError(_("The ID number says the birth date is %(date)s, but the birth date field says otherwise.")
                 % {"date": encoded.isoformat()}, code=Code.ID_BIRTH_DATE_MISMATCH)}
            )
        if self.id_number[16].isdigit() and self.gender:
            encoded_gender = self.Gender.MALE if int(self.id_number[16]) % 2 else self.Gender.FEMALE
            if encoded_gender != self.gender:
                raise ValidationError({"id_number": ValidationError(_("The ID number does not match the gender."), code=Code.ID_GENDER_MISMATCH)})

    def validate_life_dates(self):
        if not self.birth_date:
            return
        if self.party_joined_on and self.party_joined_on < _add_years(self.birth_date, 18):
            raise ValidationError({"party_joined_on": ValidationError(_("One can join the Party only at 18 or older."), code=Code.PARTY_AGE)})
        if self.work_started_on and self.work_started_on < _add_years(self.birth_date, 16):
            raise ValidationError({"work_started_on": ValidationError(_("The work start date must be at least 16 years after birth."),
                                                                       code=Code.WORK_AGE)})

    def validate_promotion(self):
        if self.is_newly_promoted and not self.promoted_on:
            raise ValidationError({"promoted_on": ValidationError(_("Enter the date of promotion for a newly promoted cadre."),
                                                                   code=Code.REQUIRED)})

    def save(self, *args, **kwargs):
        if self.id_number == "":
            self.id_number = None
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
        self.id_number_index = self.id_number_fingerprint(self.id_number)
        self.phone_index = self.phone_fingerprint(self.phone)
        self.name_pinyin = full_pinyin(self.name)
        self.name_initials = pinyin_initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # The fingerprints follow their values even in a partial save.
            update_fields = set(update_fields)
            update_fields |= {f"{name}_index" for name in ("id_number", "phone") if name in update_fields}
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    @property
    def age(self):
        if not self.birth_date:
            return None
        today = clock.today()
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def masked_id_number(self):
        """The ID number with the middle hidden, for lists and people not entitled to the whole."""
        return masking.mask_id_number(self.id_number)


class Position(BaseModel):
    """A position in a township leadership team (党委书记, 乡镇长, …), an editable catalog."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    is_head = models.BooleanField(
        _("team head position"), default=False, help_text=_("The Party secretary who heads the team.")
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = CATALOG

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["sort_order", "name"]

    choice_label_fields = ("name",)  # what a drop-down of these shows (core.filters)

    def __str__(self):
        return self.name


class TeamQuerySet(ScopedQuerySet):
    def current(self, on=None):
        on = on or clock.today()
        return self.filter(elected_on__lte=on, term_ends_on__gt=on)


class Team(BaseModel):
    """A township's leadership team for one term, from its election (换届)."""

    township = models.ForeignKey(
        Organization, verbose_name=_("township"), on_delete=models.PROTECT, related_name="teams",
        limit_choices_to={"kind": Organization.Kind.TOWNSHIP},
    )
    elected_on = models.DateField(_("election date"), validators=[validate_not_future])
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=5)
    term_ends_on = models.DateField(_("term ends on"), editable=False, null=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = TeamQuerySet.as_manager()
    scope = Scope(township="township")

    class Meta:
        verbose_name = _("leadership team")
        verbose_name_plural = _("leadership teams")
        ordering = ["township__sort_order", "township__name", "-elected_on"]
        constraints = [
            models.UniqueConstraint(fields=["township", "elected_on"], name="team_unique_election"),
        ]

    def __str__(self):
        return _("%(township)s leadership team (elected %(year)s)") % {
            "township": self.township, "year": self.elected_on.year if self.elected_on else ""}

    def clean(self):
        super().clean()
        if self.township_id and self.township.kind != Organization.Kind.TOWNSHIP:
            raise ValidationError({"township": ValidationError(_("A leadership team belongs to a township."), code=Code.WRONG_KIND)})
        if self.term_years is not None and not 1 <= self.term_years <= 10:
            raise ValidationError({"term_years": ValidationError(_("A term lasts between 1 and 10 years."), code=Code.OUT_OF_RANGE)})

    def save(self, *args, **kwargs):
        self.term_ends_on = _add_years(self.elected_on, self.term_years)
        super().save(*args, **kwargs)

    @property
    def is_current(self):
        today = clock.today()
        return bool(self.elected_on and self.term_ends_on and self.elected_on <= today < self.term_ends_on)


class TeamMembershipQuerySet(ScopedQuerySet):
    def current(self, on=None):
        on = on or clock.today()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)

    def serving(self, on=None):
        """Memberships current on the day in a team whose term holds the day: who sits on a team then."""
        on = on or clock.today()
        return self.current(on).filter(team__elected_on__lte=on, team__term_ends_on__gt=on)

    def serving_in_year(self, year):
        """Memberships that sit on a team, within its term, at some time in the year."""
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first), started_on__lte=last,
                           team__elected_on__lte=last, team__term_ends_on__gt=first)


class TeamMembership(BaseModel):
    """A cadre holding a position in a leadership team from a start date to an end date."""

    team = models.ForeignKey(Team, verbose_name=_("leadership team"), on_delete=models.PROTECT, related_name="memberships")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="memberships")
    position = models.ForeignKey(Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="memberships")
    is_head = models.BooleanField(_("team head"), default=False)
    started_on = models.DateField(_("start date"), validators=[validate_not_future])
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    appointment_document = models.CharField(_("appointment document number"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    objects = TeamMembershipQuerySet.as_manager()
    scope = Scope(township="team__township", cadre="cadre")

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "sort_order", "position__sort_order", "started_on"]
        indexes = [models.Index(fields=["team", "ended_on"])]

    def __str__(self):
        return f"{self.cadre} · {self.position}"

    def clean(self):
        super().clean()
        check_date_order(self.started_on, self.ended_on, end_field="ended_on")
        if not (self.team_id and self.cadre_id and self.position_id and self.started_on):
            return
        self.validate_cadre_active()
        self.validate_single_head()
        self.validate_no_overlap()

    def validate_cadre_active(self):
        if self._state.adding and self.cadre.status == Cadre.Status.ARCHIVED:
            raise ValidationError({"cadre": ValidationError(_("An archived cadre cannot be given a new position."), code=Code.CADRE_ARCHIVED)})

    def _overlapping(self, queryset):
        return [
            m for m in queryset.exclude(pk=self.pk)
            if _overlaps(self.started_on, self.ended_on, m.started_on, m.ended_on)
        ]

    def validate_single_head(self):
        if not self.is_head:
            return
        heads = self._overlapping(TeamMembership.objects.filter(team_id=self.team_id, is_head=True).select_related("cadre"))
        if heads:
            raise ValidationError({"is_head": ValidationError(_("%(name)s is already the team head for part of this period; a team has one head at a time.")
                                   % {"name": heads[0].cadre}, code=Code.HEAD_OVERLAPS)})

    def validate_no_overlap(self):
        same = self._overlapping(TeamMembership.objects.filter(cadre_id=self.cadre_id, position_id=self.position_id))
        if same:
            raise ValidationError({"started_on": ValidationError(_("This cadre already holds this position for part of this period."),
                                                                  code=Code.POSITION_OVERLAPS)})

    @property
    def is_current(self):
        today = clock.today()
        return self.started_on <= today and (self.ended_on is None or self.ended_on > today)

