# Slim, non-root image: applies migrations, then runs the bot (`in2spire run`).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY sandbox ./sandbox
COPY prompts ./prompts
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite+aiosqlite:////app/data/in2spire.db
RUN useradd --create-home --uid 10001 in2spire
COPY --from=build /install /usr/local
WORKDIR /app
RUN mkdir -p /app/data && chown in2spire:in2spire /app/data
USER in2spire
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import os,sys,urllib.request; u=os.environ.get('WEBHOOK_URL'); sys.exit(0) if not u else urllib.request.urlopen('http://127.0.0.1:'+os.environ.get('WEBHOOK_LISTEN','0.0.0.0:8080').rsplit(':',1)[1]+'/healthz', timeout=2)"
# `run` applies migrations before starting.
CMD ["in2spire", "run"]
