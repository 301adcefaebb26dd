"""API cases of the training figures (tests/core/test_api_generic.py): statistics, hours against the
yearly minimum, and the needs no program covers."""
from banzi.core import clock
from tests.api import ReadCase, register_read

from . import factories as tf


def _attended(township):
    program = tf.program(township, start_on=clock.today().replace(day=1), end_on=clock.today().replace(day=1))
    return tf.attend(tf.session(program), tf.cadre(township))


register_read(ReadCase(
    url_name="training-statistics",
    url=lambda township: f"/api/v1/training/statistics/?year={clock.today().year}",
    make=_attended,
    roles=("county_admin", "township_admin", "cadre_user"),
))
register_read(ReadCase(
    url_name="training-hours",
    url=lambda township: f"/api/v1/training/hours/?year={clock.today().year}",
    make=_attended,
    roles=("county_admin", "township_admin", "cadre_user"),
))
register_read(ReadCase(
    url_name="training-needs-uncovered",
    url=lambda township: "/api/v1/training/needs/uncovered/",
    make=lambda township: tf.need(township, tf.cadre(township), topic_name=f"未覆盖的需求{tf.n()}"),
    roles=("county_admin", "township_admin", "cadre_user"),
))
