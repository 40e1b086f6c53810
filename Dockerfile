# syntax=docker/dockerfile:1
# svcgen: multi-stage build, slim base, non-root, gunicorn as the entry point.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt pyproject.toml README.md ./
RUN /opt/venv/bin/pip install -r requirements.txt
COPY svcgen/ svcgen/
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKERS=2 \
    SVCGEN_TEMPLATES=/app/charts_templates \
    DATABASE_URL=sqlite:////data/svcgen.db \
    PROMETHEUS_MULTIPROC_DIR=/tmp/svcgen-metrics
# graphviz's dot draws GET .../diagram.svg (without it that answers 503).
RUN apt-get update \
    && apt-get install -y --no-install-recommends graphviz=2.42.2-7+deb12u1 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin svcgen \
    && mkdir -p /data && chown svcgen /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY app.py alembic.ini gunicorn.conf.py ./
COPY charts_templates/ charts_templates/
COPY migrations/ migrations/
USER 10001
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PORT']}/healthz\", timeout=2)"]
# Migrations first, then gunicorn with gunicorn.conf.py (HOST, PORT, WORKERS; JSON logs;
# metrics); exec so gunicorn gets SIGTERM and finishes the requests in flight.
CMD ["sh", "-c", "alembic upgrade head && exec gunicorn -c gunicorn.conf.py app:app"]
