#!/usr/bin/env bash
# The README's first command: installs what is missing (Node 22, pnpm 12.4.2, the dependencies), builds
# every package and runs the main job. For now the main job is the training demo in apps/examples
# (`pnpm demo`); it will become serving the docs site on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh

echo '==> pnpm install'
pnpm install

echo '==> pnpm build'
pnpm build

echo '==> pnpm demo'
exec pnpm demo
