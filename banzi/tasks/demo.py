"""Demo work for the demo county (called by `manage.py load_demo` after the registry is loaded).

For each township: a work list for every current team member with 3–5 tasks (from the year's start,
or from the day a member elected during the year joined), milestones scheduled back from the
deadline and progress reports; supervised items in every state of the 13710 clock
(just assigned, deployed, in progress, overdue, done awaiting close-out, closed out), and in the
first township a major item on a filed timetable with monthly reports; a cross-inspection round in
which the townships inspect each other in a ring (never themselves), whose findings go on the
problem list; and a look-back review of the tasks already due, whose gaps become problems.

Everything is written through the tasks services (validated, with history and audit) as the county
organization department's demo user. It is deterministic — seeded by the township and the person,
and placed relative to the day it runs — and idempotent: what already exists is left alone.
"""
import datetime
import random
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.org.models import Organization, TeamMembership

from . import services
from .models import Inspection, Milestone, Problem, SupervisedItem, Task, TaskReview, WorkList

SEED = "banzi-tasks-demo"
TASK_CATALOG = [
    ("推进软弱涣散村党组织整顿转化", "年底前软弱涣散村全部整顿转化", "包村蹲点、一村一策、每月研判"),
    ("发展壮大村集体经济", "集体经济收入10万元以上的村占比达到60%", "盘活闲置资产，发展特色种植和乡村旅游"),
    ("开展矛盾纠纷排查化解", "矛盾纠纷化解率98%以上，不发生越级上访", "网格化排查，领导干部包案化解"),
    ("安全生产隐患排查整治", "重点企业隐患整改率100%", "每月拉网式排查，建立隐患台账限期整改"),
    ("农村人居环境整治提升", "完成全部行政村环境整治达标", "垃圾分类收运、改厕和村容村貌整治"),
    ("落实民生实事项目", "完成年度3项民生实事", "项目化推进，周调度、月通报"),
    ("招商引资和项目建设", "新签约项目2个，完成固定资产投资5000万元", "领导包联项目，一企一策服务"),
    ("抓好党员发展和教育管理", "发展党员计划完成率100%，党员教育全覆盖", "规范发展程序，落实三会一课"),
    ("落实党风廉政建设责任制", "责任清单全覆盖，廉政谈话全覆盖", "签订责任书，开展廉政谈话和警示教育"),
    ("理论学习和宣传阵地建设", "中心组学习每月不少于1次，宣传阵地全覆盖", "制定学习计划，建设村级宣传栏"),
    ("完成征兵和民兵整组任务", "征兵任务100%完成，民兵整组规范达标", "广泛宣传动员，严格体检政审"),
    ("组织人大代表履职活动", "代表进站履职每季度不少于1次", "建设代表联络站，办理代表建议"),
    ("推进粮食生产和高标准农田建设", "粮食播种面积稳定，新建高标准农田3000亩", "落实惠农政策，强化技术服务"),
    ("抓好防汛和地质灾害防治", "汛期零伤亡", "隐患点排查、应急预案和演练"),
    ("推进平安乡村建设", "群众安全感满意度95%以上", "雪亮工程建设，常态化扫黑除恶"),
    ("做好巩固拓展脱贫攻坚成果", "不发生规模性返贫", "防返贫动态监测，落实帮扶措施"),
]
ITEM_TITLES = [
    "秋冬季秸秆禁烧督查反馈问题整改", "冬季清洁取暖改造进度滞后问题", "信访积案化解", "农村饮水安全隐患排查",
    "县委巡察反馈问题整改", "道路交通安全隐患治理", "耕地保护专项整治", "群众反映村务公开不及时问题",
]
MAJOR_ITEM = ("汾河流域生态保护修复重点项目推进", "2024年以来汾河沿岸生态修复工程，涉及征地、施工和验收多个环节。")
FINDINGS = [
    ("村级组织活动场所功能不完善，部分村未落实每周开放", "督促各村完善活动场所功能，落实开放制度"),
    ("三会一课记录不完整，部分支部主题党日流于形式", "规范会议记录，乡镇党委每季度抽查"),
    ("集体资金管理台账不健全，部分支出手续不全", "建立健全台账，补齐手续，开展专项审计"),
    ("网格员履职不到位，矛盾纠纷上报不及时", "完善网格员考核办法，建立周报告制度"),
    ("党员发展程序记录不规范", "对照党员发展细则逐项整改，补全档案"),
]
MILESTONES = [("调研摸底、制定方案", 25), ("全面推进实施", 70)]


