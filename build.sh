#!/usr/bin/env bash
# nps-widget: one entry point. Each command installs what is missing, then does its job.
#   ./build.sh          build pkg/ (the npm package and the script-tag loader) and print sizes
#   ./build.sh serve    build, then run the collector with the demo app on 127.0.0.1:8787
#                       (NPS_PORT / NPS_DB change the port and the SQLite file); prints the
#                       dashboard's login URL and an admin token (NPS_ADMIN_TOKEN, fresh unless set)
#   ./build.sh test     build, then every test: native, browser (wasm-bindgen-test), end to end
#   ./build.sh bench    build, then the benchmarks (bench/run.mjs): download size, load and show
#                       timings in Chromium next to posthog-js, collector throughput, the report and
#                       the dashboard on 1,000,000 seeded answers; JSON in bench-results/
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# The quiet page view (the user is not due) downloads and runs only the loader: at most 2 KB gzip.
QUIET_BUDGET=2048

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

install_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want; want=$(wasm_bindgen_version)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ] ||
     [ "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (the version in Cargo.lock)"
    cargo install --locked wasm-bindgen-cli --version "$want" || cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

install_node_tools() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm tools (package-lock.json)"
    npm ci --no-fund --no-audit
  fi
}

install_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Debian chromium and chromium-driver"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# Gzip -9 size of what a host downloads to show the survey.
# For a language other than English, add that language's file (the largest one is counted).
host_files() {
  ls pkg/nps-widget.js pkg/index.js pkg/nps_widget_bg.wasm
  for f in pkg/i18n/*.js; do printf '%s %s\n' "$(gzip -9c "$f" | wc -c)" "$f"; done | sort -n | tail -1 | cut -d' ' -f2
}

print_sizes() {
  local total_raw=0 total_gz=0 raw gz f
  printf '%-28s %10s %10s\n' "file (what a host downloads)" "raw B" "gzip -9 B"
  for f in $(host_files); do
    raw=$(wc -c <"$f"); gz=$(gzip -9c "$f" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
    printf '%-28s %10d %10d\n' "${f#pkg/}" "$raw" "$gz"
  done
  printf '%-28s %10d %10d   (show path: budget %d B, in ./size-budget)\n' "total" "$total_raw" "$total_gz" "$(cat size-budget)"
  echo "$total_gz" > target/host-download.gz-bytes
  local quiet_gz; quiet_gz=$(gzip -9c pkg/nps-widget.js | wc -c)
  printf '%-28s %10d %10d   (quiet path: the loader alone, budget %d B)\n' "quiet page view" \
    "$(wc -c <pkg/nps-widget.js)" "$quiet_gz" "$QUIET_BUDGET"
  echo "$quiet_gz" > target/quiet-download.gz-bytes
}

build() {
  install_rust_tools
  install_node_tools
  log "building the widget (release wasm)"
  # As a cdylib-only build: with an rlib crate type alongside, cargo skips LTO (cargo#9672).
  # `nps_cdylib` makes this build `no_std` (see src/lib.rs): no panic formatting in the wasm.
  cargo rustc --quiet --lib --release --target wasm32-unknown-unknown --crate-type cdylib -- --cfg nps_cdylib
  rm -rf pkg && mkdir -p pkg
  local glue=target/wasm-bindgen
  rm -rf "$glue" && mkdir -p "$glue"
  wasm-bindgen --target web --no-typescript --out-dir "$glue" --out-name nps_widget \
    target/wasm32-unknown-unknown/release/nps_widget.wasm
  # The lowest 1 KB of memory is never used (the stack grows down from 1 MB, data lies above) and
  # wasm memory starts zeroed: both let wasm-opt fold more; --converge repeats -Oz to a fixpoint.
  wasm-opt -Oz --converge --low-memory-unused --zero-filled-memory --strip-debug --strip-producers --strip-target-features \
    "$glue/nps_widget_bg.wasm" -o pkg/nps_widget_bg.wasm
  # One- and two-letter import/export names in the wasm and the glue (about 4 KB gzip less).
  node tools/minify-wasm-names.cjs pkg/nps_widget_bg.wasm "$glue/nps_widget.js"
  # After an internal error the widget stops for good instead of throwing into the page again.
  node tools/guard-glue.cjs "$glue/nps_widget.js"
  # Each language as a tiny ES module whose default export is the language file's text, and a
  # map from tag to a static import() of each: bundlers then emit one chunk per language,
  # loaded only when a card is shown in that language.
  mkdir -p pkg/i18n
  node -e 'const fs = require("fs");
    const tags = fs.readdirSync("src/i18n").map((f) => f.replace(/\.txt$/, "")).sort();
    for (const tag of tags)
      fs.writeFileSync("pkg/i18n/" + tag + ".js",
        "export default " + JSON.stringify(fs.readFileSync("src/i18n/" + tag + ".txt", "utf8")) + ";\n");
    fs.writeFileSync(process.argv[1],
      "// Generated by build.sh from src/i18n: one static import() per language.\n" +
      "const files = {\n" + tags.map((t) => "  \"" + t + "\": () => import(\"./i18n/" + t + ".js\"),\n").join("") + "};\n" +
      "export const loadLanguage = (tag) => files[tag]().then((m) => m.default);\n");' "$glue/languages.js"
  # The ES module: our API, the language map and wasm-bindgen's glue, bundled and minified into
  # one file; the language files stay separate.
  # BUILD names this build of the wasm in the config fingerprint of the quiet record
  # (src/js/quiet.js), so that a record left by another build never keeps a page view quiet.
  local build_id; build_id=$(sha256sum pkg/nps_widget_bg.wasm | cut -c1-12)
  cp src/js/index.js src/js/quiet.js "$glue/"
  esbuild "$glue/index.js" --bundle --format=esm --minify --log-level=warning "--define:BUILD=\"$build_id\"" \
    '--external:./i18n/*' --outfile=pkg/index.js
  # The package's entry: the quiet front in front of index.js (which stays a module of its own,
  # the one the loader imports).
  esbuild src/js/main.js --bundle --format=esm --minify --log-level=warning "--define:BUILD=\"$build_id\"" \
    --external:./index.js --outfile=pkg/main.js
  esbuild src/js/loader.js --bundle --format=iife --minify --log-level=warning "--define:BUILD=\"$build_id\"" \
    --outfile=pkg/nps-widget.js
  node tools/check-glue-links.mjs "$glue/nps_widget.js" pkg
  cp src/js/index.d.ts pkg/
  local version; version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
  cat >pkg/package.json <<JSON
{
  "name": "nps-widget",
  "version": "$version",
  "description": "In-app Net Promoter Score survey: two-step prompt, six-month throttle, durable delivery to your collector",
  "license": "MIT",
  "type": "module",
  "main": "./main.js",
  "module": "./main.js",
  "types": "./index.d.ts",
  "exports": {
    ".": { "types": "./index.d.ts", "default": "./main.js" },
    "./nps-widget.js": "./nps-widget.js",
    "./nps_widget_bg.wasm": "./nps_widget_bg.wasm"
  },
  "files": ["main.js", "index.js", "index.d.ts", "nps_widget_bg.wasm", "nps-widget.js", "i18n", "README.md", "LICENSE"],
  "sideEffects": ["./nps-widget.js"]
}
JSON
  cp LICENSE pkg/
  # The package's own README: install, the init snippet, and where the full guide is.
  sed "s/@VERSION@/$version/g" >pkg/README.md <<'MD'
# nps-widget

An in-app Net Promoter Score survey for web apps, in Rust compiled to WebAssembly: a small card
asks the 0-10 question, then "why?", asks each user at most once in six months, and delivers
every answer to your own collector through a durable outbox.

## Install

Until the package is published, install it from a tarball built from the nps-widget repository:

```sh
# in the repository: builds pkg/, then writes pkg/nps-widget-@VERSION@.tgz
./build.sh && cd pkg && npm pack
# in your app, with the tarball copied into it
npm install ./nps-widget-@VERSION@.tgz
```

## Use

```js
import { init } from 'nps-widget';

const survey = await init({ endpoint: '/v1/responses', product: 'Acme', user: { id: 'u_42' } });
survey.track('report_exported');
survey.on('response', (r) => analytics.track('NPS answered', r));
```

`endpoint` is your collector's URL. The package is an ES module with TypeScript declarations
(`index.d.ts` types every config key, command and event). Bundlers emit the wasm and one small
chunk per language. The host page needs the wasm served as `application/wasm`, and, under a
Content-Security-Policy, `'wasm-unsafe-eval'` in `script-src` and the collector in
`connect-src`. `nps-widget.js` is the script-tag loader, for pages without a bundler.

## Documentation

The full guide is the README.md of the nps-widget repository: the script-tag installs, Deploy
(hosting the files, MIME types, CORS, Content-Security-Policy), React, every command, event
and config key, the wire format, and the reference collector.

MIT licensed (LICENSE).
MD
  print_sizes
}

check_budget() {
  local total budget quiet; total=$(cat target/host-download.gz-bytes); budget=$(cat size-budget)
  quiet=$(cat target/quiet-download.gz-bytes)
  if [ "$total" -gt "$budget" ]; then
    echo "size budget exceeded (show path): $total B gzip > $budget B (size-budget)" >&2; exit 1
  fi
  if [ "$quiet" -gt "$QUIET_BUDGET" ]; then
    echo "size budget exceeded (quiet path): the loader is $quiet B gzip > $QUIET_BUDGET B" >&2; exit 1
  fi
  log "size budgets: show path $total B gzip <= $budget B; quiet path $quiet B gzip <= $QUIET_BUDGET B"
}

build_collector() {
  log "building the collector"
  cargo build --quiet --release -p nps-collector
}

serve() {
  build
  build_collector
  local port=${NPS_PORT:-8787} db=${NPS_DB:-}
  if [ -z "$db" ]; then
    # The demo's own database, with a year of sample answers (marked as samples) next to the
    # ones given on the demo page. A database named with NPS_DB never gets samples.
    db=target/demo/nps-demo.sqlite3
    if [ ! -f "$db" ]; then
      mkdir -p target/demo
      target/release/nps-collector seed --db "$db" --answers 3000 >&2
    fi
  fi
  # The demo's admin token (stored as the token named "admin"): a fresh one each time unless
  # NPS_ADMIN_TOKEN is set.
  export NPS_ADMIN_TOKEN=${NPS_ADMIN_TOKEN:-npsa_$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')}
  log "demo: http://127.0.0.1:$port/  (answers in $db)"
  log "dashboard: http://127.0.0.1:$port/dashboard/login  admin token: $NPS_ADMIN_TOKEN"
  # The demo's product, on the hosted survey page too; and a survey link for a demo user, as an
  # email would carry it.
  export NPS_PRODUCT=${NPS_PRODUCT:-Acme Analytics}
  log "survey link (as in an email): $(target/release/nps-collector link --db "$db" \
    --user demo_email_user --email ada@example.com --public-url "http://127.0.0.1:$port")&score=9"
  exec target/release/nps-collector serve --addr "127.0.0.1:$port" --db "$db" \
    --www www --pkg pkg --cors-origin '*'
}

# The npm package as a team installs it: packed, then bundled by Vite in tests/vite-app.
build_vite_app() {
  log "packing pkg/ and building the Vite app that imports it"
  rm -rf target/npm && mkdir -p target/npm
  (cd pkg && npm pack --silent --pack-destination ../target/npm >/dev/null)
  (cd tests/vite-app &&
    { [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-fund --no-audit; } &&
    npm install --no-save --no-fund --no-audit ../../target/npm/nps-widget-*.tgz >/dev/null &&
    npx vite build --logLevel warn)
}

# PostgreSQL's programs for the storage tests, which start a throwaway cluster of their own
# (collector/tests/common/postgres.rs): Debian's package, installed when missing.
install_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing Debian postgresql (the storage tests start a throwaway cluster)"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    # The tests make their own cluster: no system cluster on port 5432 (Debian makes one
    # unless told not to).
    $sudo mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/nps-tests.conf >/dev/null
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
}

# Gates before any test: formatting and lints, native and wasm32 (the browser edge only
# compiles for wasm32, so a native clippy alone never sees it).
lint() {
  log "formatting (cargo fmt --check) and lints (clippy -D warnings, native and wasm32)"
  local component
  for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
  done
  cargo fmt --all -- --check
  cargo clippy --quiet --workspace --all-targets -- -D warnings
  cargo clippy --quiet --lib --tests --target wasm32-unknown-unknown -- -D warnings
}

run_tests() {
  install_rust_tools
  # The collector's build script embeds the dashboard's charting library from node_modules.
  install_node_tools
  lint
  build
  check_budget
  install_browser
  install_postgres
  build_collector
  build_vite_app
  log "type check of the published declarations (tsc --noEmit)"
  tsc -p tests/types
  log "native tests"
  cargo test --quiet --workspace
  # The collector's API suites (every test file whose collectors are TestApps) once more, with
  # each TestApp's database on PostgreSQL instead of SQLite: one suite, both backends.
  local api_suites=()
  for suite in $(grep -l 'TestApp::' collector/tests/*.rs | xargs grep -l '^mod common;'); do
    api_suites+=(--test "$(basename "$suite" .rs)")
  done
  log "the collector's API suites on PostgreSQL ($(( ${#api_suites[@]} / 2 )) files)"
  NPS_TEST_BACKEND=postgres cargo test --quiet -p nps-collector "${api_suites[@]}"
  log "browser tests (wasm-bindgen-test in headless Chromium)"
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=60 \
    cargo test --target wasm32-unknown-unknown --test browser
  log "end-to-end tests (playwright-core + Debian chromium + the real collector)"
  node --test --test-concurrency=1 tests/e2e/
}

# Benchmarks: bytes a host downloads, timings, long tasks and memory in headless Chromium, each
# next to posthog-js (pinned in bench/package-lock.json), and the collector's throughput under
# concurrent clients (bench/loadgen) on SQLite, on PostgreSQL and two collectors on one
# PostgreSQL (a throwaway cluster, bench/postgres.mjs), the report, answers list, CSV and
# dashboard on a database of seeded answers (bench/report.mjs; seeded once into target/bench/,
# about two minutes; the report's figures again after copying it into PostgreSQL), and
# the answer POST's latency at 1,000 answers/s with and without three hooks (bench/hooks.mjs),
# and the quiet page view of a user who is not due (bench/quiet.mjs).
# Prints a report and writes bench-results/*.json.
# BENCH_RUNS (rounds, default 21), BENCH_LEVELS (clients, default 16,32,64), BENCH_SECONDS (per
# level, default 10), BENCH_REPORT_ANSWERS (default 1000000) and BENCH_ONLY
# (size|browser|quiet|collector|report|hooks) adjust it.
bench() {
  build
  install_browser
  install_postgres
  build_collector
  log "building the load generator (bench/loadgen)"
  cargo build --quiet --release -p nps-loadgen
  if [ ! -f bench/node_modules/.package-lock.json ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
    log "installing the benchmark's npm packages (bench/package-lock.json)"
    (cd bench && npm ci --no-fund --no-audit --ignore-scripts)
  fi
  log "benchmarks (about fifteen minutes, plus two the first time to seed the report's database)"
  node bench/run.mjs
}

case "${1:-build}" in
  build) build ;;
  serve) serve ;;
  test) run_tests ;;
  bench) bench ;;
  *) echo "usage: ./build.sh [build|serve|test|bench]" >&2; exit 2 ;;
esac
