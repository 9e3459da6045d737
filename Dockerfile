# Image shared by the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=crm.settings.production
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 crm
WORKDIR /app
COPY pyproject.toml README.md ./
COPY crm crm
COPY tiers tiers
COPY parc parc
COPY ventes ventes
COPY fidelite fidelite
COPY synthese synthese
RUN pip install --no-cache-dir .
COPY . .
RUN python scripts/fetch_static_vendor.py
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused/unused python manage.py collectstatic --no-input \
    && mkdir -p /srv/crm360/media && chown -R crm /srv/crm360
USER crm
EXPOSE 8000
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
