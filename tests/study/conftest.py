"""Study tests keep their uploaded evidence files in a temporary folder."""
import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
