# syntax=docker/dockerfile:1
# Hromada: a static Go binary (embedded templates, static files, migrations and SQLite driver)
# on a small Debian runtime with ca-certificates (the OIDC provider speaks HTTPS) and wget (health check).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /hromada ./cmd/hromada

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates wget \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 hromada \
 && useradd --system --uid 10001 --gid hromada --home-dir /data --no-create-home --shell /usr/sbin/nologin hromada \
 && mkdir -p /data \
 && chown hromada:hromada /data \
 && chmod 0750 /data
COPY --from=build /hromada /usr/local/bin/hromada
ENV HROMADA_ADDR=:8080 \
    HROMADA_DATA_DIR=/data
USER hromada:hromada
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["hromada"]
CMD ["serve"]
