"""factory_boy factories for every registry model, producing valid records by default."""
import datetime
import random

import factory
from factory.django import DjangoModelFactory

from banzi.accounts.models import User
from banzi.core import clock
from banzi.core.roles import Role
from banzi.core.validators import id_number_check_digit
from banzi.org.models import Cadre, Organization, Position, Team, TeamMembership, VillageDesignation
from tests import dates

PASSWORD = "Banzi#2026"


def make_id_number(birth_date, gender="male", seq=None):
    """A valid 18-digit ID number for a birth date and gender (area code 141023, 襄汾县)."""
    seq = random.randint(0, 49) if seq is None else seq
    order = seq * 2 + (1 if gender == "male" else 0)
    first17 = f"141023{birth_date:%Y%m%d}{order % 1000:03d}"
    return first17 + id_number_check_digit(first17)


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = "襄汾县"
    kind = Organization.Kind.COUNTY
    division_code = "141023"


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"第{n}镇")
    kind = Organization.Kind.TOWNSHIP
    parent = factory.SubFactory(CountyFactory)


class VillageFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"第{n}村")
    kind = Organization.Kind.VILLAGE
    parent = factory.SubFactory(TownshipFactory)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"县直部门{n}")
    kind = Organization.Kind.DEPARTMENT
    parent = factory.SubFactory(CountyFactory)


class VillageDesignationFactory(DjangoModelFactory):
    class Meta:
        model = VillageDesignation

    organization = factory.SubFactory(VillageFactory)
    year = factory.LazyFunction(dates.this_year)
    category = VillageDesignation.Category.WEAK_LAX
    reason = "班子软弱"


class CadreFactory(DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    gender = Cadre.Gender.MALE
    # Distinct past dates for the first 16,000 cadres of a test session (37 and 16,000 share no
    # factor), all between 1960 and 2003: a plain 37 * n ran into the future after ~500 cadres.
    birth_date = factory.Sequence(lambda n: datetime.date(1960, 1, 1) + datetime.timedelta(days=37 * n % 16000))
    organization = factory.SubFactory(TownshipFactory)
    # The sequence number order (000–998) keeps two cadres given the same birth date by a test apart.
    id_number = factory.LazyAttributeSequence(lambda o, n: make_id_number(o.birth_date, o.gender, n % 500))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    post = "科员"


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ("name",)

    name = "党委委员"
    sort_order = 50


def free_election_day(township):
    """Two years before today, or the nearest day before it on which the township elected no team
    yet (a township has one team an election day): a term that contains today."""
    day = dates.current_election()
    taken = set(Team.objects.filter(township=township, elected_on__lte=day).values_list("elected_on", flat=True))
    while day in taken:
        day -= datetime.timedelta(days=1)
    return day


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    township = factory.SubFactory(TownshipFactory)
    # A current team: elected about two years ago, so its five-year term contains today at any date.
    elected_on = factory.LazyAttribute(lambda team: free_election_day(team.township))
    term_years = 5


class TeamMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    cadre = factory.SubFactory(CadreFactory, organization=factory.SelfAttribute("..team.township"))
    position = factory.SubFactory(PositionFactory)
    started_on = factory.SelfAttribute("team.elected_on")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COUNTY_ADMIN
    # Their own password, just chosen: the policy does not send them to the password change page.
    password_changed_at = factory.LazyFunction(clock.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()
