"""The base every business record stands on, and the global audit trail."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import clock
from .errors import Code
from .scoping import CATALOG, CONFIGURATION, ScopedQuerySet


class BaseModel(models.Model):
    """A business record: timestamps, a scoped manager and a full change history.

    Subclasses set `scope` (see `core.scoping.Scope`). Every create, update and delete is kept by
    django-simple-history with user, time and values, and indexed in `AuditEvent`.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A record's history is read by the record, the date and the user, never by a fingerprint or a
    # name's pinyin: those are not indexed there (each index is written with every row, thousands at
    # an import).
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"],
                                no_db_index=["id_number_index", "phone_index", "name_pinyin", "name_initials"])
    objects = ScopedQuerySet.as_manager()

    scope = CATALOG

    class Meta:
        abstract = True

    @classmethod
    def url_name(cls, action):
        return f"{cls._meta.app_label}:{cls._meta.model_name}_{action}"

    def get_absolute_url(self):
        return reverse(self.url_name("detail"), args=[self.pk])

    @classmethod
    def url_maker(cls, action="detail"):
        """A function of a key giving its record's URL for `action`, as `get_url` would, with the URL
        reversed once: for the links of a list's rows."""
        marker = "2147483647"
        head, _marker, tail = reverse(cls.url_name(action), args=[marker]).partition(marker)
        return lambda pk: f"{head}{pk}{tail}"

    def get_url(self, action):
        try:
            return reverse(self.url_name(action), args=[self.pk])
        except NoReverseMatch:
            return None


class AuditEventQuerySet(models.QuerySet):
    """The audit trail is append-only: no bulk update, delete or unchained bulk insert through the ORM
    (the database refuses UPDATE and DELETE too, see `core.audit_chain`)."""

    def update(self, **kwargs):
        raise RuntimeError("Audit events cannot be changed.")

    def delete(self):
        raise RuntimeError("Audit events cannot be deleted; `manage.py archive_audit` archives old ones.")

    def bulk_create(self, objs, *args, **kwargs):
        raise RuntimeError("Audit events are written one by one, each chained to the previous one.")

    def bulk_update(self, objs, *args, **kwargs):
        raise RuntimeError("Audit events cannot be changed.")


class AuditEvent(models.Model):
    """One line of the audit trail: a data change, an export or import, a read, a refusal or a
    security event, with who (name kept even once the user is deleted), from where, on what, and
    with what outcome.

    Written only through `core.audit`; no view or API can change or delete it, and the database
    refuses UPDATE and DELETE. Each row carries `mac`, HMAC-SM3 over its fields and the previous
    row's mac (`core.audit_chain`), so that an edit or a removal made around the application is
    found by `manage.py verify_audit`.
    """

    class Kind(models.TextChoices):
        DATA = "data", _("Data change")
        SECURITY = "security", _("Security event")
        TRANSFER = "transfer", _("Import or export")

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOGOUT = "logout", _("Logged out")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        READ = "read", _("Read confidential content")
        DENIED = "denied", _("Access denied")
        LOCKOUT = "lockout", _("Account locked")
        LIST = "list", _("Listed personal data")
        ARCHIVE = "archive", _("Audit trail archived")
        # The second factor (banzi/accounts/otp.py).
        OTP_ENROLLED = "otp_enrolled", _("Second factor enrolled")
        OTP_VERIFIED = "otp_verified", _("Second factor verified")
        OTP_FAILED = "otp_failed", _("Second factor failed")
        OTP_RECOVERY = "otp_recovery", _("Recovery code used")
        OTP_CODES = "otp_codes", _("Recovery codes renewed")
        OTP_RESET = "otp_reset", _("Second factor reset")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        FAILURE = "failure", _("Failure")
        DENIED = "denied", _("Denied")

    time = models.DateTimeField(_("time"), default=clock.now, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS,
                               db_index=True)
    # The user's id is let go when the user is deleted (the one change the database allows);
    # their username and name stay on the row, under the chain's mac.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    user_display = models.CharField(_("user's name"), max_length=150, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("record"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    mac = models.CharField(_("chain MAC"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-time", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk or not self._state.adding:
            raise RuntimeError("Audit events cannot be changed.")
        from .audit_chain import append

        append(self, lambda: super(AuditEvent, self).save(*args, **kwargs))

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events cannot be deleted.")


