"""Record builders of the reserve-pool tests: young cadres (who pass the age check) and entries in
each state, written straight to the database (the services are tested on their own)."""
import datetime
import itertools

from banzi.org.models import Cadre
from banzi.reserves.models import DevelopmentMeasure, ReserveEntry, ReserveReview
from tests import factories as f
from tests.dates import days_ago, this_year

D = datetime.date
_seq = itertools.count(1)
Status = ReserveEntry.Status


def young_cadre(township, **fields):
    """A cadre of about 30, well within the pool's age limit. Young cadres share 300 birth dates, so the
    ID number's order is one no cadre of that date holds yet (the factory's own sequence could repeat
    one after a few thousand cadres in a long test run)."""
    n = next(_seq)
    fields.setdefault("birth_date", D(this_year() - 31, 1, 1) + datetime.timedelta(days=n % 300))
    if "id_number" not in fields:
        gender = fields.get("gender", Cadre.Gender.MALE)  # the factory's
        for order in range(500):
            number = f.make_id_number(fields["birth_date"], gender, (n // 300 + order) % 500)
            if not Cadre.objects.filter(id_number_index=Cadre.id_number_fingerprint(number)).exists():
                fields["id_number"] = number
                break
    return f.CadreFactory(organization=township, **fields)


def entry(township, cadre=None, status=Status.NOMINATED, **fields):
    """An entry of a young cadre of the township, in the given state with its dates filled in."""
    cadre = cadre or young_cadre(township)
    fields.setdefault("nominated_on", days_ago(640))
    fields.setdefault("source", ReserveEntry.Source.COMMITTEE)
    fields.setdefault("recommendation", "党委会研究推荐")
    if status in (Status.VETTED, Status.IN_POOL, Status.EXITED):
        fields.setdefault("vetted_on", days_ago(600))
        fields.setdefault("vetting_result", "通过")
    if status in (Status.IN_POOL, Status.EXITED):
        fields.setdefault("entered_on", days_ago(580))
        fields.setdefault("development_plan", "安排入企服务和集中培训")
    if status == Status.EXITED:
        fields.setdefault("exited_on", days_ago(100))
        fields.setdefault("exit_reason", ReserveEntry.ExitReason.PROMOTED)
    if status == Status.REJECTED:
        fields.setdefault("rejected_on", days_ago(600))
        fields.setdefault("rejection_reason", "有违纪记录")
    made = ReserveEntry.objects.create(cadre=cadre, unit=township, status=status, **fields)
    if status == Status.IN_POOL and not cadre.is_reserve:
        cadre.is_reserve = True
        cadre.save(update_fields=["is_reserve"])
    return made


def review(township, year=None, **fields):
    fields.setdefault("conclusion", ReserveReview.Conclusion.KEEP)
    parent = fields.pop("entry", None) or entry(township, status=Status.IN_POOL)
    return ReserveReview.objects.create(entry=parent, year=year or this_year() - 1, **fields)


def measure(township, **fields):
    fields.setdefault("kind", DevelopmentMeasure.Kind.TRAINING)
    fields.setdefault("description", "参加乡镇领导班子成员和后备干部履职能力轮训班")
    parent = fields.pop("entry", None) or entry(township, status=Status.IN_POOL)
    return DevelopmentMeasure.objects.create(entry=parent, **fields)
