"""The demo's reserve pool (run by `manage.py load_demo` after the registry, practice, training,
conduct and assessment demos).

Every cadre the registry's demo flags as a reserve cadre gets the history of an entry: nominated a
year or two back (by the township committee or by democratic recommendation), vetted by the county
(the checks kept), entered into the pool with a development plan, development measures linked to
their enterprise-service and frontline postings and their training enrollments where the other demos
made them, and a yearly review for each full year in the pool. A flagged cadre whom the checks would
not let in (a violation, a low annual result, the pool full) is converted as migration 0002 converts
a flag, and this year's review recommends taking them out, with the reason (the flags the other
demos read stay as the registry's demo set them). Besides: two current team members who came
from the pool (exited as promoted on the day they joined the team), three cadres nominated this year
awaiting vetting, and one nomination rejected at vetting because of a violation.

Everything goes through the services as the county's demo user. Deterministic and idempotent: a
cadre with an entry is left alone, and the other stories are told once."""
import datetime
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction

from banzi.conduct.models import Violation
from banzi.core import clock
from banzi.org.models import Cadre, TeamMembership
from banzi.practice.models import Posting
from banzi.tasks.demo import demo_user
from banzi.training.models import Enrollment

from . import checks, conversion, services
from .models import DevelopmentMeasure, ReserveEntry, ReserveReview

SEED = "banzi-reserves-demo"
Status = ReserveEntry.Status
Source = ReserveEntry.Source
DAY = datetime.timedelta(days=1)
PLANS = [
    "安排入企服务一年，参加县委党校中青年干部培训班，跟班学习乡镇党委重点工作",
    "到软弱涣散村或重点项目一线历练，参加履职能力轮训，年度内完成一篇调研报告",
    "参加集中培训，承担乡镇急难险重任务，由一名班子成员结对帮带",
]
VETTING = "经县委组织部审查：无违纪记录，近三年年度考核均为称职以上，年龄符合要求，同意纳入后备干部库。"
NOTES = {ReserveReview.Conclusion.KEEP: "年度考察表现良好，继续培养。",
         ReserveReview.Conclusion.WATCH: "基层工作经验尚需积累，继续在一线历练。"}