class AuditArchive(models.Model):
    """A part of the audit trail exported by `manage.py archive_audit` before it was removed: the
    events up to `last_id`, all older than `before`, whose chain ends with `last_mac`. The remaining
    trail's chain starts from the latest archive's `last_mac`; the database lets an audit event be
    deleted only when an archive covers it. Append-only like the trail, and sealed by its own `mac`."""

    time = models.DateTimeField(_("time"), default=clock.now, editable=False)
    before = models.DateTimeField(_("events before"))
    first_id = models.BigIntegerField(_("first event"))
    last_id = models.BigIntegerField(_("last event"), db_index=True)
    count = models.PositiveIntegerField(_("events"))
    last_mac = models.CharField(_("last event's MAC"), max_length=64)
    file_name = models.CharField(_("archive file"), max_length=500)
    file_digest = models.CharField(_("archive file's SM3 MAC"), max_length=64)
    mac = models.CharField(_("MAC"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        ordering = ["-last_id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.first_id}–#{self.last_id} ({self.count}) → {self.file_name}"


class CalendarYear(BaseModel):
    """Whether a year's official holiday schedule is on record (seeded or entered by the county).

    A county-wide catalog of configuration: everyone in the business and the system administrator read
    it; the county administrator and the system administrator change it.
    """

    year = models.PositiveIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_published = models.BooleanField(
        _("official schedule entered"), default=True,
        help_text=_("Tick once every public holiday and adjusted working day of the year is entered."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)

    scope = CONFIGURATION

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(BaseModel):
    """An exception to the Monday–Friday week: a public holiday or an adjusted working day.

    A county-wide catalog kept by the county or the system administrator. An adjusted working day falls on a
    Saturday or Sunday; a rest day on a weekend is allowed as part of a holiday. Both carry a name.
    """

    class Kind(models.TextChoices):
        REST = "rest", _("Public holiday (no work)")
        WORK = "work", _("Adjusted working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    scope = CONFIGURATION

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()

    def clean(self):
        super().clean()
        errors = {}
        if not (self.name or "").strip():
            errors["name"] = ValidationError(_("Enter the holiday's name, e.g. National Day."), code=Code.REQUIRED)
        if self.date and not 2000 <= self.date.year <= 2100:
            errors["date"] = ValidationError(_("The date must fall between the years 2000 and 2100."), code=Code.YEAR_OUT_OF_RANGE)
        elif self.date and self.kind == self.Kind.WORK and self.date.weekday() < 5:
            errors["date"] = ValidationError(_("An adjusted working day must be a Saturday or Sunday; weekdays are working days anyway."),
                                             code=Code.ADJUSTED_WORKDAY_NOT_WEEKEND)
        if errors:
            raise ValidationError(errors)


class Rule(models.Model):
    """A configurable rule (frequencies, quorums, time limits, quotas): the county's values,
    overriding the defaults an app registers in `core.rules`."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.JSONField(_("value"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["key"]

    def __str__(self):
        return self.key


class ImportJob(models.Model):
    """An uploaded import file kept between its preview and its confirmation.

    The file lives in the database, not on one server's disk or in its memory, so the preview and
    the confirmation may be served by different app servers. A job belongs to the user who uploaded
    it and is used once; after the import only its summary is kept.

    `rows` keeps the worksheet as the preview read it (headings, rows, row numbers), sealed like the
    upload, so that the confirmation does not read the workbook again; `content` stays the upload
    itself. Both are emptied by the import. A job kept without `rows` is confirmed from `content`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    model_label = models.CharField(_("record type"), max_length=100)
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), blank=True)
    rows = models.BinaryField(_("checked rows"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    summary = models.JSONField(_("result summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class Notification(models.Model):
    """An in-app notification (the bell). `key` makes sending idempotent: the same reminder to the
    same user is stored once, however often the reminder job runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=10, default="info")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # For information only (someone else's request decided, a colleague's leave): it does not ring the
    # bell; the day's ones reach the user gathered in one digest notification (`send_digest`), which
    # sets `digested_on` to the digest's date.
    digest = models.BooleanField(_("for information"), default=False)
    digested_on = models.DateField(_("digested on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"]),
                   models.Index(fields=["digest", "digested_on"], name="notification_to_digest")]

    def __str__(self):
        return self.title


class PickerSource(models.Model):
    """The choices of a long picker, kept on the server for the user whose page drew it.

    A picker with more options than `BANZI_PICKER_REMOTE_OVER` (a province's people, units, tasks) draws
    only what is chosen into the page and asks `core:picker_options` for the rest, searched, narrowed
    by unit and a page at a time. The query is kept here, in the database, as Django pickles a
    queryset's query: the options offered are exactly those the form accepts, whichever app server
    answers. Only the user who drew the page may read it; rows older than a session are removed."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    model_label = models.CharField(_("record type"), max_length=100)
    to_field = models.CharField(_("value field"), max_length=100, blank=True)
    query = models.BinaryField(_("query"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("picker's choices")
        verbose_name_plural = _("pickers' choices")
        default_permissions = ()

    def __str__(self):
        return self.key
