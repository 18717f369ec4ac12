#!/bin/sh
# Container entrypoint: optionally apply migrations, then run the command
# (gunicorn by default, or e.g. `python manage.py publish_scheduled`).
#
# DJANGO_MIGRATE_ON_START=1 applies migrations before starting. Set it on one
# service only (compose: `web`); with several replicas, run migrations as a
# one-off instead: `docker compose run --rm web python manage.py migrate`.
set -eu

if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]; then
    echo "docker-entrypoint: applying database migrations" >&2
    python manage.py migrate --noinput
fi

exec "$@"
