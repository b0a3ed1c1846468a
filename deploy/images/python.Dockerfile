# The Python the five services run on, from the Debian base (built by deploy/images/build.sh python):
#   --target runtime  continuum/python:3.11        Debian's python3 (3.11) and the CA certificates, nothing else
#   --target build    continuum/python-build:3.11  that plus pip and uv: what a service's build stage needs
# Both are shared by every service, so the Debian packages are installed once and not in each service's image.
ARG BASE_IMAGE=continuum/base:bookworm

FROM ${BASE_IMAGE} AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends python3 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*

FROM runtime AS build
# The certificate authorities this machine trusts beyond Debian's (build.sh copies them from
# /usr/local/share/ca-certificates), so that a build behind a TLS-inspecting proxy reaches PyPI. Only builds
# carry them: the services' images start again from the runtime stage.
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip \
    && rm -rf /var/lib/apt/lists/* && update-ca-certificates
# The build stage is thrown away; Debian's pip may install uv beside its own packages there.
ENV PIP_BREAK_SYSTEM_PACKAGES=1 PIP_ROOT_USER_ACTION=ignore PIP_NO_CACHE_DIR=1 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt
COPY install.sh /usr/local/share/continuum/install.sh
RUN bash /usr/local/share/continuum/install.sh uv
