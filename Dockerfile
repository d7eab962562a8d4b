# Inovik container image.
#
#   docker build -t inovik .
#   docker run --rm -p 8080:8080 -v inovik-data:/data inovik            # SQLite in /data
#   docker run --rm -e DATABASE_URL=postgres://... -p 8080:8080 inovik  # PostgreSQL
#   docker run --rm inovik migrate | openapi | seed --demo               # other subcommands

############################################################################
# Builder
############################################################################
# bookworm matches the runtime stage's glibc; it already ships gcc, make and
# perl, which the vendored OpenSSL and bundled libpq/SQLite builds need.
FROM rust:1.95-bookworm AS builder

WORKDIR /build

# 1) Dependencies only: this layer is rebuilt only when Cargo.toml/Cargo.lock
#    change. Cargo refuses a manifest whose declared targets are missing, so
#    create placeholders for the lib, the bin and the [[test]] "api" target.
#    Afterwards the placeholder crate's own artifacts are deleted so the real
#    sources are always recompiled (COPY keeps the build context's mtimes,
#    which can be older than the placeholders and would let cargo consider
#    the placeholder build up to date).
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src tests/api \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs tests/api/main.rs \
    && cargo build --release --locked --bin inovik \
    && rm -rf src \
        target/release/inovik \
        target/release/.fingerprint/inovik-* \
        target/release/deps/inovik-* \
        target/release/deps/libinovik-*

# 2) The real crate. migrations/ is read at compile time by embed_migrations!
#    (migrations/postgres and migrations/sqlite); it is not needed at runtime.
#    tests/ is not copied: the placeholder satisfies the manifest for a
#    `--bin inovik` build.
COPY migrations ./migrations
COPY src ./src
RUN cargo build --release --locked --bin inovik \
    && install -D -m 0755 target/release/inovik /out/inovik

############################################################################
# Runtime
############################################################################
FROM debian:bookworm-slim AS runtime

ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="inovik" \
      org.opencontainers.image.description="Open registry and API for a regional Laboratorium Inovasi Pelayanan Publik" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

# The binary links only glibc dynamically (libpq, OpenSSL and SQLite are
# built in). ca-certificates: TLS to PostgreSQL/other services. curl: the
# HEALTHCHECK below, which must hit /health/ready (DB reachable), not just
# test that the port is open.
# Versions are not pinned on purpose (DL3008): bookworm's archive drops old
# versions on security updates, so pins would break rebuilds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged user; /data is its working directory so the default SQLite
# database (./inovik.db) is writable. Mount a volume there to keep it.
RUN groupadd --system --gid 10001 inovik \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data \
        --no-create-home --shell /usr/sbin/nologin inovik \
    && mkdir -p /data \
    && chown 10001:10001 /data

COPY --from=builder /out/inovik /usr/local/bin/inovik

USER 10001:10001
WORKDIR /data

# Inside a container the server must listen on all interfaces (the binary's
# own default is 127.0.0.1:8080, unreachable through a published port).
ENV INOVIK_BIND=0.0.0.0:8080 \
    RUST_LOG=info

EXPOSE 8080

# Migrations run at the start of `serve`, hence the start period. Assumes the
# default port 8080; adjust if INOVIK_BIND is overridden.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/health/ready"]

ENTRYPOINT ["inovik"]
CMD ["serve"]
