#!/usr/bin/env bash
# Builds SMTP Watch's MSI from installer/smtpwatch.wxs with wixl.
#   build-msi.sh OUT.msi VERSION SVC_EXE CLI_EXE EDITOR_EXE
# VERSION is x.y.z. The CMake target `msi` runs this with the project's
# version and the built programs; tests/integration/test_msi.py runs it
# with a higher version to test an upgrade. docs/installer.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() {
  echo "usage: build-msi.sh OUT.msi VERSION SVC_EXE CLI_EXE EDITOR_EXE" >&2
  exit 2
}
[ $# -eq 5 ] || usage
out=$1 version=$2
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "build-msi.sh: the version '$version' is not of the form x.y.z (MSI product versions are numbers)." >&2
  exit 2
fi
exes=()
for exe in "$3" "$4" "$5"; do
  if [ ! -f "$exe" ]; then
    echo "build-msi.sh: $exe does not exist; build the programs first (cmake --build BUILD_DIR)." >&2
    exit 1
  fi
  exes+=("$(realpath "$exe")")
done
if ! command -v wixl >/dev/null; then
  echo "build-msi.sh: wixl is not installed (Debian: apt-get install wixl, or run scripts/bootstrap.sh)." >&2
  exit 1
fi

# wixl 0.101 (Debian 12) finds sources only relative to the working
# directory or the .wxs, never by an absolute path: the programs are copied
# into a staging directory under their installed names and wixl runs there.
# It writes its output in place: it goes beside the final name and is
# renamed, so that a failed build never leaves a half-written MSI.
out=$(realpath -m "$out")
mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$out.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp "${exes[0]}" "$stage/smtpwatch-svc.exe"
cp "${exes[1]}" "$stage/smtpwatch.exe"
cp "${exes[2]}" "$stage/smtpwatch-editor.exe"
(cd "$stage" && wixl --arch x64 \
  -D Version="$version" \
  -D SvcExe=smtpwatch-svc.exe \
  -D CliExe=smtpwatch.exe \
  -D EditorExe=smtpwatch-editor.exe \
  -o "$stage/out.msi" "$HERE/smtpwatch.wxs")

# wixl leaves the File table's Version and Language empty: Windows Installer
# would treat the programs as unversioned files (replaced or kept by hash
# and date instead of by version, and a repair could not tell an older copy
# from ours). Each row gets its file's own version and language, read from
# the program's version resource: that is what Windows compares with the
# installed file, so it must be the file's, not this MSI's product version
# (a test MSI of a higher version may pack the same programs). An
# unversioned program is refused. The MsiFileHash table is for unversioned
# files only (Microsoft's MsiFileHash table page): their rows go.
queries=()
for row in "SvcExe smtpwatch-svc.exe" "CliExe smtpwatch.exe" "EditorExe smtpwatch-editor.exe"; do
  set -- $row
  if ! read -r file_version languages < <(/usr/bin/python3 "$HERE/pe_version.py" "$stage/$2"); then
    echo "build-msi.sh: $2 has no readable version resource; build it with CMake (cmake/version.rc.in)." >&2
    exit 1
  fi
  if [ "${file_version%.0}" != "$version" ]; then
    echo "build-msi.sh: note: $2 is version $file_version, the product $version; the File table says $file_version." >&2
  fi
  queries+=("UPDATE File SET Version = '$file_version', Language = '$languages' WHERE File = '$1'"
            "DELETE FROM MsiFileHash WHERE File_ = '$1'")
done
# Windows Installer's error 1923 ("Service '[2]' ([3]) could not be
# installed. Verify that you have sufficient privileges...") is what an
# upgrade ends with when the version before left its service marked for
# deletion: a program (the Services console) held it open while it was
# removed, and CreateService fails with ERROR_SERVICE_MARKED_FOR_DELETE.
# The Error table's template takes the place of Windows' own and says what
# to do; --install-config says the same when it meets such a service
# (SW_SVC_MARKED_FOR_DELETE_TEXT in service/svc_install.h). No apostrophe:
# the text is an SQL string here. docs/installer.md.
msg_1923="Service [2] ([3]) could not be installed. If Windows still has it marked for deletion, a program has it open (the Services console services.msc, Event Viewer, another MMC console, or the Services tab of Task Manager): close those programs and run this installation again (the rules and results in the data folder are kept); if it stays marked, restart Windows first. Otherwise, verify that you have sufficient privileges to install system services."
queries+=("INSERT INTO Error (Error, Message) VALUES (1923, '$msg_1923')")
for query in "${queries[@]}"; do
  msibuild "$stage/out.msi" -q "$query"
done
mv -f "$stage/out.msi" "$out"
echo "build-msi.sh: $out (SMTP Watch $version, x64)"
