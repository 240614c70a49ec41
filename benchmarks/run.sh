#!/usr/bin/env bash
# The full benchmark (about 25 minutes on 2 cores: six clients, a fork per variant, round and client):
# builds the agent, the benchmarks and fetches the OpenTelemetry Java agent from Maven Central, then runs
# no agent / Upstream Guard / OpenTelemetry agent alternately: per-call JMH forks, start-up and memory
# probes (plain 'java' runs of a trivial main), and the failure path. The table goes to
# benchmarks/target/benchmark-results.md; logs to benchmarks/target/bench-logs/.
# Options are passed on to the launcher, e.g. --quick, --rounds 7, --startup-runs 20, --only startup.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA:-$(command -v java)}"
if [ "${SKIP_BUILD:-}" != "1" ]; then
  mvn -B -q -pl benchmarks -am package -DskipTests
fi
exec "$JAVA" -jar benchmarks/target/benchmarks.jar --java "$JAVA" \
  --ug-agent agent/target/upstream-guard-agent.jar \
  --otel-agent benchmarks/target/agents/opentelemetry-javaagent.jar \
  --out benchmarks/target/benchmark-results.md "$@"
