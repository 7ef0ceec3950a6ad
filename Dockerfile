# Sasaran API + map. Not exercised by CI (no Docker engine there); see README.
FROM node:20-slim AS assets
WORKDIR /src
COPY scripts/vendor_assets.sh scripts/
COPY app/static app/static
RUN bash scripts/vendor_assets.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SASARAN_MODE=production \
    SASARAN_HOST=0.0.0.0 SASARAN_PORT=8000
RUN useradd --create-home --uid 10001 sasaran
WORKDIR /srv/sasaran
COPY pyproject.toml README.md ./
COPY app app
COPY geo geo
COPY migrations migrations
COPY data/samples data/samples
# Editable, so migrations/ and data/samples/ are found beside the code.
RUN pip install --no-cache-dir -e .
COPY --from=assets /src/app/static/vendor app/static/vendor
USER sasaran
EXPOSE 8000
CMD ["sh", "-c", "sasaran migrate && sasaran serve"]
