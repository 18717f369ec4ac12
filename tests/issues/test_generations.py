"""The publication generation reaches every serving process before a change completes."""

import logging
import threading
import time

import pytest
import redis

from issues import generations
from tests.issues.test_page_cache import REDIS, use_redis_with_pushed_generations


@pytest.fixture
def pushed(settings):
    use_redis_with_pushed_generations(settings)
    return generations.listener


def test_a_change_returns_only_once_this_process_uses_the_new_generation(pushed):
    before = generations.current_generation()
    token = generations.new_generation()
    # No waiting here: new_generation() waited for the listener's confirmation.
    assert pushed.generation == token != before
    assert generations.current_generation() == token


def test_a_listening_process_asks_the_cache_nothing(pushed, monkeypatch):
    token = generations.new_generation()
    monkeypatch.setattr(generations, "_stored_generation", lambda: pytest.fail("asked Redis"))
    assert generations.current_generation() == token


def test_a_process_that_never_confirms_is_reported_and_does_not_hold_the_change(pushed, caplog):
    channel, _confirmed = generations._names()
    silent = redis.Redis.from_url(REDIS).pubsub()
    silent.subscribe(channel)
    silent.get_message(timeout=1)  # the subscription is confirmed
    try:
        with caplog.at_level(logging.WARNING, logger="issues.generations"):
            token = generations.new_generation()
    finally:
        silent.close()
    assert pushed.generation == token
    assert "1 of 2 processes did not confirm" in caplog.text


def test_without_a_listener_the_generation_is_read_from_the_cache(settings):
    from django.core.cache import cache

    settings.DIGEST_PAGE_CACHE_PUSH = False
    cache.set(generations.GENERATION_KEY, 1234, timeout=None)
    assert generations.current_generation() == 1234
    token = generations.new_generation()
    assert generations.current_generation() == token != 1234


def test_a_stopped_listener_leaves_the_channel_so_no_change_waits_for_it(pushed):
    channel, _confirmed = generations._names()
    client = redis.Redis.from_url(REDIS)
    assert client.pubsub_numsub(channel) == [(channel.encode(), 1)]
    pushed.stop()
    for _ in range(100):
        if client.pubsub_numsub(channel) == [(channel.encode(), 0)]:
            break
        time.sleep(0.01)
    assert client.pubsub_numsub(channel) == [(channel.encode(), 0)]


def test_a_listener_started_again_after_a_stop_is_the_only_one_listening(pushed):
    channel, _confirmed = generations._names()
    client = redis.Redis.from_url(REDIS)
    pushed.stop()
    pushed.current()  # started again, as a test or a re-forked worker does
    for _ in range(200):
        if pushed.current() is not None:
            break
        time.sleep(0.01)

    # The stopped thread would have come back after its one-second pause.
    time.sleep(1.5)

    assert client.pubsub_numsub(channel) == [(channel.encode(), 1)]
    token = generations.new_generation()
    assert pushed.generation == token


def test_a_process_that_wakes_after_missing_a_change_reads_the_new_generation(
    pushed, monkeypatch, caplog
):
    """A frozen process (stopped, swapped out) wakes with the message still unread."""
    pubsub = pushed._pubsub
    thaw = threading.Event()
    listen = pubsub.get_message

    def frozen(*args, **kwargs):
        thaw.wait()
        return listen(*args, **kwargs)

    monkeypatch.setattr(pubsub, "get_message", frozen)
    time.sleep(generations.POLL_SECONDS * 2)  # the listener is frozen now
    with caplog.at_level(logging.WARNING, logger="issues.generations"):
        token = generations.new_generation()
    assert "1 of 1 processes did not confirm" in caplog.text
    assert generations.current_generation() == token
    thaw.set()
    for _ in range(100):
        if pushed.current() == token:
            break
        time.sleep(0.02)
    assert pushed.current() == token
