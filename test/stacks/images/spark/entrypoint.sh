#!/usr/bin/env bash
# Stand-in for the apache/spark image's /opt/entrypoint.sh, for what the lab uses: run the given command under tini.
exec /usr/bin/tini -s -- "$@"
