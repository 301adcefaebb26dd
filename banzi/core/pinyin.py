"""Pinyin for search: 张三 → "zhangsan" and initials "zs"."""
import functools

from pypinyin import Style, lazy_pinyin


def full_pinyin(text):
    return "".join(lazy_pinyin(text or "", errors="default")).lower()


def pinyin_initials(text):
    return "".join(p[:1] for p in lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")).lower()


@functools.lru_cache(maxsize=20_000)
def pinyin_and_initials(text):
    """(`full_pinyin(text)`, `pinyin_initials(text)`) from one reading of the text: pypinyin's first
    letter of a syllable is the first letter of its plain pinyin (`Style.FIRST_LETTER`), so half the work
    for an import of thousands of names. tests/core/test_pinyin.py checks both agree for every character
    and phrase pypinyin knows. Kept for the names last read: an import's commit reads the names its
    preview read."""
    syllables = lazy_pinyin(text or "", errors="default")
    return "".join(syllables).lower(), "".join(p[:1] for p in syllables).lower()
