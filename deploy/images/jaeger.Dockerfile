# Jaeger v2 all-in-one: OTLP receivers (4317 gRPC, 4318 HTTP), in-memory trace storage, the query API and UI on
# 16686, health on 13133 (built by deploy/images/build.sh jaeger). The build context is made by build.sh: the
# jaeger binary built from the Go module proxy (github.com/jaegertracing/jaeger, cmd/jaeger). A binary built
# that way carries no UI assets: the query API (/api/traces, /api/services) is whole, the UI page is a stub.
ARG BASE_IMAGE=continuum/base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates wget \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --uid 10003 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin jaeger
COPY jaeger /usr/local/bin/jaeger
ENV JAEGER_LISTEN_HOST=0.0.0.0
USER jaeger:jaeger
EXPOSE 4317 4318 16686 13133
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=6 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:13133/status"]
ENTRYPOINT ["/usr/local/bin/jaeger"]
