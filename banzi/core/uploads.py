"""Uploaded files: a validator that decides a file's real type from its first bytes and checks its
size and name against it, a guard against zip bombs for every zipped upload (.docx, .xlsx, .pptx),
and a download view that serves a record's file only to users who may see the record."""
import math
import os
import zipfile

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .errors import Code

KINDS = ("image", "pdf", "office")
_HEAD = 16

# Each real type: its kind, the extensions a name may carry for it, and how messages call it.
TYPES = {
    "jpeg": ("image", ("jpg", "jpeg"), gettext_lazy("a JPEG image")),
    "png": ("image", ("png",), gettext_lazy("a PNG image")),
    "gif": ("image", ("gif",), gettext_lazy("a GIF image")),
    "webp": ("image", ("webp",), gettext_lazy("a WebP image")),
    "pdf": ("pdf", ("pdf",), gettext_lazy("a PDF")),
    "docx": ("office", ("docx",), gettext_lazy("a Word document")),
    "xlsx": ("office", ("xlsx",), gettext_lazy("an Excel workbook")),
    "pptx": ("office", ("pptx",), gettext_lazy("a PowerPoint presentation")),
    "doc": ("office", ("doc",), gettext_lazy("a Word document")),
    "xls": ("office", ("xls",), gettext_lazy("an Excel workbook")),
    "ppt": ("office", ("ppt",), gettext_lazy("a PowerPoint presentation")),
}

_NOT_ACCEPTED = {
    frozenset(KINDS): gettext_lazy("This file is not a PDF, image or Office document."),
    frozenset({"image"}): gettext_lazy("This file is not an image (JPEG, PNG, GIF or WebP)."),
    frozenset({"pdf"}): gettext_lazy("This file is not a PDF."),
    frozenset({"office"}): gettext_lazy("This file is not an Office document (Word, Excel or PowerPoint)."),
    frozenset({"image", "pdf"}): gettext_lazy("This file is not a PDF or image."),
    frozenset({"pdf", "office"}): gettext_lazy("This file is not a PDF or Office document."),
    frozenset({"image", "office"}): gettext_lazy("This file is not an image or Office document."),
}

