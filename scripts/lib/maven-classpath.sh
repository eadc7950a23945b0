#!/usr/bin/env bash
# Usage: maven-classpath.sh <name> — resolves the jars listed in scripts/<name>/pom.xml from Maven
# Central into the Maven cache (~/.m2, outside git) and writes their classpath to
# .cache/<name>/classpath-<pom hash>.txt. Idempotent: with the file already there (same pom, every
# jar still in the cache) it only prints its path. Prints the path last. Used by the test services
# that run from Maven jars (scripts/kafka, scripts/flink).
set -euo pipefail
name="$1"
here="$(cd "$(dirname "$0")/../$name" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/.cache/$name"
command -v java >/dev/null 2>&1 || { echo "scripts/$name: java not found; it needs a JDK 17+ (Debian: apt-get install -y openjdk-17-jdk-headless)" >&2; exit 1; }
hash="$(sha256sum "$here/pom.xml" | cut -c1-12)"
out="$cache/classpath-$hash.txt"
if [[ -s "$out" ]]; then
  # Still valid only while every jar is in the Maven cache (~/.m2 may have been emptied since).
  missing=0
  IFS=: read -r -a jars < "$out" || true
  for j in "${jars[@]}"; do [[ -f "$j" ]] || { missing=1; break; }; done
  if [[ $missing == 0 ]]; then echo "$out"; exit 0; fi
  echo "scripts/$name: jars of $out are gone from the Maven cache; resolving again" >&2
fi
command -v mvn >/dev/null 2>&1 || { echo "scripts/$name: mvn not found; it fetches the jars from Maven Central (Debian: apt-get install -y maven)" >&2; exit 1; }
mkdir -p "$cache"
start=$(date +%s)
echo "scripts/$name: resolving the jars with Maven (first time only)..." >&2
tmp="$out.tmp.$$"
if ! mvn -B -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$tmp" >&2; then
  rm -f "$tmp"; echo "scripts/$name: Maven could not resolve scripts/$name/pom.xml (see above)" >&2; exit 1
fi
mv "$tmp" "$out"
echo "scripts/$name: classpath ready in $(( $(date +%s) - start ))s: $out" >&2
echo "$out"
