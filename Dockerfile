# KK Digital: one image for web (gunicorn), worker and beat (Celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEDIA_ROOT=/app/media \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint's system libraries (Pango, HarfBuzz, libffi) and fonts for the
# budget notes; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libffi8 \
        fonts-dejavu-core fonts-liberation2 fontconfig \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Compiled catalogues and collected static files are part of the image. The
# key below only lets settings load during the build; it is never used to sign.
RUN python manage.py compilemessages --ignore=.venv \
    && DEBUG=0 SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin kkdigital \
    && mkdir -p /app/media \
    && chown -R kkdigital:kkdigital /app/media
USER kkdigital

EXPOSE 8000
CMD ["gunicorn", "kkdigital.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
