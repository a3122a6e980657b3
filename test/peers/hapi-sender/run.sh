#!/usr/bin/env bash
# Builds (once, cached by the pom and source) and runs the HAPI sender: run.sh HOST PORT FILE...
# Its jars come from Maven Central through the machine's Maven.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
key="$(cat "$here/pom.xml" "$here/src/HapiSender.java" | sha256sum | cut -c1-16)"
out="${XDG_CACHE_HOME:-$HOME/.cache}/vbc/hapi-sender-$key"
if [[ ! -f "$out/classpath.txt" || ! -f "$out/classes/HapiSender.class" ]]; then
  mkdir -p "$out/classes"
  mvn -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" >&2
  javac -d "$out/classes" -cp "$(cat "$out/classpath.txt")" "$here/src/HapiSender.java"
fi
exec java -cp "$out/classes:$(cat "$out/classpath.txt")" HapiSender "$@"
