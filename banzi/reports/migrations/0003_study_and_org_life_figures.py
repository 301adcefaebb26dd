"""The year-end report's paragraph on daily education (group study, the article's 把日常教育作为提升素质的
基础工作) and the organizational-life compliance rate in the paragraph on organizational life. A paragraph
the county has already edited is left as it is."""
from django.db import migrations

STUDY = ("training", 5, "把日常教育作为提升素质的基础工作。",
         "通过党委中心组学习、机关干部学习、党小组学习、上党课等方式，本期共组织集体学习{study.sessions}次，"
         "其中党委中心组学习{study.committee_theory_sessions}次、上党课{study.party_lectures}次，"
         "参加学习{study.person_times}人次。",
         "本期没有集体学习的记录。")

ORG_LIFE_BEFORE = ("严格落实“三会一课”、民主生活会和组织生活会制度，本期各级党组织召开各类会议{governance.meetings}次，"
                   "其中领导班子民主生活会{governance.life_meetings}次。")
ORG_LIFE_AFTER = ("严格落实“三会一课”、民主生活会和组织生活会制度，本期各级党组织召开各类会议{governance.meetings}次，"
                  "其中领导班子民主生活会{governance.life_meetings}次，按规定应召开的组织生活会议按期召开的占"
                  "{governance.org_life_rate}。")
ORG_LIFE_EMPTY = "本期没有组织生活会议的记录。"


def forward(apps, schema_editor):
    ReportTemplate = apps.get_model("reports", "ReportTemplate")
    part, sort_order, title, text, empty_text = STUDY
    ReportTemplate.objects.get_or_create(part=part, sort_order=sort_order, defaults={
        "title": title, "text": text, "empty_text": empty_text})
    ReportTemplate.objects.filter(part="mechanism", sort_order=20, text=ORG_LIFE_BEFORE).update(text=ORG_LIFE_AFTER)


def backward(apps, schema_editor):
    ReportTemplate = apps.get_model("reports", "ReportTemplate")
    part, sort_order, _title, text, _empty = STUDY
    ReportTemplate.objects.filter(part=part, sort_order=sort_order, text=text).delete()
    ReportTemplate.objects.filter(part="mechanism", sort_order=20, text=ORG_LIFE_AFTER).update(text=ORG_LIFE_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_seed_default_templates")]
    operations = [migrations.RunPython(forward, backward)]
