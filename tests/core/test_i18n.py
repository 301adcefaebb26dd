"""The zh_Hans catalog is complete: every message id in the code is in it, translated, and compiled."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_is_translated():
    catalog = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_compiled_catalog_matches_source():
    source = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
              for e in polib.pofile(str(PO)).translated_entries()}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in polib.mofile(str(MO)) if e.msgid}
    assert compiled == source, "locale/zh_Hans/LC_MESSAGES/django.mo is stale: run `make messages`"


@pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("CI") != "true", reason="needs GNU gettext (installed by .ci/run)"
)
def test_catalog_holds_every_message_in_the_code(tmp_path):
    """Extract the messages afresh from a copy of the code and compare with the committed catalog."""
    shutil.copytree(ROOT / "banzi", tmp_path / "banzi", ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v", "0"],
        cwd=tmp_path, check=True, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "banzi.settings",
                                       "PYTHONPATH": str(tmp_path)},
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = sorted(m for _, m in fresh - committed)
    assert not missing, f"messages missing from the catalog (run `make messages`): {missing[:30]}"
