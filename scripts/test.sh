#!/usr/bin/env bash
# Installs what the tests need when it is missing, then runs every test project.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${STACKL_TEST_POSTGRES:-}" ]; then
  need_apt+=(postgresql)
fi
if [ -d test/Stackl.Dashboard.Tests ] && ! command -v chromium >/dev/null 2>&1; then
  need_apt+=(chromium)
fi
if [ -d test/k8s-validate ] && { ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; }; then
  need_apt+=(nodejs npm)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing ${need_apt[*]} from apt..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null || {
      echo "apt-get install ${need_apt[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "Missing ${need_apt[*]}: install them (sudo apt-get install ${need_apt[*]}) or set STACKL_TEST_POSTGRES to a PostgreSQL connection string."
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build Stackl.sln -c Release -nologo -clp:ErrorsOnly 2>&1 | tee "$log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Stackl.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
passed=${passed:-0}
failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host that crashed reports no count: count the run as one failure.
  failed=1
fi
echo "${passed} passed, ${failed} failed"
exit "$status"
