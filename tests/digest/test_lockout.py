"""Brute force on the admin login: failed logins lock out the user name and the
client address (django-axes), with a message, until an admin resets them."""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_user

PASSWORD = "right-password-9361"
LOCKED_MESSAGE = "登录失败次数过多"


@pytest.fixture
def victim(db):
    user = make_user("victim", groups=["editor"])
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, username, password, address="203.0.113.7", **headers):
    client.logout()
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def logged_in(response):
    return response.status_code == HTTPStatus.FOUND and response["Location"] == reverse(
        "admin:index"
    )


def test_right_password_after_two_hundred_wrong_ones_is_refused_with_a_message(client, victim):
    for attempt in range(200):
        response = log_in(client, "victim", f"guess-{attempt}")
        assert not logged_in(response)
    response = log_in(client, "victim", PASSWORD)
    assert not logged_in(response)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_of_a_user_name_holds_from_another_address(client, victim, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "victim", f"guess-{attempt}", address="203.0.113.7")
    response = log_in(client, "victim", PASSWORD, address="198.51.100.20")
    assert not logged_in(response)
    assert LOCKED_MESSAGE in response.content.decode()


def test_address_that_guessed_at_many_names_is_locked_out_for_every_name(client, victim, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"someone-{attempt}", "guess", address="203.0.113.9")
    assert not logged_in(log_in(client, "victim", PASSWORD, address="203.0.113.9"))
    assert logged_in(log_in(client, "victim", PASSWORD, address="198.51.100.20"))


def test_failures_below_the_limit_do_not_lock_anyone_out(client, victim, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "victim", f"typo-{attempt}")
    assert logged_in(log_in(client, "victim", PASSWORD))


def test_axes_reset_unlocks(client, victim, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT + 5):
        log_in(client, "victim", f"guess-{attempt}")
    assert not logged_in(log_in(client, "victim", PASSWORD))
    call_command("axes_reset", verbosity=0)
    assert logged_in(log_in(client, "victim", PASSWORD))


def test_own_successful_login_does_not_reset_the_count_against_another_name(
    client, victim, editor, settings
):
    editor.set_password(PASSWORD)
    editor.save()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "victim", f"guess-{attempt}")
        assert logged_in(log_in(client, "editor", PASSWORD, address="198.51.100.30"))
    log_in(client, "victim", "one-more-guess", address="198.51.100.31")
    assert not logged_in(log_in(client, "victim", PASSWORD, address="198.51.100.32"))


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(client, victim, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The attacker forges a fresh first entry each time; the proxy appends the real one.
        log_in(
            client,
            f"someone-{attempt}",
            "guess",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.50",
        )
    locked = log_in(
        client, "victim", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert not logged_in(locked)
    other_client = log_in(
        client, "victim", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert logged_in(other_client)
