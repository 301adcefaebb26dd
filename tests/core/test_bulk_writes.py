"""Records written in bulk from values prepared once (`core.bulk`, `importing.batch.create_with_history`)
are those `bulk_create_with_history` writes: the same record and history values, each personal value
sealed once and the history holding the record's own sealed text, keys in the order of the records;
`Blank` makes the records `Model()` makes; the reach of the user is still checked."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import signals
from simple_history.utils import bulk_create_with_history

from banzi.core import clock, crypto
from banzi.core.bulk import Blank, Lazy, RowValues, insert
from banzi.core.fields import raw_values
from banzi.core.importing.batch import _ensure_within_reach, create_with_history
from banzi.core.models import AuditEvent
from banzi.org.models import Cadre
from tests import factories as f

pytestmark = pytest.mark.django_db

COMPARED = [f.attname for f in Cadre._meta.concrete_fields if f.attname not in ("id", "created_at", "updated_at")]
HISTORY = [name for name in COMPARED if name != "updated_at"] + ["history_type", "history_change_reason",
                                                                  "history_user_id"]


def new_cadres(township, start, count=3):
    cadres = []
    for index in range(count):
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=start + index)
        cadre = Blank(Cadre)(name=f"批量{start + index}", gender="male", birth_date=birth,
                             id_number=f.make_id_number(birth, "male", 2), phone=f"1391234{start + index:04d}",
                             organization_id=township.pk, post="科员")
        cadre.name_pinyin, cadre.name_initials = "piliang", "pl"
        cadre.id_number_index = Cadre.id_number_fingerprint(cadre.id_number)
        cadre.phone_index = Cadre.phone_fingerprint(cadre.phone)
        cadres.append(cadre)
    return cadres


def _state_of(record):
    return {name: value for name, value in vars(record).items() if name != "_state"}


@pytest.mark.parametrize("receiver", [False, True], ids=["copied", "post_init receiver: Model()"])
def test_blank_records_are_those_the_model_makes(receiver, township):
    def seen(sender, instance, **kwargs):
        calls.append(instance)

    calls = []
    if receiver:
        signals.post_init.connect(seen, sender=Cadre)
    try:
        blank = Blank(Cadre)
        assert (blank.template is None) is receiver
        made, plain = blank(name="张三", organization_id=township.pk), Cadre(name="张三", organization_id=township.pk)
        other = blank(name="李四")
    finally:
        signals.post_init.disconnect(seen, sender=Cadre)
    assert _state_of(made) == _state_of(plain)
    # Each record made tells the receivers, as Model() does; with none, a copy tells no one.
    assert [id(obj) for obj in calls] == ([id(made), id(plain), id(other)] if receiver else [])
    assert made._state.adding and made._state.db is None and made.pk is None
    assert made._state is not other._state and not made._state.fields_cache
    assert (made.name, other.name, other.organization_id) == ("张三", "李四", None)  # each record its own values
    assert made.organization == township  # the key given is the key used
    made.organization = None
    assert made.organization_id is None and other.organization_id is None
    event = Blank(AuditEvent)(object_id="1")
    assert event.time is not None and event.outcome == AuditEvent.Outcome.SUCCESS  # a callable default, worked out
    assert Blank(AuditEvent)().changes is not Blank(AuditEvent)().changes  # a list each


def test_blank_makes_records_through_a_model_s_own_init(monkeypatch):
    made = []
    plain_init = Cadre.__init__

    def init(self, *args, **kwargs):
        plain_init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(Cadre, "__init__", init)
    blank = Blank(Cadre)
    cadre = blank(name="张三")
    assert blank.template is None and made == [cadre] and cadre.name == "张三"


@pytest.mark.parametrize("receiver", [False, True], ids=["copied", "post_init receiver: Model()"])
def test_blank_refuses_a_field_the_model_does_not_have(receiver):
    def seen(sender, instance, **kwargs):
        pass

    if receiver:
        signals.post_init.connect(seen, sender=Cadre)
    try:
        with pytest.raises(TypeError, match="no field"):
            Blank(Cadre)(name="张三", nickname="三儿")
    finally:
        signals.post_init.disconnect(seen, sender=Cadre)


def test_created_with_history_as_bulk_create_with_history_writes(county_admin, township):
    moment = clock.now()
    ours = create_with_history(Cadre, new_cadres(township, 0), user=county_admin, reason="Imported from a.xlsx",
                               moment=moment)
    theirs = bulk_create_with_history(new_cadres(township, 100), Cadre, default_user=county_admin,
                                      default_change_reason="Imported from a.xlsx", default_date=moment)

    assert [c.pk for c in ours] == sorted(c.pk for c in ours) and not any(c._state.adding for c in ours)

    def stored(cadres):
        rows = []
        for cadre in cadres:
            record = Cadre.objects.get(pk=cadre.pk)
            history = cadre.history.get()
            rows.append(({n: getattr(record, n) for n in COMPARED}, {n: getattr(history, n) for n in HISTORY},
                         history.history_date, record.created_at is not None))
        return rows

    def without_names(rows):  # the two lists differ by their names, numbers and phones only
        return [({k: v for k, v in r.items() if k not in ("name", "id_number", "id_number_index", "phone",
                                                          "phone_index", "birth_date")},
                 {k: v for k, v in h.items() if k not in ("name", "id_number", "id_number_index", "phone",
                                                          "phone_index", "birth_date")}, d, c)
                for r, h, d, c in rows]

    assert without_names(stored(ours)) == without_names(stored(theirs))
    for record, history, date, _created in stored(ours):
        assert history == {**{n: record[n] for n in COMPARED}, "history_type": "+",
                           "history_change_reason": "Imported from a.xlsx", "history_user_id": county_admin.pk}
        assert date == moment
    # Sealed once: the record and its history hold the same sealed text, not the clear value.
    sealed = dict(raw_values(Cadre.objects.filter(pk__in=[c.pk for c in ours]), ["id_number", "phone"]))
    history = Cadre.history.model.objects.filter(id__in=[c.pk for c in ours])
    for pk, values in raw_values(history, ["id_number", "phone"]):
        row = history.get(history_id=pk)
        assert values == sealed[row.id] and all(crypto.is_sealed(v) for v in values.values())


def test_rows_made_as_they_are_sent_are_written_as_a_list_of_them_is(township):
    cadres = new_cadres(township, 400)
    fields = [f for f in Cadre._meta.concrete_fields if not f.primary_key]
    values = RowValues(fields, connection, clock.now())
    made = []

    def row(cadre):
        made.append(cadre.name)
        return values.row(cadre)

    rows = Lazy(cadres, row)
    assert made == [] and len(rows) == 3  # nothing made before it is sent
    keys = insert(Cadre, fields, rows, returning=True)
    assert made == [c.name for c in cadres]  # each made once, in order
    assert keys == sorted(keys) and [Cadre.objects.get(pk=key).name for key in keys] == made


class Miscounted(Lazy):
    def __init__(self, items, make, length):
        super().__init__(items, make)
        self.length = length

    def __len__(self):
        return self.length


@pytest.mark.parametrize("announced", [2, 4])
def test_rows_other_in_number_than_announced_are_refused_and_nothing_is_written(township, announced):
    cadres = new_cadres(township, 500)
    fields = [f for f in Cadre._meta.concrete_fields if not f.primary_key]
    values = RowValues(fields, connection, clock.now())
    before = Cadre.objects.count()
    with pytest.raises(RuntimeError, match="announced"), transaction.atomic():
        insert(Cadre, fields, Miscounted(cadres, values.row, announced), returning=True)
    with pytest.raises(RuntimeError, match="announced"), transaction.atomic():
        insert(Cadre, fields, Miscounted(cadres, values.row, announced))
    assert Cadre.objects.count() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL sends the rows by COPY")
def test_a_row_that_would_query_while_copy_sends_is_refused_and_nothing_is_written(township):
    """A query on the connection COPY is using would wait for the COPY for ever: it is refused."""
    cadres = new_cadres(township, 600)
    fields = [f for f in Cadre._meta.concrete_fields if not f.primary_key]
    values = RowValues(fields, connection, clock.now())
    before = Cadre.objects.count()

    def row(cadre):
        Cadre.objects.exists()
        return values.row(cadre)

    with pytest.raises(RuntimeError, match="ran a query"), transaction.atomic():
        insert(Cadre, fields, Lazy(cadres, row), returning=True)
    assert Cadre.objects.count() == before


def test_the_reach_of_the_user_is_checked_on_keys_given_in_a_row_and_on_others(township_admin, township,
                                                                                other_township):
    mine = create_with_history(Cadre, new_cadres(township, 200), user=township_admin, reason="", moment=clock.now())
    elsewhere = create_with_history(Cadre, new_cadres(other_township, 300), user=township_admin, reason="",
                                    moment=clock.now())
    _ensure_within_reach(township_admin, Cadre, [c.pk for c in mine])
    with pytest.raises(PermissionDenied):
        _ensure_within_reach(township_admin, Cadre, [c.pk for c in (*mine, *elsewhere)])  # one range
    with pytest.raises(PermissionDenied):
        _ensure_within_reach(township_admin, Cadre, [mine[0].pk, elsewhere[-1].pk + 1000, elsewhere[0].pk])  # named


def test_the_collector_pause_gives_back_what_it_found():
    import gc

    from banzi.core.bulk import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves the outer one paused
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()
