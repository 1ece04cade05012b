#!/usr/bin/env bash
# test_install.sh — `cmake --install` puts the binary, the font, the default
# model and the .desktop file in the standard places, and the installed
# binary finds its model and font in its own prefix (not the source tree).
set -u
. "$(dirname "$0")/lib.sh"
BUILD=${DIGITPAD_BUILD:?DIGITPAD_BUILD not set}
tmp=$(test_tmpdir install)

prefix="$tmp/prefix"
if ! cmake --install "$BUILD" --prefix "$prefix" >"$tmp/log" 2>&1; then
    cat "$tmp/log"; echo "FAIL: cmake --install"; echo "test_install: 0 passed, 1 failed"; exit 1
fi
check_eval '[ -x "$prefix/bin/digitpad" ]'
check_eval '[ -f "$prefix/share/digitpad/models/default.safetensors" ]'
check_eval '[ -f "$prefix/share/digitpad/fonts/DejaVuSans.ttf" ]'
check_eval '[ -f "$prefix/share/digitpad/fonts/LICENSE-DejaVu.txt" ]'
check_eval '[ -f "$prefix/share/applications/digitpad.desktop" ]'
desktop=$prefix/share/applications/digitpad.desktop
# "Open with" passes the file (%f); the launcher names digitpad's own model
# type and icon, and the desktop's validator finds nothing wrong.
check_eval 'grep -qx "Exec=digitpad %f" "$desktop"'
check_eval 'grep -qx "Icon=digitpad" "$desktop"'
check_eval 'grep -qx "MimeType=application/x-digitpad-model;" "$desktop"'
check_eval 'desktop-file-validate "$desktop"'
check_eval '[ -f "$prefix/share/icons/hicolor/scalable/apps/digitpad.svg" ]'
check_eval '[ -f "$prefix/share/mime/packages/digitpad.xml" ]'
# The install refreshed the prefix's MIME database: the type is known there.
check_eval '[ -f "$prefix/share/mime/application/x-digitpad-model.xml" ]'
check_eval 'grep -q "application/x-digitpad-model" "$prefix/share/applications/mimeinfo.cache"'
# What a file manager sees (GIO with the prefix's data first): the shipped
# model, copied under another name, is a digitpad model by its content; a
# safetensors file of another program is not, so digitpad never becomes
# the opener of every .safetensors file.
cp "$prefix/share/digitpad/models/default.safetensors" "$tmp/mine.safetensors"
python3 - "$tmp/theirs.safetensors" <<'PY'
import json, struct, sys
head = json.dumps({"__metadata__": {"format": "pt"},
                   "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
open(sys.argv[1], "wb").write(struct.pack("<Q", len(head)) + head + b"\0\0\0\0")
PY
ctype() { XDG_DATA_DIRS="$prefix/share:/usr/share" gio info -a standard::content-type "$1" |
    sed -n 's/^ *standard::content-type: //p'; }
mine=$(ctype "$tmp/mine.safetensors")
theirs=$(ctype "$tmp/theirs.safetensors")
echo "content types: digitpad's model: $mine; another program's safetensors: $theirs"
check_eval '[ "$mine" = application/x-digitpad-model ]'
check_eval '[ -n "$theirs" ] && [ "$theirs" != application/x-digitpad-model ]'

"$prefix/bin/digitpad" --version >"$tmp/version" 2>&1
check_eval 'grep -q "default model: $prefix/bin/../share/digitpad/models/default.safetensors" "$tmp/version"'
check_eval 'grep -q "font: *$prefix/bin/../share/digitpad/fonts/DejaVuSans.ttf" "$tmp/version"'

# The installed binary predicts with the installed model.
printf '1 bar | 500,100 500,900\n' >"$tmp/one.strokes"
"$prefix/bin/digitpad" --predict-strokes "$tmp/one.strokes" >"$tmp/pred" 2>&1
check_eval 'grep -q "^bar 1 " "$tmp/pred"'

# The installed program gets MNIST into the user's data directory, and
# finds it there from any working directory.
check_eval '[ -x "$prefix/bin/digitpad-fetch-mnist" ]'
if local_mnist=$(mnist_dir); then
    home="$tmp/home"
    check_eval 'DIGITPAD_HOME="$home" "$prefix/bin/digitpad-fetch-mnist" --from "$local_mnist" >"$tmp/fetch" 2>&1'
    check_eval '[ -f "$home/mnist/t10k-labels-idx1-ubyte.gz" ]'
    check_eval '(cd "$tmp" && DIGITPAD_HOME="$home" "$prefix/bin/digitpad" --eval --shipped-model >"$tmp/eval" 2>&1)'
    check_eval 'grep -q "^test set  10000 images from $home/mnist" "$tmp/eval"'
else
    fail "no MNIST to install from"
fi

finish test_install "$tmp"
