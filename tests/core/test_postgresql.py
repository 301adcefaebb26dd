"""The application's PostgreSQL connections (banzi/settings.py): no just-in-time compilation, which cost
the figures' grouped queries more than it saved at province scale (bench/README.md)."""
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL settings only")


@pytest.mark.django_db
def test_the_application_s_connections_compile_no_query_just_in_time():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