def _local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class TasksDemo:
    """Writes the demo work; `created` counts what was added."""

    def __init__(self, user, today=None):
        self.user = user
        self.now = clock.now()
        self.today = today or clock.local_date(self.now)
        self.year = self.today.year
        self.created = Counter()

    def rng(self, *parts):
        return random.Random("/".join([SEED, str(self.year), *map(str, parts)]))

    def moment(self, days_ago, hour):
        """A local time `days_ago` days before today, never in the future."""
        return min(_local(self.today - datetime.timedelta(days=days_ago), hour), self.now - datetime.timedelta(minutes=5))

    @transaction.atomic
    def run(self):
        townships = list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP, is_active=True)
                         .order_by("sort_order", "name"))
        members = self.current_members(townships)
        for index, township in enumerate(townships):
            for membership in members.get(township.pk, []):
                self.work_list(township, membership)
            self.supervised_items(township, members.get(township.pk, []), major=index == 0)
        self.inspection_round(townships, members)
        self.look_back_review(townships)
        return self

    def current_members(self, townships):
        memberships = (
            TeamMembership.objects.current(self.today)
            .filter(team__township__in=townships, team__elected_on__lte=self.today, team__term_ends_on__gt=self.today)
            .select_related("cadre", "position", "team").order_by("sort_order", "position__sort_order", "pk")
        )
        by_township = {}
        for membership in memberships:
            by_township.setdefault(membership.team.township_id, []).append(membership)
        # Who already sat on their township's team when the year's tasks began (else: since they joined).
        self.on_year_start = set(TeamMembership.objects.serving(self.year_start).filter(
            team__township__in=townships).values_list("cadre_id", "team__township_id"))
        # Since when each current member has sat on the team without a break (across elections).
        self.since = {}
        for m in (TeamMembership.objects.filter(team__township__in=townships, started_on__lte=self.today)
                  .select_related("team").order_by("-started_on", "-pk")):
            key = (m.cadre_id, m.team.township_id)
            since = self.since.get(key)
            if since is None and (m.ended_on is None or m.ended_on > self.today):
                self.since[key] = m.started_on
            elif since is not None and m.started_on < since and (m.ended_on is None or m.ended_on >= since):
                self.since[key] = m.started_on
        return by_township

    def on_team(self, memberships, day):
        """Of these current memberships, the cadres who already sat on the team on the day."""
        return [m.cadre for m in memberships if self.since.get((m.cadre_id, m.team.township_id), day) <= day]

    @property
    def year_start(self):
        return datetime.date(self.year, 1, 10)

    # --- work lists, tasks, milestones and reports ---------------------------------------------

    def work_list(self, township, membership):
        cadre = membership.cadre
        if WorkList.objects.filter(cadre=cadre, year=self.year).exists():
            return
        rng = self.rng(township.name, cadre.name, cadre.birth_date)
        work_list = services.save_work_list(self.user, WorkList(
            cadre=cadre, organization=township, year=self.year,
            responsibilities=_("Responsibilities of the %(position)s") % {"position": membership.position.name},
        ))
        self.created["work lists"] += 1
        # A member elected during the year lists their tasks from the day they joined the team.
        start = (self.year_start if (cadre.pk, township.pk) in self.on_year_start
                 else max(self.year_start, membership.started_on))
        for title, target, measures in rng.sample(TASK_CATALOG, rng.randint(3, 5)):
            self.task(work_list, township, cadre, rng, title, target, measures, start)

    def task(self, work_list, township, cadre, rng, title, target, measures, start):
        month = rng.randint(3, 12)
        deadline = datetime.date(self.year, month, 20 if month == 12 else 30)
        if deadline < start + datetime.timedelta(days=30):
            # Tasks of a member who joined late in the year: due a month or more after joining.
            month = min(12, max(month, start.month + 1))
            deadline = max(datetime.date(self.year, month, 20 if month == 12 else 30),
                           start + datetime.timedelta(days=30))
        task = services.save_task(self.user, Task(
            work_list=work_list, title=title, organization=township, responsible=cadre, measures=measures,
            target=target, source=Task.Source.YEAR_START, start_on=start, deadline=deadline,
        ))
        self.created["tasks"] += 1
        if self.today <= start:
            outcome = "on_track"
        elif deadline < self.today:
            outcome = rng.choices(("on_time", "late", "overdue"), (60, 15, 25))[0]
        else:
            outcome = rng.choices(("on_track", "lagging"), (75, 25))[0]
        self.milestones(task, outcome, rng)
        if self.today <= start:
            return
        span = (deadline - start).days
        expected = min(100, round(100 * (self.today - start).days / span)) if span else 100
        recent = self.today - datetime.timedelta(days=rng.randint(1, 6))
        if outcome == "on_time":
            self.report(task, min(deadline - datetime.timedelta(days=rng.randint(0, 10)), self.today), 100, rng,
                        done=True)
        elif outcome == "late":
            self.report(task, min(deadline + datetime.timedelta(days=rng.randint(3, 20)), self.today), 100, rng,
                        done=True)
        elif outcome == "overdue":
            self.report(task, recent, rng.randint(50, 85), rng)
        elif outcome == "on_track":
            self.report(task, recent, max(5, min(95, expected + rng.randint(-5, 10))), rng)
        else:
            self.report(task, recent, max(5, expected - 35), rng)

    def milestones(self, task, outcome, rng):
        """Milestones scheduled back from the deadline by share of the work; those already due are
        done (on time or a little late), except the last one of a lagging task, which puts it at risk."""
        for index, (title, weight) in enumerate(MILESTONES):
            due_on = services.due_by_weight(task, weight)
            done_on = None
            missed = outcome == "lagging" and index == len(MILESTONES) - 1
            if due_on < self.today and not missed:
                slip = rng.randint(-5, 2) if outcome in ("on_time", "on_track") else rng.randint(0, 12)
                done_on = min(due_on + datetime.timedelta(days=slip), self.today)
            services.save_milestone(self.user, Milestone(task=task, title=title, weight=weight, due_on=due_on,
                                                         done_on=done_on))
            self.created["milestones"] += 1

    def report(self, task, on, percent, rng, done=False):
        if on > self.today or on < task.start_on:
            return
        effects = ["群众满意度明显提升", "形成可复制的经验做法", "问题台账销号过半", "完成阶段目标", ""]
        services.submit_progress_report(
            self.user, task, reported_on=on, percent=percent,
            narrative=_("Progress as planned: %(percent)d%% done.") % {"percent": percent},
            effect=rng.choice(effects), mark_done=done,
        )
        self.created["progress reports"] += 1

    # --- 13710 supervised items ----------------------------------------------------------------

    def supervised_items(self, township, members, major=False):
        if not members:
            return
        rng = self.rng("items", township.name)
        titles = rng.sample(ITEM_TITLES, 6)
        cadres = [m.cadre for m in members]
        # (state, class, days ago assigned)
        plan = [("closed", "ordinary", 40), ("done", "ordinary", 9), ("overdue", "ordinary", 12),
                ("in_progress", "complex", 15), ("deployed", "ordinary", 2), ("assigned", "ordinary", 0)]
        for (state, item_class, days_ago), title in zip(plan, titles, strict=True):
            # Assigned to a member who was on the team on the day.
            assignees = self.on_team(members, self.today - datetime.timedelta(days=days_ago)) or cadres
            self.item(township, rng.choice(assignees), f"{township.name}：{title}", state, item_class, days_ago, rng)
        if major:
            self.major_item(township, (self.on_team(members, self.today - datetime.timedelta(days=100)) or cadres)[0])

    def item(self, township, cadre, title, state, item_class, days_ago, rng, description=""):
        if SupervisedItem.objects.filter(organization=township, title=title).exists():
            return None
        assigned_at = self.moment(days_ago, 9)
        item = services.assign_item(self.user, SupervisedItem(
            title=title, description=description or _("Handle it and report back within the 13710 time limits."),
            item_class=item_class, assigner_name="县委督查室", organization=township, assignee=cadre,
            assigned_at=assigned_at,
        ))
        self.created["supervised items"] += 1
        if state == "assigned":
            return item
        deployed = min(assigned_at + datetime.timedelta(hours=rng.randint(3, 20)), self.now)
        services.record_deployment(self.user, item, content=_("Deployed at the township committee meeting."),
                                   at=deployed)
        if state == "deployed":
            return item
        reported = min(assigned_at + datetime.timedelta(days=rng.randint(2, 3 if state != "overdue" else 5)), self.now)
        services.add_report(self.user, item, content=_("Work under way as deployed."), percent=rng.randint(30, 60),
                            at=reported)
        if state in ("in_progress", "overdue"):
            return item
        done = min(assigned_at + datetime.timedelta(days=rng.randint(4, 6)), self.now)
        services.mark_done(self.user, item, content=_("Done and checked on site."), at=done)
        if state == "closed":
            services.close_out(self.user, SupervisedItem.objects.get(pk=item.pk),
                               evidence=_("Checked on site by the supervision office; photos and records filed."))
        return item

    def major_item(self, township, cadre):
        """A major item that could not be done within a month: a filed timetable and monthly reports."""
        title, description = MAJOR_ITEM
        rng = self.rng("major", township.name)
        item = self.item(township, cadre, f"{township.name}：{title}", "in_progress", "major", 100, rng,
                         description=description)
        if item is None:
            return
        item = SupervisedItem.objects.get(pk=item.pk)
        services.file_timetable(self.user, item, due_on=self.today + datetime.timedelta(days=90), plan=(
            "第一阶段：完成征地和方案审批；第二阶段：主体工程施工；第三阶段：竣工验收。"))
        for month in (1, 2, 3):
            at = item.assigned_at + datetime.timedelta(days=30 * month - rng.randint(1, 5))
            if at < self.now:
                services.add_report(self.user, SupervisedItem.objects.get(pk=item.pk),
                                    content=_("Monthly report: works proceeding to the timetable."),
                                    percent=20 * month, at=at)

    # --- cross-inspection and look-back review -------------------------------------------------

    def inspection_round(self, townships, members):
        """Each township inspects the next one in a ring, so that none inspects itself."""
        if len(townships) < 2:
            return
        start = self.today - datetime.timedelta(days=30)
        for index, inspecting in enumerate(townships):
            inspected = townships[(index + 1) % len(townships)]
            team = self.on_team(members.get(inspecting.pk, []), start)
            targets = [m.cadre for m in members.get(inspected.pk, [])]
            if not team or not targets:
                continue
            if Inspection.objects.filter(year=self.year, inspecting_organization=inspecting,
                                         organization=inspected).exists():
                continue
            inspection = services.save_inspection(self.user, Inspection(
                title=_("%(year)s cross-inspection of %(township)s") % {"year": self.year, "township": inspected.name},
                year=self.year, inspecting_organization=inspecting, organization=inspected, leader=team[0],
                start_on=start, end_on=start + datetime.timedelta(days=3),
            ), members=team[1:3])
            self.created["cross-inspections"] += 1
            rng = self.rng("inspection", inspected.name)
            for n, (description, measures) in enumerate(rng.sample(FINDINGS, 2)):
                problem = services.record_finding(
                    self.user, inspection, description=description, responsible=rng.choice(targets),
                    deadline=self.today + datetime.timedelta(days=rng.randint(-10, 40)), measures=measures,
                    item=_("Finding %(n)d") % {"n": n + 1},
                )
                self.created["problems"] += 1
                if n == 0 and index % 2 == 0:
                    self.rectify(problem)

    def rectify(self, problem):
        services.start_rectification(self.user, problem)
        services.submit_rectification(self.user, Problem.objects.get(pk=problem.pk),
                                      evidence=_("Rectified: records completed and checked."))
        services.verify_problem(self.user, Problem.objects.get(pk=problem.pk))

    def look_back_review(self, townships):
        """Review the tasks already due: achieved, partly (done late) or not achieved (overdue)."""
        tasks = (
            Task.objects.filter(organization__in=townships, deadline__lt=self.today, deadline__year=self.year,
                                review__isnull=True)
            .exclude(status=Task.Status.CANCELLED).select_related("responsible", "organization").order_by("pk")
        )
        for task in tasks:
            if task.status == Task.Status.DONE and task.completed_on <= task.deadline:
                services.review_task(self.user, task, TaskReview.Outcome.ACHIEVED, reviewed_on=self.today)
            else:
                late = task.status == Task.Status.DONE
                services.review_task(
                    self.user, task, TaskReview.Outcome.PARTLY if late else TaskReview.Outcome.NOT_ACHIEVED,
                    gap=_("Completed after the deadline; the schedule slipped.") if late
                    else _("Not completed by the deadline: %(progress)d%% done.") % {"progress": task.progress},
                    deadline=self.today + datetime.timedelta(days=30),
                    measures=_("Catch up with a weekly schedule and report to the township committee."),
                    reviewed_on=self.today,
                )
                self.created["problems"] += 1
            self.created["look-back reviews"] += 1


def demo_user():
    """The county organization department's demo user, who enters the demo work."""
    return (
        User.objects.filter(username="county_admin", role=Role.COUNTY_ADMIN, is_active=True).first()
        or User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first()
    )


def load_tasks_demo(today=None):
    """Add the demo work to the demo county; returns what was created ({} when nothing was)."""
    user = demo_user()
    if user is None:
        return Counter()
    return TasksDemo(user, today).run().created
