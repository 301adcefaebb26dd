"""The pinyin and initials of a name read once (`pinyin_and_initials`, for imports) are those of
`full_pinyin` and `pinyin_initials`, for every character and phrase pypinyin knows."""
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from banzi.core.pinyin import full_pinyin, pinyin_and_initials, pinyin_initials


def test_names():
    assert pinyin_and_initials("张三") == ("zhangsan", "zs")
    assert pinyin_and_initials("") == pinyin_and_initials(None) == ("", "")


def test_one_reading_gives_what_two_give():
    texts = [chr(code) for code in pinyin_dict] + list(phrases_dict)
    texts += ["Zhang San", "欧阳修A", "绿 芳", "a张b", "123王", "吕布", "单于", "嗯"]
    assert [t for t in texts if pinyin_and_initials(t) != (full_pinyin(t), pinyin_initials(t))] == []
