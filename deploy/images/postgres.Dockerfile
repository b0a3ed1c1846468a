# PostgreSQL 15 from Debian's packages (built by deploy/images/build.sh postgres). Configured like the postgres
# image: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB make the cluster in an empty /var/lib/postgresql/data
# on the first start, which then runs the *.sql files in /docker-entrypoint-initdb.d (docker-compose.yml mounts
# deploy/postgres-init.sql there: one database per service).
ARG BASE_IMAGE=continuum/base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15 /etc/postgresql/15 \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql /docker-entrypoint-initdb.d \
    && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql && chmod 700 /var/lib/postgresql/data
COPY postgres-entrypoint /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres:postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=12 \
    CMD ["pg_isready", "--host=127.0.0.1", "--username=postgres"]
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
