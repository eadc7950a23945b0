#!/usr/bin/env bash
# Provisions what the integration suites need on a fresh machine of this kind (npm test calls it;
# so can a developer). Idempotent, and a few hundred ms when everything is already there:
#  - Java 17+ and Maven (installed with apt-get when missing and root; a clear error otherwise);
#  - the Kafka test broker's jars from Maven Central (~/.m2) and their classpath (.cache/kafka/);
#  - the Flink session cluster's jars the same way (.cache/flink/, see scripts/flink);
#  - Debian's PostgreSQL server binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s%N)
apt_updated=0
apt_install() {
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then return 1; fi
  export DEBIAN_FRONTEND=noninteractive
  if [[ $apt_updated == 0 ]]; then apt-get update -qq; apt_updated=1; fi
  apt-get install -y -qq "$@"
}
if ! java -version >/dev/null 2>&1; then
  echo "provision: java not found; installing openjdk-17-jdk-headless" >&2
  apt_install openjdk-17-jdk-headless || { echo "provision: FAILED: the Kafka test broker needs Java 17+ (apt-get install -y openjdk-17-jdk-headless)" >&2; exit 1; }
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "provision: mvn not found; installing maven" >&2
  apt_install maven || { echo "provision: FAILED: Maven fetches the Kafka test broker's jars (apt-get install -y maven)" >&2; exit 1; }
fi
classpath="$(bash scripts/kafka/classpath.sh)"
flink_classpath="$(bash scripts/flink/classpath.sh)"
pgbin="$(bash scripts/postgres/ensure-postgres.sh)"
echo "provision: ok in $(( ($(date +%s%N) - start) / 1000000 )) ms (kafka classpath ${classpath#"$PWD"/}, flink classpath ${flink_classpath#"$PWD"/}, postgres $pgbin)"
