#!/usr/bin/env bash
# The core and the five region plugins as built wheels, installed outside the checkout.
#
# Builds an sdist and a wheel of the core and of each plugin with `python -m build` (fails on any
# warning in the build output), installs the wheels into a fresh virtualenv in a temporary folder,
# and there, with a SQLite database and no checkout on the path, runs `flask db upgrade`,
# `flask demo load`, `flask plugins list` and smoke requests (/, a plugin's page, a static file,
# the English catalogue). Dependencies come from the package index (pip's cache makes it fast).
#
#   tests/packaging/wheel_install.sh            # uses .venv/bin/python (needs `build`, Babel)
#   PYTHON=/path/to/python KEEP=1 tests/packaging/wheel_install.sh   # keep the temporary folder
set -euo pipefail

CHECKOUT="$(cd "$(dirname "$0")/../.." && pwd)"
PYTHON="${PYTHON:-$CHECKOUT/.venv/bin/python}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/beteiligung-wheels.XXXXXX")"
START=$SECONDS
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept: $WORK"; fi; }
trap cleanup EXIT
case "$WORK" in "$CHECKOUT"/*) echo "the temporary folder must be outside the checkout" >&2; exit 2;; esac
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - START))"; }

step "compile the translation catalogues"
for dir in "$CHECKOUT"/plugins/*/beteiligung_*/translations; do
    "$PYTHON" -m babel.messages.frontend -q compile -d "$dir"
done

step "fresh virtualenv outside the checkout; the core's dependencies (in the background)"
mkdir -p "$WORK/dist" "$WORK/logs"
BASE_PYTHON="$("$PYTHON" -c 'import sys; print(sys._base_executable)')"
PIP_QUIET=(--quiet --disable-pip-version-check)
(
    "$BASE_PYTHON" -m venv "$WORK/venv"
    # The dependencies first, while the wheels are built; the wheels then install in seconds.
    "$WORK/venv/bin/python" - "$CHECKOUT/setup.cfg" >"$WORK/requirements.txt" <<'PY'
import configparser, sys
config = configparser.ConfigParser()
config.read(sys.argv[1])
print(config["options"]["install_requires"].strip())
PY
    "$WORK/venv/bin/pip" install "${PIP_QUIET[@]}" -c "$CHECKOUT/requirements/constraints.txt" -r "$WORK/requirements.txt"
) >"$WORK/logs/venv.log" 2>&1 &
DEPENDENCIES=$!

step "build sdists and wheels"
# One build environment with the build requirements of pyproject.toml (the same for every project
# here), instead of a fresh one per project: `build --no-isolation` still checks the requirements.
"$BASE_PYTHON" -m venv "$WORK/buildenv"
"$WORK/buildenv/bin/pip" install "${PIP_QUIET[@]}" "setuptools>=68" "Babel>=2.12" "build>=1.2"
for project in "$CHECKOUT" "$CHECKOUT"/plugins/*/; do
    project="${project%/}"
    name="$(basename "$project")"
    [ "$project" = "$CHECKOUT" ] && name=core
    log="$WORK/logs/$name.log"
    # PYTHONDONTWRITEBYTECODE makes setuptools print "byte-compiling is disabled" warnings.
    if ! (cd "$project" && env -u PYTHONDONTWRITEBYTECODE "$WORK/buildenv/bin/python" -m build --no-isolation \
            --outdir "$WORK/dist" . >"$log" 2>&1); then
        cat "$log" >&2; echo "build of $name failed" >&2; exit 1
    fi
    if grep -inE 'warn|deprecat' "$log" >&2; then
        echo "build of $name printed warnings (above; full log: $log)" >&2; KEEP=1; exit 1
    fi
    echo "$name: built without warnings ($((SECONDS - START))s)"
done
ls "$WORK/dist"

step "install the wheels"
wait "$DEPENDENCIES" || { cat "$WORK/logs/venv.log" >&2; echo "installing the dependencies failed" >&2; exit 1; }
"$WORK/venv/bin/pip" install "${PIP_QUIET[@]}" -c "$CHECKOUT/requirements/constraints.txt" "$WORK"/dist/*.whl

step "migrate, load the demo, serve"
mkdir -p "$WORK/site"
cd "$WORK/site"
unset PYTHONPATH FLASK_APP BETEILIGUNG_PLUGINS
export DATABASE_URL="sqlite:///$WORK/site/beteiligung.db" SECRET_KEY=wheel-install-test
FLASK="$WORK/venv/bin/flask --app beteiligung"
$FLASK db upgrade
$FLASK demo load >"$WORK/logs/demo.log" 2>&1 || { cat "$WORK/logs/demo.log" >&2; exit 1; }
$FLASK plugins list | tee "$WORK/logs/plugins.log"
"$WORK/venv/bin/python" - "$CHECKOUT" <<'PY'
import sys
from pathlib import Path

import beteiligung
from beteiligung import config, create_app

checkout, prefix = Path(sys.argv[1]), Path(sys.prefix)
for name, path in (("package", Path(beteiligung.__file__)), ("templates", config.TEMPLATES),
                   ("migrations", config.MIGRATIONS), ("translations", config.TRANSLATIONS)):
    assert path.is_relative_to(prefix), f"{name} comes from {path}, not from the installed wheel"
    assert not path.is_relative_to(checkout), f"{name} comes from the checkout: {path}"
assert (config.TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo").is_file(), "the core's .mo is missing"

app = create_app()
registry = app.extensions["beteiligung.plugins"]
expected = {"aachen", "gelsenkirchen", "paderborn", "soest", "wuppertal"}
assert set(registry.plugins) == expected and not registry.failed, (registry.plugins, registry.failed)
client = app.test_client()


def get(url, status=200):
    response = client.get(url, follow_redirects=True)
    assert response.status_code == status, f"GET {url}: {response.status_code}"
    return response.get_data(as_text=True)


home = get("/")
assert "Beteiligung" in home, home[:300]
assert get("/static/style.css")
for name in sorted(expected):
    page = get(f"/{name}/")  # the plugin's page in its home region (redirect from /<plugin>/)
    assert "<main" in page, f"/{name}/ is no page"
assert 'data-plugin="soest"' in get("/regionen/soest"), "the main menu lacks the plugin's entry"
english = get("/?lang=en")
assert '<html lang="en">' in english and "Skip to content" in english, "the English catalogue is not used"
print(f"smoke requests passed: /, /static/style.css, {', '.join(f'/{n}/' for n in sorted(expected))}, "
      "/regionen/soest (menu entry), /?lang=en")
PY

step "done"
echo "wheel install test passed in $((SECONDS - START)) s"
