#!/usr/bin/env bash
# The README's first command: installs what is missing (Node 22, pnpm 12.4.2, the dependencies), builds
# every package and the docs site, and runs the main job: the interactive textbook (apps/docs) with its live
# examples, served on 127.0.0.1. It prints the address to open; Ctrl-C stops the server.
#
# The built site is served (`astro build`, then `astro preview`) rather than the dev server, because only a
# build has the offline search index and is the site CI tests; `pnpm docs:dev` serves the sources with
# hot reload for writing chapters. The port is $TENSORLOOM_DOCS_PORT (default 4321), or a free one if that
# is taken.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh

echo '==> pnpm install'
pnpm install

echo '==> pnpm build (the packages, then the docs site)'
pnpm build

port=${TENSORLOOM_DOCS_PORT:-4321}
# The wanted port if it is free, else any free one.
port=$(node -e '
  const net = require("node:net");
  const listen = (p) => new Promise((ok, fail) => {
    const s = net.createServer().once("error", fail);
    s.listen(p, "127.0.0.1", () => { const got = s.address().port; s.close(() => ok(got)); });
  });
  listen(Number(process.argv[1])).catch(() => listen(0)).then((p) => console.log(p));
' "$port")

echo "==> serving apps/docs/dist on 127.0.0.1:$port"
(cd apps/docs && exec node_modules/.bin/astro preview --host 127.0.0.1 --port "$port") &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM

url="http://127.0.0.1:$port/"
for _ in $(seq 1 150); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url"; then
    printf '\n==> The Tensorloom textbook is running. Open %s in your browser (Ctrl-C stops the server).\n\n' "$url"
    wait "$server"
    exit $?
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "start.sh: the docs server stopped before it answered on $url" >&2
    exit 1
  fi
  sleep 0.2
done
echo "start.sh: the docs server did not answer on $url within 30 s" >&2
exit 1