class ReservesDemo:
    def __init__(self, user, today=None):
        self.user = user
        self.today = today or clock.today()
        self.created = Counter()

    def rng(self, *parts):
        return random.Random("/".join([SEED, *map(str, parts)]))

    @transaction.atomic
    def run(self):
        first_time = not ReserveEntry.objects.exclude(note=conversion.NOTE).exists()
        if first_time:
            self.promoted_out()
        for cadre in (Cadre.objects.filter(is_reserve=True).select_related("organization")
                      .order_by("organization__township__sort_order", "name_pinyin", "pk")):
            if not ReserveEntry.objects.filter(cadre=cadre).exists():
                self.pool_history(cadre)
        if first_time:
            self.nominated_this_year()
            self.rejected_for_violation()
        return self

    # --- one nomination's course --------------------------------------------------------------------

    def nominate(self, cadre, nominated_on, rng):
        democratic = rng.random() < 0.4
        total = rng.randint(28, 45)
        entry = ReserveEntry(
            cadre=cadre, nominated_on=nominated_on,
            source=Source.DEMOCRATIC if democratic else Source.COMMITTEE,
            recommendation=("经乡镇干部大会民主推荐，得票排名靠前" if democratic
                            else f"经{cadre.organization.township or cadre.organization}党委会议研究，推荐为后备干部人选"),
            votes_for=rng.randint(total * 2 // 3 + 1, total) if democratic else None,
            votes_total=total if democratic else None)
        entry = services.save_entry(self.user, entry)
        self.created["reserve entries"] += 1
        return entry

    def into_pool(self, entry, rng):
        vetted_on = min(entry.nominated_on + rng.randint(20, 40) * DAY, self.today)
        services.vet(self.user, entry, vetted_on, VETTING)
        entered_on = min(vetted_on + rng.randint(10, 20) * DAY, self.today)
        return services.enter(self.user, entry, entered_on, rng.choice(PLANS))

    def pool_history(self, cadre):
        """A flagged cadre: nominated a year or two back, vetted, in the pool, measures, reviews."""
        rng = self.rng("pool", cadre.name, cadre.birth_date)
        nominated_on = self.today - rng.randint(420, 700) * DAY
        try:
            with transaction.atomic():
                entry = self.nominate(cadre, nominated_on, rng)
                entry = self.into_pool(entry, rng)
        except ValidationError:
            self.converted_and_reviewed(cadre)
            return
        self.measures(entry, rng)
        for year in range(entry.entered_on.year, self.today.year):
            conclusion = ReserveReview.Conclusion.WATCH if rng.random() < 0.2 else ReserveReview.Conclusion.KEEP
            services.review(self.user, entry, year, conclusion, NOTES[conclusion])
            self.created["reserve reviews"] += 1

    def converted_and_reviewed(self, cadre):
        """A flagged cadre the checks do not let in: converted as migration 0002 converts a flag (the
        pool's state is kept), and this year's review recommends the county take them out, naming
        the disqualifier (or the full pool). The county's decision is left to the county."""
        entry = conversion.convert_flagged_cadre(cadre, self.user)
        found = checks.disqualifiers(checks.run_checks(entry))
        reason = "；".join(f"{c.label}（{c.detail}）" for c in found) or "乡镇后备干部人数超过核定数"
        services.review(self.user, entry, self.today.year, ReserveReview.Conclusion.EXIT,
                        f"年度考察发现：{reason}，建议调整出库。")
        self.created["reserve entries"] += 1
        self.created["reserve reviews"] += 1

    def measures(self, entry, rng):
        for posting in (Posting.objects.filter(cadre=entry.cadre).select_related("organization")
                        .order_by("started_on", "pk")):
            kind = (DevelopmentMeasure.Kind.ENTERPRISE if posting.kind == Posting.Kind.ENTERPRISE
                    else DevelopmentMeasure.Kind.FRONTLINE)
            verb = "入企服务" if kind == DevelopmentMeasure.Kind.ENTERPRISE else posting.get_kind_display()
            self.measure(entry, kind, f"到{posting.organization}{verb}", posting=posting,
                         due_on=posting.ended_on or datetime.date(self.today.year, 12, 31),
                         done_on=posting.ended_on if posting.ended_on and posting.ended_on <= self.today else None)
        for enrollment in (Enrollment.objects.filter(cadre=entry.cadre).select_related("program")
                           .order_by("program__start_on", "pk")[:2]):
            program = enrollment.program
            ends_on = program.end_on
            self.measure(entry, DevelopmentMeasure.Kind.TRAINING, f"参加{program.name}", enrollment=enrollment,
                         due_on=ends_on, done_on=ends_on if ends_on and ends_on <= self.today else None)
        if not entry.measures.exists():
            self.measure(entry, DevelopmentMeasure.Kind.OTHER, "跟班学习乡镇党委重点工作，由一名班子成员结对帮带",
                         due_on=datetime.date(self.today.year, 12, 31))

    def measure(self, entry, kind, description, **fields):
        services.save_measure(self.user, DevelopmentMeasure(entry=entry, kind=kind, description=description[:500],
                                                            **fields))
        self.created["development measures"] += 1

    # --- the other stories ------------------------------------------------------------------------

    def promoted_out(self):
        """Two current team members who came from the pool: exited as promoted the day they joined."""
        done = 0
        memberships = (TeamMembership.objects.current(self.today)
                       .filter(started_on__gt=self.today - 5 * 365 * DAY, started_on__lte=self.today)
                       .select_related("cadre__organization").order_by("-started_on", "cadre__name_pinyin", "pk"))
        for membership in memberships:
            cadre = membership.cadre
            nominated_on = membership.started_on - 420 * DAY
            if (cadre.status != Cadre.Status.ACTIVE or cadre.reserve_entries.exists()
                    or checks.age_on(cadre.birth_date, nominated_on) > 40 or not cadre.organization.township_id):
                continue
            rng = self.rng("promoted", cadre.name, cadre.birth_date)
            try:
                with transaction.atomic():
                    entry = self.into_pool(self.nominate(cadre, nominated_on, rng), rng)
                    services.exit_pool(self.user, entry, membership.started_on, ReserveEntry.ExitReason.PROMOTED,
                                       f"提拔任{membership.position}")
            except ValidationError:
                self.created["reserve entries"] -= 1
                continue
            done += 1
            if done == 2:
                return

    def candidates(self):
        members = set(TeamMembership.objects.current(self.today).values_list("cadre_id", flat=True))
        youngest = datetime.date(self.today.year - 40, self.today.month, 1)
        return [c for c in Cadre.objects.filter(status=Cadre.Status.ACTIVE, is_reserve=False,
                                                birth_date__gt=youngest, organization__township__isnull=False)
                .select_related("organization").order_by("organization__township__sort_order", "name_pinyin", "pk")
                if c.pk not in members and not c.reserve_entries.exists()]

    def nominated_this_year(self):
        """Three cadres of three townships nominated this year, awaiting the county's vetting."""
        seen, start = set(), datetime.date(self.today.year, 1, 1)
        for cadre in self.candidates():
            township = cadre.organization.township_id
            if township in seen:
                continue
            rng = self.rng("nominated", cadre.name, cadre.birth_date)
            if checks.disqualifiers(checks.run_checks(ReserveEntry(cadre=cadre, nominated_on=self.today))):
                continue
            self.nominate(cadre, max(start, self.today - rng.randint(10, 60) * DAY), rng)
            seen.add(township)
            if len(seen) == 3:
                return

    def rejected_for_violation(self):
        """One nomination rejected at vetting: the cadre has a violation decided in the rule's years."""
        since = self.today - 5 * 365 * DAY
        violation = (Violation.objects.filter(status=Violation.Status.CONFIRMED, decided_on__gte=since,
                                              cadre__status=Cadre.Status.ACTIVE, cadre__is_reserve=False,
                                              cadre__organization__township__isnull=False)
                     .exclude(cadre__reserve_entries__isnull=False)
                     .select_related("cadre__organization").order_by("-decided_on", "pk").first())
        if violation is None:
            return
        cadre = violation.cadre
        rng = self.rng("rejected", cadre.name, cadre.birth_date)
        nominated_on = max(violation.decided_on, self.today - 30 * DAY)
        entry = self.nominate(cadre, nominated_on, rng)
        try:
            with transaction.atomic():
                services.vet(self.user, entry, self.today)
        except ValidationError:
            services.reject(self.user, entry, self.today,
                            f"审查发现{violation.decided_on:%Y年%m月%d日}作出的违纪处理记录，不予纳入后备干部库。")


def load_reserves_demo(today=None):
    """Add the demo reserve pool to the demo county; returns what was created."""
    user = demo_user()
    if user is None:
        return Counter()
    return ReservesDemo(user, today).run().created
