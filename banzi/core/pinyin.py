"""Pinyin for search: 张三 → "zhangsan" and initials "zs"."""
from pypinyin import Style, lazy_pinyin


def full_pinyin(text):
    return "".join(lazy_pinyin(text or "", errors="default")).lower()


def pinyin_initials(text):
    return "".join(p[:1] for p in lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")).lower()
