# Quorum's web container: gunicorn serving the Flask app, as a non-root user.
# `docker compose up` runs it behind nginx with PostgreSQL and Redis (docker-compose.yml).
FROM python:3.12-slim

# PYTHONPATH: webapp finds templates/, static/, migrations/ and translations/ next to
# its own folder (webapp/config.py, PROJECT_ROOT), so it must be imported from /app,
# not from the copy that `pip install .` puts in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    FLASK_APP=wsgi \
    QUORUM_ENV=production

WORKDIR /app
RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin quorum

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . .
# The build needs a throwaway key (nothing is signed), not a generated one in instance/.
RUN pip install --no-deps . \
 && QUORUM_ENV=development SECRET_KEY=build-time-only flask --app wsgi translate compile \
 && mkdir -p instance \
 && chown quorum:quorum instance

USER quorum
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; port = os.environ.get('GUNICORN_BIND', ':8000').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]

# Migrate, then replace the shell with gunicorn so it gets SIGTERM from `docker stop`.
CMD ["sh", "-c", "flask --app wsgi db upgrade && exec gunicorn -c gunicorn.conf.py wsgi:app"]