# The main part of an OOXML package, and the stream of a legacy OLE2 compound file, by real type.
_OOXML_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))
_OLE2_STREAMS = (("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"), ("PowerPoint Document", "ppt"))
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def format_size(n, *, up=False):
    """A byte count as users read it ("20 MB", "512 KB"); `up` rounds up so that a file just over a
    limit never reads as equal to it."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            value = (math.ceil if up else round)(n * 10 / factor) / 10
            return f"{value:g} {unit}"
    return f"{n} B"


def check_unpacked(archive, packed_size):
    """Refuse a zip (an .xlsx, .docx, .pptx) that would unpack to more than
    BANZI_IMPORT_MAX_UNPACKED_BYTES, or to more than BANZI_IMPORT_MAX_UNPACKED_RATIO times its own size,
    before anything decompresses it.

    The sizes are those the archive declares (ZipInfo.file_size); Python's zipfile, which openpyxl and
    python-docx read through, never inflates a member beyond its declared size (it stops there and fails
    the CRC check), so the declared sum bounds what reading the file can cost. Real Office files unpack
    to 3–20 times their size; deflate's ceiling is about 1,000.
    """
    unpacked = sum(info.file_size for info in archive.infolist())
    limit = settings.BANZI_IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise ValidationError(
            _("The file unpacks to %(size)s; the limit is %(limit)s. It may be a zip bomb; it is not read.")
            % {"size": format_size(unpacked, up=True), "limit": format_size(limit)},
            code=Code.FILE_UNPACKED_SIZE,
        )
    ratio = settings.BANZI_IMPORT_MAX_UNPACKED_RATIO
    if unpacked > max(packed_size, 1) * ratio:
        raise ValidationError(
            _("The file unpacks to %(times)d times its size, far more than any real document; it may be a zip "
              "bomb and is not read.") % {"times": unpacked // max(packed_size, 1)},
            code=Code.FILE_UNPACKED_SIZE,
        )


def sniff(f):
    """The real type of an open, seekable file ("pdf", "docx", ...) from its content, or None."""
    head = f.read(_HEAD)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(f)
    if head.startswith(_OLE2_MAGIC):
        return _sniff_ole2(f)
    return None


def _sniff_ooxml(f):
    f.seek(0, os.SEEK_END)
    packed_size = f.tell()
    f.seek(0)
    try:
        archive = zipfile.ZipFile(f)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    check_unpacked(archive, packed_size)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OOXML_PARTS if part in names), None)


def _sniff_ole2(f):
    # Directory entries name their streams in UTF-16LE; the size limit already bounds this read.
    f.seek(0)
    data = f.read()
    found = {kind for stream, kind in _OLE2_STREAMS if (stream + "\0").encode("utf-16-le") in data}
    return found.pop() if len(found) == 1 else None


@deconstructible
class FileContentValidator:
    """Accepts an upload only if its content is one of `kinds` ("image", "pdf", "office"), its
    name's extension agrees with that content, and it is no larger than `max_bytes` (default: the
    BANZI_UPLOAD_MAX_BYTES setting, read when the file is checked). `types` narrows the accepted
    content further to named real types (("jpeg", "png") for a photo), with `types_message` as the
    refusal. Files already stored are not read again."""

    def __init__(self, kinds=KINDS, max_bytes=None, types=None, types_message=None):
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"Unknown upload kinds: {sorted(unknown)}")
        if types is not None:
            unknown = set(types) - set(TYPES)
            if unknown:
                raise ValueError(f"Unknown upload types: {sorted(unknown)}")
            types = tuple(types)
            kinds = tuple(dict.fromkeys(TYPES[t][0] for t in types))
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes
        self.types = types
        self.types_message = types_message

    def __eq__(self, other):
        return isinstance(other, FileContentValidator) and (self.kinds, self.max_bytes, self.types) == (
            other.kinds, other.max_bytes, other.types)

    def __call__(self, value):
        if isinstance(value, str):  # a stored name, as history rows keep it
            return
        if isinstance(value, FieldFile):
            if getattr(value, "_committed", True):
                return
            value = value.file
        self.check_size(value)
        position = value.tell()
        try:
            value.seek(0)
            real = sniff(value)
        finally:
            value.seek(position)
        if self.types is not None:
            if real not in self.types:
                raise ValidationError(self.types_message or _("This file is not %(types)s.") % {
                    "types": _(" or ").join(str(TYPES[t][2]) for t in self.types)}, code=Code.FILE_TYPE)
        elif real is None or TYPES[real][0] not in self.kinds:
            raise ValidationError(_NOT_ACCEPTED[frozenset(self.kinds)], code=Code.FILE_TYPE)
        self.check_name(value.name, real)

    def check_size(self, value):
        limit = self.max_bytes if self.max_bytes is not None else settings.BANZI_UPLOAD_MAX_BYTES
        if value.size > limit:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": format_size(value.size, up=True), "limit": format_size(limit)},
                code=Code.FILE_SIZE,
            )

    def check_name(self, name, real):
        ext = os.path.splitext(os.path.basename(name or ""))[1].lower().lstrip(".")
        kind, extensions, label = TYPES[real]
        if ext in extensions:
            return
        if ext:
            message = _("The file name says .%(ext)s but the content is %(real)s.") % {"ext": ext, "real": label}
        else:
            message = _("The file name has no extension but the content is %(real)s; name it .%(ext)s.") % {
                "real": label, "ext": extensions[0]}
        raise ValidationError(message, code=Code.FILE_NAME)


class FileDownloadView(LoginRequiredMixin, View):
    """Serves a record's file as a download, looking the record up through `visible_to` so that
    a user outside its scope gets a 404. Set `model` and `field` (the FileField's name)."""

    model = None
    field = None

    def get(self, request, pk):
        obj = get_object_or_404(self.model._default_manager.all().visible_to(request.user), pk=pk)
        stored = getattr(obj, self.field)
        if not stored:
            raise Http404
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=os.path.basename(stored.name))
        response["X-Content-Type-Options"] = "nosniff"
        return response
