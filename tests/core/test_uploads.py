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


# --- zip bombs -------------------------------------------------------------------------------------
# A real .xlsx/.docx unpacks to 3–20 times its size; these unpack to about 1,000 times. Each is refused
# from the sizes its zip declares, before anything inflates it.

_WORKBOOK_TYPES = ('<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/></Types>')


def zip_bomb(main_part, unpacked_mb, *, content_types=_WORKBOOK_TYPES):
    """A well-formed Office package whose main part is `unpacked_mb` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", "<Relationships/>")
        with package.open(main_part, "w") as part:
            chunk = b"\0" * MB
            for _ in range(unpacked_mb):
                part.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def xlsx_bomb():
    return zip_bomb("xl/workbook.xml", 120)


@pytest.fixture(scope="module")
def docx_bomb():
    return zip_bomb("word/document.xml", 120, content_types="<Types/>")


def test_an_attachment_that_unpacks_beyond_the_limit_is_refused_unread(docx_bomb):
    assert len(docx_bomb) < 200 * 1024  # small enough to pass every upload limit
    error = refusal(FileContentValidator(), "minutes.docx", docx_bomb)
    assert error.code == Code.FILE_UNPACKED_SIZE
    assert error.messages == ["The file unpacks to 120.1 MB; the limit is 50 MB. It may be a zip bomb; it is not read."]


def test_an_absurd_compression_ratio_is_refused_even_under_the_size_limit():
    small_bomb = zip_bomb("word/document.xml", 10, content_types="<Types/>")
    error = refusal(FileContentValidator(), "minutes.docx", small_bomb)
    assert error.code == Code.FILE_UNPACKED_SIZE
    assert "times its size" in error.messages[0]


def test_the_unpacked_limits_come_from_the_settings(settings):
    settings.BANZI_IMPORT_MAX_UNPACKED_BYTES = 10
    assert refusal(FileContentValidator(), "minutes.docx", CONTENT["minutes.docx"]).code == Code.FILE_UNPACKED_SIZE
    settings.BANZI_IMPORT_MAX_UNPACKED_BYTES = 50 * MB
    settings.BANZI_IMPORT_MAX_UNPACKED_RATIO = 2000
    FileContentValidator()(upload("minutes.docx", zip_bomb("word/document.xml", 10, content_types="<Types/>")))


@pytest.mark.zh
def test_the_refusal_is_in_chinese(docx_bomb):
    with translation.override("zh-hans"):
        error = refusal(FileContentValidator(), "minutes.docx", docx_bomb)
    assert "解压" in error.messages[0]


@pytest.mark.django_db
def test_an_import_bomb_is_refused_quickly_before_openpyxl_and_nothing_is_saved(county_client, xlsx_bomb,
                                                                                monkeypatch, settings):
    import time

    from django.urls import reverse

    from banzi.core.importing import workbook
    from banzi.core.models import ImportJob
    from banzi.org.models import Cadre

    def must_not_parse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a zip bomb")

    monkeypatch.setattr(workbook, "load_workbook", must_not_parse)
    settings.LANGUAGE_CODE = "en"
    cadres = Cadre.objects.count()
    started = time.monotonic()
    response = county_client.post(reverse("org:cadre_import"), {"file": SimpleUploadedFile("cadres.xlsx", xlsx_bomb)})
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert "The file unpacks to 120.1 MB; the limit is 50 MB." in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert Cadre.objects.count() == cadres


def test_an_import_bomb_is_refused_by_the_services_too(xlsx_bomb):
    from banzi.core.importing.workbook import read_sheet, validate_xlsx

    for read in (validate_xlsx, read_sheet):
        with pytest.raises(ValidationError) as error:
            read(xlsx_bomb)
        assert error.value.code == Code.FILE_UNPACKED_SIZE


@pytest.mark.parametrize("name", ["photo.jpg", "photo.JPEG", "scan.png"])
def test_types_narrow_an_image_to_jpeg_and_png(name):
    FileContentValidator(types=("jpeg", "png"))(upload(name, CONTENT[name]))


@pytest.mark.parametrize("name", ["anim.gif", "photo.webp", "report.pdf"])
def test_types_refuse_other_images_and_kinds(name):
    error = refusal(FileContentValidator(types=("jpeg", "png")), name, CONTENT[name])
    assert error.code == Code.FILE_TYPE
    assert error.messages == ["This file is not a JPEG image or a PNG image."]
    error = refusal(FileContentValidator(types=("jpeg", "png"), types_message="A photo must be a JPEG or PNG image."),
                    name, CONTENT[name])
    assert error.messages == ["A photo must be a JPEG or PNG image."]


def test_types_keep_the_name_and_size_checks():
    validator = FileContentValidator(types=("jpeg", "png"), max_bytes=50)
    assert refusal(validator, "photo.png", CONTENT["photo.jpg"]).code == Code.FILE_NAME
    assert refusal(validator, "scan.png", CONTENT["scan.png"] + b"\0" * 10).code == Code.FILE_SIZE
    with pytest.raises(ValueError):
        FileContentValidator(types=("bmp",))
