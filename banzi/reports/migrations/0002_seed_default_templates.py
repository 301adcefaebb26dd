"""Seed the year-end report's paragraphs in the wording of the article the system was built from
(襄汾县委组织部, 2016): the county edits them afterwards under /reports/templates/."""
from django.db import migrations

DEFAULTS = [
    ("training", 10, "把加强培训作为提升能力的重要途径。",
     "乡镇换届后，坚持“事业需要什么就培训什么，干部缺少什么就培训什么”的原则，把新任乡镇领导干部作为重点培训对象，"
     "集中对{training.newly_promoted_trained}名新提拔乡镇干部进行了为期{training.special_training_days}天的专题培训，"
     "使新任乡镇领导干部的能力和素质能够适应新形势、新任务的需要。",
     "本期未开展新提拔乡镇干部专题培训。"),
    ("training", 20, "",
     "先后举办{training.lecture_halls}期干部大讲堂，对科级领导干部进行了全员培训，进一步坚定理想信念。",
     "本期未举办干部大讲堂。"),
    ("training", 30, "",
     "以“送教下乡”为载体，邀请{training.to_townships_lecturers}名专家教授，对乡镇和县直单位领导干部进行了为期"
     "{training.to_townships_days}天的培训，累计培训{training.to_townships_person_times}人次。",
     "本期未开展“送教下乡”培训。"),
    ("training", 40, "",
     "全年各类培训班累计培训干部{training.person_times}人次。",
     "本期没有培训出勤记录。"),
    ("training", 50, "把“急难险重”作为历练干部的主要战场。",
     "在软弱涣散村级组织整顿工作中，{practice.rectification_townships}个乡镇分别成立集中整顿工作组，共"
     "{practice.rectification_groups}个，由领导班子成员任组长，帮助村党组织理清发展思路、拓宽致富增收渠道、切实解决突出问题。",
     "本期没有在工作的软弱涣散村集中整顿工作组。"),
    ("training", 60, "",
     "深入开展干部入企服务，选派{practice.enterprise_cadres}名领导干部、后备干部入驻{practice.enterprises_served}个企业"
     "开展精准服务，进一步激发年轻干部干事创业的工作热情。",
     "本期没有干部入企服务的记录。"),
    ("training", 70, "把“传帮带学”作为增长能力才干的有效方法。",
     "坚持以老带新，一对一、结对子，结成传帮带对子{practice.mentorships}对；组织干部带着问题、带着课题到先进典型单位"
     "现场学习{practice.study_visits}次，拓宽眼界，创新思路，改进工作。",
     "本期没有传帮带结对和观摩学习的记录。"),
    ("mechanism", 10, "坚持民主集中制。",
     "健全完善乡镇党委、政府集体议事决策制度和程序，坚持重大问题党委集体研究、慎重决策，本期提交会议研究的"
     "“三重一大”事项{governance.major_decisions}项，集体研究决策的占{governance.collective_rate}。",
     "本期没有提交会议研究的“三重一大”事项记录。"),
    ("mechanism", 20, "坚持组织生活制度。",
     "严格落实“三会一课”、民主生活会和组织生活会制度，本期各级党组织召开各类会议{governance.meetings}次，"
     "其中领导班子民主生活会{governance.life_meetings}次。",
     "本期没有组织生活会议的记录。"),
    ("mechanism", 30, "坚持谈心谈话制度。",
     "积极落实干部全覆盖谈心谈话制度，把新任职干部、关键岗位干部、有问题反映的干部作为谈话重点，本期开展谈心谈话"
     "{talks.talks}人次，谈话干部{talks.cadres_talked_to}人，其中对新提拔的干部进行廉政谈话{talks.integrity_talks}人次。",
     "本期没有谈心谈话的记录。"),
    ("supervision", 10, "坚持从严管理。",
     "严格执行领导干部廉洁从政和工作、考勤、病事假、外出报备等相关制度，本期查实违反纪律规定{conduct.violations}起，"
     "涉及干部{conduct.cadres_disciplined}人，均已依规处理。",
     "严格执行领导干部廉洁从政和工作、考勤、病事假、外出报备等相关制度，本期未查实违反纪律规定的问题。"),
    ("supervision", 20, "狠抓工作落实。",
     "全面推行“挂图作战”、目标倒逼机制，本期到期工作任务{tasks.tasks}项，按期完成的占{tasks.on_time_rate}；"
     "大力推行“13710”工作法，督办事项办结销号{tasks.items_closed}项。",
     "本期没有到期的工作任务和督办事项。"),
    ("supervision", 30, "创新考核机制。",
     "建立年度考核和日常考核相结合的考核评价机制，本期考核确定为优秀等次的班子和干部{assessment.excellent}个（名），"
     "评选“好班子、好班长、好成员、好骨干”{assessment.awards}个（名）。",
     "本期考核结果尚未确定。"),
]


def seed(apps, schema_editor):
    ReportTemplate = apps.get_model("reports", "ReportTemplate")
    for part, sort_order, title, text, empty_text in DEFAULTS:
        ReportTemplate.objects.get_or_create(part=part, sort_order=sort_order, defaults={
            "title": title, "text": text, "empty_text": empty_text})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
