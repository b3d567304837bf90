#!/usr/bin/env bash
# Issue 16: the deployment files, checked offline. hadolint lints the Dockerfile (no Docker engine
# runs here to build it); kubernetes-validate checks deploy/k8s/ against the Kubernetes schemas it
# ships (strict: an unknown or misspelt field fails); docker-compose checks docker-compose.yml.
# Tools pinned with every dependency in .ci/deploy-check-requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.tmp/deploy-check-venv
if [ ! -x "$VENV/bin/kubernetes-validate" ] || ! cmp -s .ci/deploy-check-requirements.txt "$VENV/requirements.txt"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r .ci/deploy-check-requirements.txt
  cp .ci/deploy-check-requirements.txt "$VENV/requirements.txt"
fi
echo "hadolint Dockerfile"
"$VENV/bin/hadolint" --failure-threshold info Dockerfile
echo "kubernetes-validate --strict deploy/k8s/*.yaml"
"$VENV/bin/kubernetes-validate" --strict --quiet --kubernetes-version 1.33.0 deploy/k8s/*.yaml
echo "docker-compose config"
docker-compose -f docker-compose.yml config -q
echo "deployment files: all checks passed"
