#!/usr/bin/env bash
# Resolves the test broker's jars (scripts/kafka/pom.xml) from Maven Central into the Maven cache
# (~/.m2, outside git) and writes their classpath to .cache/kafka/classpath-<pom hash>.txt; prints
# its path last. See scripts/lib/maven-classpath.sh.
exec bash "$(dirname "$0")/../lib/maven-classpath.sh" kafka
