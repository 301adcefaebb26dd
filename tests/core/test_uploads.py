"""The upload validator: each accepted kind by its magic numbers, content that is none of them
refused, a name whose extension disagrees with the content refused, the size limit with the sizes in
the message, the reading position left where it was, and the validator serializable for migrations."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from banzi.core.errors import Code
from banzi.core.uploads import FileContentValidator, format_size

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def ooxml(main_part, *, content_types=True):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        if content_types:
            package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(main_part, "<root/>")
    return buffer.getvalue()


def ole2(stream):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + (stream + "\0").encode("utf-16-le") + b"\0" * 64


CONTENT = {
    "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 32,
    "photo.JPEG": b"\xff\xd8\xff\xe1" + b"\0" * 32,
    "scan.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 32,
    "anim.gif": b"GIF89a\x01\x00\x01\x00" + b"\0" * 32,
    "photo.webp": b"RIFF\x24\0\0\0WEBPVP8 " + b"\0" * 32,
    "report.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    "minutes.docx": ooxml("word/document.xml"),
    "ledger.xlsx": ooxml("xl/workbook.xml"),
    "slides.pptx": ooxml("ppt/presentation.xml"),
    "old.doc": ole2("WordDocument"),
    "old.xls": ole2("Workbook"),
    "old.ppt": ole2("PowerPoint Document"),
}


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refusal(validator, name, content):
    with pytest.raises(ValidationError) as error:
        validator(upload(name, content))
    return error.value


@pytest.mark.parametrize("name", list(CONTENT))
def test_each_kind_is_accepted(name):
    FileContentValidator()(upload(name, CONTENT[name]))


@pytest.mark.parametrize("name, content", [
    ("setup.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64),
    ("report.pdf", ooxml("anything.txt", content_types=False)),
    ("notes.pdf", b"just some text, not a PDF"),
    ("broken.docx", b"PK\x03\x04 not really a zip"),
    ("package.doc", ole2("SummaryInformation")),
    ("empty.pdf", b""),
])
def test_content_that_is_no_accepted_kind_is_refused(name, content):
    error = refusal(FileContentValidator(), name, content)
    assert error.code == "file_type"
    assert error.messages == ["This file is not a PDF, image or Office document."]


def test_a_kind_not_allowed_here_is_refused():
    error = refusal(FileContentValidator(kinds=("pdf",)), "scan.png", CONTENT["scan.png"])
    assert error.code == Code.FILE_TYPE
    assert error.messages == ["This file is not a PDF."]
    FileContentValidator(kinds=("pdf",))(upload("report.pdf", CONTENT["report.pdf"]))


@pytest.mark.parametrize("name, content, message", [
    ("minutes.pdf", CONTENT["minutes.docx"], "The file name says .pdf but the content is a Word document."),
    ("photo.png", CONTENT["photo.jpg"], "The file name says .png but the content is a JPEG image."),
    ("ledger.docx", CONTENT["ledger.xlsx"], "The file name says .docx but the content is an Excel workbook."),
    ("old.docx", CONTENT["old.doc"], "The file name says .docx but the content is a Word document."),
    ("report.exe", CONTENT["report.pdf"], "The file name says .exe but the content is a PDF."),
    ("report", CONTENT["report.pdf"], "The file name has no extension but the content is a PDF; name it .pdf."),
])
def test_a_name_that_disagrees_with_the_content_is_refused(name, content, message):
    error = refusal(FileContentValidator(), name, content)
    assert error.code == "file_name"
    assert error.messages == [message]


def test_too_big_is_refused_with_the_sizes(settings):
    big = upload("report.pdf", CONTENT["report.pdf"])
    big.size = 25 * MB
    with pytest.raises(ValidationError) as error:
        FileContentValidator()(big)
    assert error.value.code == Code.FILE_SIZE
    assert error.value.messages == ["The file is 25 MB; the limit is 20 MB."]

    settings.BANZI_UPLOAD_MAX_BYTES = 1 * MB
    content = CONTENT["report.pdf"] + b"\0" * (MB + 1)
    assert refusal(FileContentValidator(), "report.pdf", content).messages == [
        "The file is 1.1 MB; the limit is 1 MB."]
    FileContentValidator(max_bytes=2 * MB)(upload("report.pdf", content))


def test_just_over_the_limit_never_reads_as_the_limit():
    assert format_size(20 * MB + 1, up=True) == "20.1 MB"
    assert format_size(20 * MB) == "20 MB"
    assert format_size(512 * 1024) == "512 KB"
    assert format_size(10) == "10 B"


@pytest.mark.parametrize("name", ["minutes.docx", "old.xls", "report.pdf", "setup.jpg"])
def test_the_reading_position_is_restored(name):
    f = upload(name, CONTENT.get(name, b"MZ" + b"\0" * 64))
    f.seek(3)
    try:
        FileContentValidator()(f)
    except ValidationError:
        pass
    assert f.tell() == 3


def test_the_validator_deconstructs_for_migrations():
    validator = FileContentValidator(kinds=("image",), max_bytes=MB)
    path, args, kwargs = validator.deconstruct()
    assert path == "banzi.core.uploads.FileContentValidator"
    assert FileContentValidator(*args, **kwargs) == validator
    assert FileContentValidator() != validator
    with pytest.raises(ValueError):
        FileContentValidator(kinds=("video",))


def test_stored_names_are_not_read_again():
    FileContentValidator()("tasks/progress/2026/11/old-upload.bin")
