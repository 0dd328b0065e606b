# CARES in a container: non-root, database on a volume, health check on /healthz.
#   docker build -t cares .
#   docker run -p 8000:8000 -v cares-data:/data \
#     -e CARES_BASE_URL=https://help.example.org -e CARES_ALLOWED_HOSTS=help.example.org \
#     -e CARES_TRUSTED_PROXIES=172.17.0.1 cares
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --create-home --home-dir /home/cares --shell /usr/sbin/nologin cares \
    && mkdir -p /data \
    && chown cares:cares /data

WORKDIR /app
COPY pyproject.toml README.md manifest.json service-worker.js ./
COPY server ./server
COPY pwa ./pwa
COPY catalogue ./catalogue
# Editable, so the server finds pwa/ and catalogue/ beside its code in /app.
RUN pip install -e . && python -c "import server.app"

ENV CARES_DB=/data/cares.db \
    CARES_HOST=0.0.0.0 \
    CARES_PORT=8000

USER cares
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["cares", "serve"]
