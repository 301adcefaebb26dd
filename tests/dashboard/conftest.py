"""These tests read the pages in English, so that they check what is shown, not how it is worded in
the zh_Hans catalog; the Chinese default is checked where it matters (and in tests/browser)."""
import pytest


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
