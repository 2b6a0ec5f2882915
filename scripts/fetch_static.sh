#!/usr/bin/env bash
# Leaflet and Leaflet.markercluster for the offline map, from the npm registry (pinned versions).
# The files go to static/vendor/ (not committed) and are served by Streamlit at /app/static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
LEAFLET=1.9.4
CLUSTER=1.5.3
dest=static/vendor
if [ -f "$dest/leaflet/leaflet.js" ] && [ -f "$dest/markercluster/leaflet.markercluster.js" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "leaflet@$LEAFLET" "leaflet.markercluster@$CLUSTER" >/dev/null)
mkdir -p "$dest/leaflet" "$dest/markercluster"
tar -xzf "$tmp/leaflet-$LEAFLET.tgz" -C "$tmp" && cp -r "$tmp/package/dist/." "$dest/leaflet/" && rm -rf "$tmp/package"
tar -xzf "$tmp/leaflet.markercluster-$CLUSTER.tgz" -C "$tmp" && cp -r "$tmp/package/dist/." "$dest/markercluster/"
echo "Leaflet $LEAFLET и Leaflet.markercluster $CLUSTER установлены в $dest"
