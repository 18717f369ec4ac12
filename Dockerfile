# digest: the production image. Build with `docker build -t digest .`;
# docker-compose.yml runs it with PostgreSQL, Redis and the scheduler, and
# the README's "Deploying" section lists every environment variable.
#
# Stage 1 installs the dependencies named in pyproject.toml into a venv and
# collects the static files; stage 2 is the slim runtime, as a non-root user.

# Any Debian-based image with Python 3.11 as `python` on PATH will do; CI,
# which reaches no registry, builds one from Debian's own packages.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first, from pyproject.toml alone, so this layer is rebuilt only
# when they change. Non-editable, without the dev extras.
# pip's own settings (index, CA bundle) can be handed in as build secrets, for
# a build behind a proxy or a private index; they exist only during this step
# and never reach a layer:
#   --secret id=pip.conf,src=pip.conf [--secret id=pip-ca,src=ca-bundle.pem]
# with `cert = /run/secrets/pip-ca` in that pip.conf.
COPY pyproject.toml ./
RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf \
    --mount=type=secret,id=pip-ca,target=/run/secrets/pip-ca \
    pip install . \
    && rm -rf build *.egg-info

COPY . .
# Hashed, gzip- and brotli-compressed static files, built once into the image.
# The secret is a build-time placeholder: settings refuse to start production
# without one, and collectstatic never signs anything with it.
RUN DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DJANGO_STATIC_ROOT=/src/staticfiles \
    python manage.py collectstatic --noinput --verbosity 0


FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=0 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media \
    GUNICORN_HOST=0.0.0.0 \
    PORT=8000

RUN groupadd --system --gid 10001 digest \
    && useradd --system --uid 10001 --gid digest --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin digest

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Code and static files stay owned by root (read-only for the app user); only
# the media directory (uploads, usually a volume) is writable.
COPY --from=build /src /app
RUN mkdir -p /app/media && chown digest:digest /app/media

USER digest
EXPOSE 8000

# Liveness only (no database): a database outage must not get replicas killed.
# Load balancers should use /readyz for traffic decisions.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)" || exit 1

# The entrypoint runs migrations first when DJANGO_MIGRATE_ON_START=1.
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "digest.wsgi"]
