"""digest/postgresql: quiet connections are reused without a round trip, dropped ones replaced."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="digest's PostgreSQL backend"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def from_another_connection(sql, params):
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        return other.execute(sql, params).fetchone()


def start_of_next_request():
    """What Django does between requests: the check runs before the first query."""
    close_old_connections()
    connection.close_if_health_check_failed()


def test_a_connection_the_server_dropped_is_replaced_before_the_next_requests_query():
    dropped = backend_pid()
    from_another_connection("SELECT pg_terminate_backend(%s)", [dropped])
    time.sleep(0.2)  # the server's goodbye reaches the socket

    start_of_next_request()

    assert backend_pid() != dropped


def test_a_quiet_connection_is_reused_without_asking_the_server():
    pid = backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'last query of the previous request'")

    start_of_next_request()

    (last_query,) = from_another_connection(
        "SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]
    )
    assert last_query == "SELECT 'last query of the previous request'"
    assert backend_pid() == pid
