"""Words the system itself stored in records — the history reason of the seeded catalogues, the source
of the calendar years seeded from the chinesecalendar library — shown in the reader's language
(`shown`), so that no page prints a stored English phrase or a library's name."""
from django.utils.translation import gettext_lazy

SYSTEM_TEXTS = {
    "Seeded catalog": gettext_lazy("Seeded catalog"),
    "chinesecalendar": gettext_lazy("State Council holiday arrangements"),
}


def shown(value):
    """A stored text in the reader's language when the system wrote it, else as it is."""
    return SYSTEM_TEXTS.get(value, value) if isinstance(value, str) else value
