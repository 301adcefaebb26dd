"""Shared helpers of the .lrmx tests: the hand-written fixtures and a temporary media folder."""
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "lrmx"


def fixture(name):
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
