FROM python:3.11-slim-bookworm

# WeasyPrint's libraries and a fallback font; pg_dump and pg_restore (15, as the server) for
# manage.py backup and restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
       postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 REVOCATION_DATA_DIR=/data
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --home /app revocation && mkdir -p /data && chown revocation /data
USER revocation
EXPOSE 8000
CMD ["gunicorn", "revocation.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
