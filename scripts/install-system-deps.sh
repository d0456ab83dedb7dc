#!/usr/bin/env bash
# Install the Debian packages crimegraph's tests need; safe to run again (installs only
# what is missing, and runs `apt-get update` only when something must be installed).
#
#   scripts/install-system-deps.sh
#
#   - chromium (/usr/bin/chromium) + fonts: headless browser for the UI tests (Playwright
#     drives Debian's chromium via executable_path; `playwright install` is never needed)
#   - java 17+ and mvn: build/run the in-process Neo4j test server (scripts/neo4j-server.sh)
#   - graphviz (dot, sfdp): the layout of `crimegraph report`'s static network charts
#   - poppler-utils (pdftotext, pdftoppm): the report tests read and render the dossier PDFs
#
# Needs root (or passwordless sudo) only when something is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

log() { echo "install-system-deps: $*" >&2; }

missing=()

if ! command -v chromium >/dev/null 2>&1; then
    missing+=(chromium)
fi
# Without any font, pages render as empty boxes. DejaVu covers Latin/Cyrillic/Greek;
# Liberation gives Arial/Times/Courier-metric fonts (chromium only recommends it, and we
# install with --no-install-recommends).
for font in fonts-dejavu-core fonts-liberation; do
    if ! dpkg-query -W -f='${Status}' "$font" 2>/dev/null | grep -q 'ok installed'; then
        missing+=("$font")
    fi
done

if ! command -v dot >/dev/null 2>&1 || ! command -v sfdp >/dev/null 2>&1; then
    missing+=(graphviz)
fi
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
    missing+=(poppler-utils)
fi

java_ok=0
if command -v java >/dev/null 2>&1; then
    major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
    major="${major%%.*}"
    if [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 17 )); then
        java_ok=1
    fi
fi
if (( ! java_ok )); then
    missing+=(openjdk-17-jdk-headless)
fi
if ! command -v mvn >/dev/null 2>&1; then
    missing+=(maven)
fi

if (( ${#missing[@]} == 0 )); then
    log "all present: chromium ($(command -v chromium)), fonts, graphviz, poppler-utils, java, mvn"
    exit 0
fi

SUDO=()
if (( EUID != 0 )); then
    command -v sudo >/dev/null 2>&1 || { log "need root to install: ${missing[*]}"; exit 1; }
    SUDO=(sudo -n)
fi

log "installing: ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# A JDK 17 installed next to an older default java: make it the default.
if (( ! java_ok )) && [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
    "${SUDO[@]}" update-alternatives --set java /usr/lib/jvm/java-17-openjdk-amd64/bin/java >/dev/null 2>&1 || true
fi

command -v chromium >/dev/null 2>&1 || { log "chromium still missing after install"; exit 1; }
command -v java >/dev/null 2>&1 || { log "java still missing after install"; exit 1; }
command -v mvn >/dev/null 2>&1 || { log "mvn still missing after install"; exit 1; }
command -v dot >/dev/null 2>&1 || { log "graphviz (dot) still missing after install"; exit 1; }
command -v pdftotext >/dev/null 2>&1 || { log "poppler-utils (pdftotext) still missing after install"; exit 1; }
log "done: $(chromium --version 2>/dev/null || echo chromium)"
