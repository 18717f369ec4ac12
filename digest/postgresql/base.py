"""Django's PostgreSQL backend, with a health check that costs no round trip.

With ``CONN_HEALTH_CHECKS`` Django checks a reused connection at the start of
every request by sending ``SELECT 1``: a round trip to the server before the
request's first real query, a tenth of an uncached public page's time. A
connection the server has dropped (restart, failover, ``pg_terminate_backend``,
a proxy going away) has its socket readable: the server's last message or the
end of the stream is waiting there. So a quiet socket means the connection is
as good as it was after its last query, and only a connection with something
waiting, or one that had an error, is asked with ``SELECT 1``.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken or self.errors_occurred:
            return super().is_usable()
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        return not poller.poll(0) or super().is_usable()
