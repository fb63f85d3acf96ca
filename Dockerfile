# One image for web, worker and beat (docker-compose.yml shares it through a YAML anchor).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_MODE=production VAR_DIR=/app/var
# libharfbuzz-subset0: without it WeasyPrint silently takes a several times slower font path.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext npm make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
RUN pip install --no-cache-dir uv==0.13.9 \
    && uv pip install --system --require-hashes --no-cache -r requirements.lock \
    && npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN python scripts/install_static.py \
    && SECRET_KEY=build-only-not-used-at-run-time-0123456789abcdefghijklmnop \
       python manage.py compilemessages --ignore=node_modules -v0 \
    && SECRET_KEY=build-only-not-used-at-run-time-0123456789abcdefghijklmnop \
       python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app kf && mkdir -p /app/var && chown -R kf /app/var
USER kf
EXPOSE 8000
CMD ["gunicorn", "klimatfardplan.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
