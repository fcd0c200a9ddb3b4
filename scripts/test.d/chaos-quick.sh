#!/usr/bin/env bash
# A shortened chaos run: silos killed with SIGKILL and PostgreSQL restarted under load; counts as one test.
set -euo pipefail
exec "$(dirname "$0")/../chaos.sh" --quick
