# The dispatch service's image: continuum-dispatch and its dependencies only, no dev tools, run as a non-root user.
# Build context is the repository root: `docker compose build dispatch`.
# Both images come from `make images` (deploy/images/python.Dockerfile): Debian's Python 3.11, and it plus pip and uv.
ARG PYTHON_IMAGE=continuum/python:3.11
ARG BUILD_IMAGE=continuum/python-build:3.11

FROM ${BUILD_IMAGE} AS build
ENV UV_PROJECT_ENVIRONMENT=/opt/continuum UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/bin/python3.11 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY deploy/install.sh deploy/install.sh
RUN bash deploy/install.sh uv
COPY . .
# The install step CI runs too (deploy/install.sh), limited to this one package.
RUN --mount=type=cache,target=/root/.cache/uv bash deploy/install.sh continuum-dispatch

FROM ${PYTHON_IMAGE}
RUN useradd --system --user-group --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin continuum
COPY --from=build /opt/continuum /opt/continuum
ENV PATH=/opt/continuum/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    CONTINUUM_HTTP_HOST=0.0.0.0 CONTINUUM_HTTP_PORT=8002 CONTINUUM_DATA_DIR=/tmp/continuum
USER 10001:10001
EXPOSE 8002
CMD ["python", "-m", "continuum_dispatch"]
