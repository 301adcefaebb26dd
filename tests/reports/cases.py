"""Generic-test cases for the report models (see tests/generic.py)."""
import itertools

from banzi.reports.models import ReportTemplate
from tests.generic import ModelCase, register

_seq = itertools.count(1)


def template(**fields):
    fields.setdefault("part", "training")
    fields.setdefault("sort_order", 100 + next(_seq))
    fields.setdefault("title", f"把日常教育作为提升素质的基础工作{next(_seq)}。")
    fields.setdefault("text", "累计培训{training.person_times}人次。")
    fields.setdefault("empty_text", "本期没有培训记录。")
    return ReportTemplate.objects.create(**fields)


register(ModelCase(
    model=ReportTemplate,
    make=lambda township: template(),
    form_data=lambda township: {"part": "mechanism", "sort_order": "90", "title": f"坚持谈心谈话制度{next(_seq)}。",
                                "text": "开展谈心谈话{talks.talks}人次。", "empty_text": "本期没有谈心谈话的记录。",
                                "is_active": "on"},
    update={"text": "本期开展谈心谈话{talks.talks}人次，谈话干部{talks.cadres_talked_to}人。"},
    export_label=lambda record: record.title,
))
