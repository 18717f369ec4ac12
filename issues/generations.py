"""The current publication generation, pushed to every process instead of asked for.

With a shared cache the page cache keys pages by a *generation* token that
every committed change of the published layer replaces (``issues.cache``).
Asking Redis for the token costs a round trip on every request, as much as
serving the cached page itself. So each serving process keeps a listener
thread subscribed to a channel; a change sets the new token, publishes it and
then **waits until every subscribed process has confirmed it**, so by the time
the change completes every listening process already uses the new token: no
reader is ever served from the old generation, and a request asks Redis
nothing.

A process whose listener is not (yet, or no longer) subscribed falls back to
reading the token from the cache on every request, as before. A listener that
does not confirm within ``CONFIRM_SECONDS`` (a process that hung, or lost
Redis) is logged and no longer waited for. Such a process must not use the
token it holds when it wakes: a listener that loses its connection stops
being used at once, and one that has not heard from its connection for
``HEARD_WITHIN`` seconds (a process stopped, swapped out or stuck, with the
message still unread) is not used until it hears again.
"""

import logging
import os
import secrets
import threading
import time

import redis
from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

GENERATION_KEY = "digest:publication-generation"
# Below the cache's socket timeout (2 s): waiting must never look like a dead Redis.
CONFIRM_SECONDS = 1.0
# The listener looks at its connection this often, and its token is trusted
# only if it looked within HEARD_WITHIN. A change stops waiting for a process
# after CONFIRM_SECONDS; a process that has not confirmed by then has not
# looked since the message came, so when it wakes it reads the cache instead.
POLL_SECONDS = 0.25
HEARD_WITHIN = 0.75


def _redis():
    """The raw client of the default cache when it is Redis, else None."""
    backend = caches["default"]
    client_of = getattr(getattr(backend, "_cache", None), "get_client", None)
    return client_of(write=True) if client_of else None


def _names():
    backend = caches["default"]
    return backend.make_key("digest:publication-changes"), backend.make_key("digest:confirmed")


class Listener:
    """A thread per process holding the generation last published."""

    def __init__(self):
        self.generation = None
        self.ready = False
        self.heard_at = 0.0
        self._pid = None
        self._run_token = None
        self._pubsub = None

    def current(self):
        """The generation this process was told about, or None (then ask the cache)."""
        if not settings.DIGEST_PAGE_CACHE_PUSH:
            return None
        if self._pid != os.getpid():
            # Not started in this process yet (a forked worker starts its own).
            if _redis() is not None:
                self._pid = os.getpid()
                self.ready = False
                # Its own token: a thread from before a stop() never comes back.
                self._run_token = token = object()
                threading.Thread(
                    target=self._run, args=(token,), name="digest-generations", daemon=True
                ).start()
            return None
        if not self.ready or time.monotonic() - self.heard_at >= HEARD_WITHIN:
            return None
        return self.generation

    def _running(self, token):
        return self._run_token is token and self._pid == os.getpid()

    def _run(self, token):
        channel, _confirmed = _names()
        while self._running(token):
            try:
                self._listen(channel, token)
            except Exception:  # noqa: BLE001 - any failure: fall back, then retry
                if not self._running(token):
                    return  # stopped: the process is exiting
                logger.warning("page cache: generation listener lost Redis", exc_info=True)
            if self._running(token):
                self.ready = False
            time.sleep(1)

    def _listen(self, channel, token):
        # A connection of its own, with no read timeout: it waits for messages.
        location = settings.CACHES["default"]["LOCATION"]
        client = redis.Redis.from_url(location, socket_connect_timeout=2, socket_keepalive=True)
        pubsub = self._pubsub = client.pubsub()
        try:
            pubsub.subscribe(channel)
            while self._running(token):
                message = pubsub.get_message(timeout=POLL_SECONDS) or {"type": None}
                if message["type"] == "subscribe":
                    # Changes from now on arrive as messages; the one before is in the cache.
                    self.generation = _stored_generation()
                    self.ready = True
                elif message["type"] == "message":
                    generation = int(message["data"])
                    self.generation = generation
                    self.ready = True
                    client.rpush(_confirm_key(generation), os.getpid())
                # Nothing is waiting unread on the connection at this moment.
                self.heard_at = time.monotonic()
        finally:
            if self._running(token):
                self.ready = False
            pubsub.close()

    def stop(self):
        """Unsubscribe before this process exits, so that no change waits for it."""
        self.ready = False
        self._pid = None
        self._run_token = None
        pubsub = self._pubsub
        if pubsub is not None and pubsub.connection is not None:
            pubsub.connection.disconnect()


def _confirm_key(token):
    return f"{_names()[1]}:{token}"


listener = Listener()


def current_generation():
    """The token pages are filed under now."""
    generation = listener.current()
    return _stored_generation() if generation is None else generation


def _stored_generation():
    cache = caches["default"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First request, or the key was evicted: a token nobody has used yet,
        # so no page cached under an earlier one can be reached.
        cache.add(GENERATION_KEY, secrets.randbits(62), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def new_generation():
    """Replace the token, and return once every listening process has it."""
    token = secrets.randbits(62)
    caches["default"].set(GENERATION_KEY, token, timeout=None)
    client = _redis() if settings.DIGEST_PAGE_CACHE_PUSH else None
    if client is None:
        return token
    channel, _confirmed = _names()
    key = _confirm_key(token)
    receivers = client.publish(channel, token)
    deadline = time.monotonic() + CONFIRM_SECONDS
    confirmed = 0
    while confirmed < receivers:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or client.blpop([key], timeout=max(remaining, 0.01)) is None:
            logger.warning(
                "page cache: %d of %d processes did not confirm the new generation",
                receivers - confirmed,
                receivers,
            )
            break
        confirmed += 1
    client.delete(key)
    return token
