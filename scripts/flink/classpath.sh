#!/usr/bin/env bash
# Resolves the Flink session cluster's jars (scripts/flink/pom.xml) from Maven Central into the
# Maven cache (~/.m2, outside git) and writes their classpath to .cache/flink/classpath-<pom hash>.txt;
# prints its path last. See scripts/lib/maven-classpath.sh.
exec bash "$(dirname "$0")/../lib/maven-classpath.sh" flink
