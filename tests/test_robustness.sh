#!/usr/bin/env bash
# test_robustness.sh — every kind of bad input of issue 7 fed to the real
# digitpad binary: each must end with exit code 2 and exactly the one-line
# message below (no crash, no hang), and each message must appear verbatim
# in docs/robustness.md, so the table there cannot drift from the program.
set -u
. "$(dirname "$0")/lib.sh"

BIN=$(need_bin) || exit 1
SRC=${DIGITPAD_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
DOC="$SRC/docs/robustness.md"
# Debian's python3 (standard library only), else whatever python3 is first.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3 || true)
if [[ -z "$PY" ]]; then
    echo "SKIPPED: no python3 to write the bad inputs"
    exit 77
fi

tmp=$(test_tmpdir robust)
mounted=""
cleanup() { [[ -n "$mounted" ]] && umount "$mounted" 2>/dev/null; }
trap cleanup EXIT

# Paths are relative to $tmp, so the messages are the same on every run.
cd "$tmp" || exit 1
# The models are corrupted copies of a small one the script builds
# (good.safetensors), not of the shipped model: retraining that must not
# change the byte counts in the messages below.
if ! "$PY" "$SRC/tests/robustness_cases.py" .; then
    echo "FAIL: robustness_cases.py could not write the inputs" >&2
    exit 1
fi

# check_doc MESSAGE: the message is in docs/robustness.md, word for word.
if [[ ! -f $DOC ]]; then
    fail "$DOC is missing"
    DOC=/dev/null
fi
check_doc() {
    if grep -qF -- "$1" "$DOC"; then pass; else fail "not in docs/robustness.md: $1"; fi
}

# expect MESSAGE [PREFIX...] -- ARGS...: runs PREFIX digitpad ARGS (PREFIX is
# e.g. setpriv) and checks exit code $WANT_RC (2 unless expect_code sets it;
# the codes are README.md's table) and that stderr is exactly
# "digitpad: MESSAGE"; --train may print progress lines before it, so there
# the message must be the one and only "digitpad: " line and the last line.
expect() {
    local want=$1 pre=()
    shift
    while [[ $1 != -- ]]; do pre+=("$1"); shift; done
    shift
    timeout 120 "${pre[@]}" "$BIN" "$@" >out 2>err
    local rc=$? got last
    got=$(grep '^digitpad: ' err)
    last=$(tr '\r' '\n' <err | grep -v '^$' | tail -n 1)
    if [[ " $* " == *" --train "* ]]; then
        [[ $(grep -c '^digitpad: ' err) -eq 1 && $last == "digitpad: $want" ]]
    else
        [[ $(cat err) == "digitpad: $want" ]]
    fi
    local same=$? want_rc=${WANT_RC:-2}
    if [[ $rc -eq $want_rc && $same -eq 0 ]]; then
        pass
    else
        fail "digitpad $*: exit $rc (want $want_rc); stderr: $(head -c 400 err)
      wanted: digitpad: $want"
    fi
    check_doc "$want"
}

# expect_code CODE MESSAGE ...: expect, for an exit code other than 2.
expect_code() {
    local WANT_RC=$1
    shift
    expect "$@"
}

EVAL=(--eval --data mnist --threads 1 --model)

# ------------------------------------------------------------- model files
expect "empty.safetensors: empty file" -- "${EVAL[@]}" empty.safetensors
expect "cut-length.safetensors: 5 bytes is too short for a model file" -- \
    "${EVAL[@]}" cut-length.safetensors
expect "cut-header.safetensors: header length 232 is larger than the file (124 bytes): truncated?" -- \
    "${EVAL[@]}" cut-header.safetensors
expect "cut-data.safetensors: tensor '0.weight': data_offsets [0,31360] reach past the 15700 data bytes (truncated?)" -- \
    "${EVAL[@]}" cut-data.safetensors
expect "long-header.safetensors: header length 63280 is larger than the file (31640 bytes): truncated?" -- \
    "${EVAL[@]}" long-header.safetensors
expect "bad-json.safetensors: the header is not valid JSON (near its byte 15 of 232)" -- \
    "${EVAL[@]}" bad-json.safetensors
expect "dtype.safetensors: tensor '0.weight' has dtype F16; digitpad reads only F32" -- \
    "${EVAL[@]}" dtype.safetensors
expect "shape.safetensors: tensor '0.weight' has shape [5,1568] but the architecture needs [10,784]" -- \
    "${EVAL[@]}" shape.safetensors
expect "overlap.safetensors: tensors '0.weight' and '0.bias' overlap in the data" -- \
    "${EVAL[@]}" overlap.safetensors
expect "offsets-range.safetensors: tensor '0.bias': data_offsets [35456,35496] reach past the 31400 data bytes (truncated?)" -- \
    "${EVAL[@]}" offsets-range.safetensors
expect "nan.safetensors: tensor '0.bias' holds NaN at element 2" -- "${EVAL[@]}" nan.safetensors
expect "inf.safetensors: tensor '0.bias' holds infinity at element 2" -- "${EVAL[@]}" inf.safetensors
expect "2gb.safetensors: tensor '0.bias' claims 536870912 values, more than the limit of 67108864" -- \
    "${EVAL[@]}" 2gb.safetensors
expect "version.safetensors: format_version \"99\": this digitpad ($("$BIN" --version | head -n 1 | cut -d' ' -f2)) reads version 1; upgrade digitpad to load this model" -- \
    "${EVAL[@]}" version.safetensors
expect "arch-bad.safetensors: arch \"conv32k5,relu,wobble,fc10,sigmoid\": arch item 3 'wobble': unknown layer (use convCkK, pool, fcN, relu, sigmoid, flatten)" -- \
    "${EVAL[@]}" arch-bad.safetensors
expect "arch-huge.safetensors: arch \"fc1000000,relu,fc1000,relu,fc10,sigmoid\": layer 0: fc1000000 on 784 inputs exceeds the parameter limit" -- \
    "${EVAL[@]}" arch-huge.safetensors
# the same loader behind the other commands
expect "nan.safetensors: tensor '0.bias' holds NaN at element 2" -- \
    --predict-strokes good.strokes --model nan.safetensors
expect "cut-data.safetensors: tensor '0.weight': data_offsets [0,31360] reach past the 15700 data bytes (truncated?)" -- \
    --predict good.pgm --model cut-data.safetensors

# ------------------------------------------------------- architecture specs
expect "--arch: arch item 2 'bogus': unknown layer (use convCkK, pool, fcN, relu, sigmoid, flatten)" -- \
    --train --arch fc10,bogus --data mnist --out never.safetensors
expect "--arch: layer 0: fc1000000 on 784 inputs exceeds the parameter limit" -- \
    --train --arch fc1000000,relu,fc1000000,relu,fc10,sigmoid --data mnist --out never.safetensors
if [[ -e never.safetensors ]]; then fail "a refused --train wrote its --out file"; else pass; fi

# ---------------------------------------------------------------- IDX data
expect "idx-magic/t10k-images-idx3-ubyte: bad magic 0x00000801, expected 0x00000803 (this is a label file: images and labels swapped?)" -- \
    --eval --model good.safetensors --data idx-magic --threads 1
expect "idx-count/t10k-images-idx3-ubyte: truncated: the header promises 15680 bytes of data, the file has 11760" -- \
    --eval --model good.safetensors --data idx-count --threads 1

# ------------------------------- a directory or a FIFO where a file should be
mkdir adir
mkfifo afifo
expect "adir: is a directory, not a model file" -- "${EVAL[@]}" adir
expect "afifo: is a FIFO, not a model file" -- "${EVAL[@]}" afifo
expect "adir: is a directory, not an image" -- --predict adir --model good.safetensors
expect "afifo: is a FIFO, not an image" -- --predict afifo --model good.safetensors
expect "adir: is a directory, not a strokes file" -- --predict-strokes adir --model good.safetensors
expect "afifo: is a FIFO, not a strokes file" -- --predict-strokes afifo --model good.safetensors

# ------------------------------ a large file that is not a model, dropped by
# mistake: refused on its first 8 bytes, before anything is allocated for
# it.  450 MB (sparse), under a 400 MB address-space limit: reading it whole
# would end in "out of memory" instead.  Sanitizer builds need far more
# address space than that to start at all, so there the case is skipped.
printf 'not a model, just a big file' >big.bin
truncate -s 450M big.bin
limit=(bash -c 'ulimit -v 409600 && exec "$@"' limit)
if timeout 20 "${limit[@]}" "$BIN" --version >/dev/null 2>&1; then
    expect "big.bin: header length 8029109312199880558 is beyond the limit of 16777216 (not a model file, or corrupt)" \
        "${limit[@]}" -- "${EVAL[@]}" big.bin
else
    skip "a 450 MB non-model under ulimit -v: this build cannot start within 400 MB of address space"
fi
rm -f big.bin

# ----------------------------------------------------------- unreadable files
# root reads anything, so as root the run drops to nobody with setpriv.
cp good.safetensors unread.safetensors
cp good.pgm unread.pgm
chmod 000 unread.safetensors unread.pgm
chmod 755 "$tmp"
drop=()
if [[ $(id -u) -eq 0 ]]; then
    if command -v setpriv >/dev/null &&
        setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
        drop=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
        drop=(none)
    fi
fi
if [[ ${drop[*]-} == none ]]; then
    skip "unreadable files: running as root without a working setpriv"
    check_doc "unread.safetensors: cannot open: Permission denied"
    check_doc "unread.pgm: cannot open: Permission denied"
else
    expect "unread.safetensors: cannot open: Permission denied" "${drop[@]}" -- \
        "${EVAL[@]}" unread.safetensors
    expect "unread.pgm: cannot open: Permission denied" "${drop[@]}" -- \
        --predict unread.pgm --model good.safetensors
fi

# ---------------------------------------------------------- full disk on save
# A good model is saved first; the second save must fail, leave it
# byte-identical and leave no temporary file behind.
TRAIN=(--train --limit 200 --epochs 1 --arch mlp --threads 1 --data mnist)
# full_disk DIR MESSAGE [PREFIX...]: DIR already holds DIR/m.safetensors.
full_disk() {
    local dir=$1 want=$2
    shift 2
    cp "$dir/m.safetensors" prev.safetensors
    expect "$want" "$@" -- "${TRAIN[@]}" --seed 2 --out "$dir/m.safetensors"
    if cmp -s prev.safetensors "$dir/m.safetensors"; then pass; else fail "$dir: previous model changed"; fi
    if compgen -G "$dir/*.tmp.*" >/dev/null; then fail "$dir: temporary file left: $(ls "$dir")"; else pass; fi
}

# a real full file system: a 1.5 MB tmpfs, filled up after the first save
mkdir full
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=1500k tmpfs full 2>/dev/null; then
    mounted="$tmp/full"
    if "$BIN" "${TRAIN[@]}" --out full/m.safetensors >out 2>err; then
        dd if=/dev/zero of=full/filler bs=64k 2>/dev/null
        full_disk full "full/m.safetensors: cannot write: No space left on device (any previous file is unchanged)"
    else
        fail "first save into the tmpfs: $(tail -n 1 err)"
    fi
    umount full && mounted=""
else
    skip "full tmpfs: cannot mount a tmpfs (not root?); the file size limit below still runs"
    check_doc "full/m.safetensors: cannot write: No space left on device (any previous file is unchanged)"
fi
# a file size limit (ulimit -f, in KiB; SIGXFSZ ignored so write fails with EFBIG)
mkdir limit
if "$BIN" "${TRAIN[@]}" --out limit/m.safetensors >out 2>err; then
    full_disk limit "limit/m.safetensors: cannot write: File too large (any previous file is unchanged)" \
        bash -c 'trap "" XFSZ; ulimit -f 600; exec "$@"' limit
else
    fail "first save into limit/: $(tail -n 1 err)"
fi

# ------------------------------- issue 18: training and saving never lose data
# Row 1: a run that diverges stops with exit 3 and leaves the good model at
# --out byte-identical (and no temporary file).
mkdir keep
if "$BIN" "${TRAIN[@]}" --out keep/X >out 2>err; then
    cp keep/X prev.safetensors
    expect_code 3 "training diverged: the loss became NaN in epoch 1 after 2000 of 2000 samples (is the learning rate 10 too high?); keep/X was not written" -- \
        --train --arch fc512,relu,fc512,relu,fc512,relu,fc512,relu,fc10,sigmoid --limit 2000 \
        --epochs 3 --lr 10 --batch 500 --optimizer sgd --schedule constant --out keep/X \
        --data mnist2k --threads 1
    if cmp -s prev.safetensors keep/X; then pass; else fail "row 1: the good model at keep/X changed"; fi
    if [[ $(ls keep) == X ]]; then pass; else fail "row 1: keep/ holds more than X: $(ls keep)"; fi
else
    fail "first save into keep/: $(tail -n 1 err)"
fi

# Row 4: --out names something that is not a regular file: refused before
# training, and the node is left as it was.
ln -s keep/X alink
expect "--out alink: is a symbolic link, not a regular file; refusing to replace it" -- \
    "${TRAIN[@]}" --out alink
if [[ -L alink ]] && cmp -s prev.safetensors keep/X; then pass; else fail "row 4: alink or its target changed"; fi
expect "--out afifo: is a FIFO, not a regular file; refusing to replace it" -- "${TRAIN[@]}" --out afifo
if [[ -p afifo ]]; then pass; else fail "row 4: afifo is no longer a FIFO"; fi
expect "--out /dev/null: is a character device, not a regular file; refusing to replace it" -- \
    "${TRAIN[@]}" --out /dev/null
if [[ -c /dev/null ]]; then pass; else fail "row 4: /dev/null is no longer a character device"; fi

# Row 3: a small model with about 16 M floats of activations a sample.
# --eval (batch 128 on every thread, and calibration batches of 256) once
# took 12 GB; now every batch is sized so batch x activations stays under
# 256 MB.  Run under a 1.5 GB address-space limit (Release builds only:
# sanitizer builds cannot start under it), with the peak RSS measured.
wide_arch=conv1024k1$(printf ',relu%.0s' {1..19}),pool,pool,pool,fc10,sigmoid
if timeout 20 bash -c 'ulimit -v 1572864 && exec "$0" --version' "$BIN" >/dev/null 2>&1; then
    rss=(bash -c 'ulimit -v 1572864 && exec "$@"' limit)
    [[ -x /usr/bin/time ]] && rss+=(/usr/bin/time -f 'peak-rss-kb %M' -o rss.txt)
    timeout 600 "${rss[@]}" "$BIN" --eval --model wide.safetensors --data mnist --threads 2 >out 2>err
    rc=$?
    if [[ $rc -eq 0 ]] && grep -q '^accuracy ' out; then pass; else fail "row 3: --eval of wide.safetensors: exit $rc: $(tail -n 2 err)"; fi
    if [[ -f rss.txt ]]; then
        kb=$(sed -n 's/^peak-rss-kb //p' rss.txt)
        echo "row 3: --eval of wide.safetensors peaked at $((kb / 1024)) MB"
        if [[ -n $kb && $kb -lt 716800 ]]; then pass; else fail "row 3: peak RSS ${kb} kB, over 700 MB"; fi
    fi
else
    skip "row 3 under ulimit -v: this build cannot start within 1.5 GB of address space"
fi
expect "training: a batch of 64 needs 4377 MB of activations (17931294 floats a sample), beyond the limit of 256 MB; use a batch of 3 or less" -- \
    --train --arch "$wide_arch" --batch 64 --epochs 1 --data mnist --threads 1 --out never.safetensors

# Row 6: metadata with escape sequences reaches stdout cleaned: no control
# character but the newlines, and the line exactly as documented.
"$BIN" "${EVAL[@]}" escapes.safetensors >out 2>err
rc=$?
want_line="trained   on ?[2J??fake line, recorded test accuracy ?]0;pwned??1m"
if [[ $rc -eq 0 ]] && grep -qxF -- "$want_line" out && ! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' out; then
    pass
else
    fail "row 6: exit $rc, stdout: $(head -n 3 out | cat -v)"
fi
check_doc "$want_line"

# Row 7: the saved header is I-JSON even for a --out name that is not UTF-8
# (the command is stored in bash's $'...' form), and the loader refuses
# headers that break I-JSON.
if "$BIN" "${TRAIN[@]}" --out $'m-\xff.safetensors' >out 2>err &&
    "$PY" -c '
import json, struct, sys
b = open(sys.argv[1].encode("utf-8", "surrogateescape"), "rb").read()
(hl,) = struct.unpack_from("<Q", b)
cmd = json.loads(b[8:8 + hl].decode("utf-8"))["__metadata__"]["command"]
sys.exit(0 if cmd.endswith(" --out $\x27m-\\xff.safetensors\x27") else 1)' $'m-\xff.safetensors' &&
    "$BIN" --predict good.pgm --model $'m-\xff.safetensors' >out 2>err; then
    pass
else
    fail "row 7: a model saved as m-\\xff.safetensors is not valid UTF-8 I-JSON or does not load: $(tail -n 1 err)"
fi
expect "dup-shape.safetensors: header key 'shape' appears twice in '0.weight'" -- "${EVAL[@]}" dup-shape.safetensors
expect "nul-key.safetensors: a string in the header holds \u0000 (byte 95); I-JSON (RFC 7493) strings cannot" -- \
    "${EVAL[@]}" nul-key.safetensors
expect "nul-version.safetensors: a string in the header holds \u0000 (byte 56); I-JSON (RFC 7493) strings cannot" -- \
    "${EVAL[@]}" nul-version.safetensors
expect "surrogate.safetensors: a string in the header holds an unpaired surrogate \ud800 (byte 101); I-JSON (RFC 7493) strings cannot" -- \
    "${EVAL[@]}" surrogate.safetensors
expect "latin1.safetensors: the header is not valid UTF-8 (byte 104 of 248); model headers are I-JSON (RFC 7493)" -- \
    "${EVAL[@]}" latin1.safetensors

# Row 8: gzip's CRC32 and length are checked, and nothing may follow the stream.
expect "gz-cut/t10k-images-idx3-ubyte.gz: truncated: the gzip trailer (CRC32 and length) is missing or cut" -- \
    --eval --model good.safetensors --data gz-cut --threads 1
expect "gz-crc/t10k-images-idx3-ubyte.gz: the gzip trailer's CRC32 does not match the data (corrupt file)" -- \
    --eval --model good.safetensors --data gz-crc --threads 1
expect "gz-junk/t10k-images-idx3-ubyte.gz: 22 bytes after the end of the gzip stream" -- \
    --eval --model good.safetensors --data gz-junk --threads 1

# Row 10: --save-inputs names never collide (ids a/b and a_b, an id given
# twice), and a second run into the same directory overwrites nothing.
printf '1 a/b | 500,100 500,900\n7 a_b | 300,200 700,200 450,800\n7 a_b | 300,250 700,250 450,850\n' >ids.strokes
mkdir saved
"$BIN" --predict-strokes ids.strokes --model good.safetensors --save-inputs saved >out 2>err
rc=$?
names=$(ls saved | tr '\n' ' ')
if [[ $rc -eq 0 && $names == "00001-a_b.pgm 00002-a_b.pgm 00003-a_b.pgm " ]]; then pass; else fail "row 10: exit $rc, files: $names"; fi
sums=$(cat saved/* | cksum)
expect "saved/00001-a_b.pgm: already exists; not overwritten" -- \
    --predict-strokes ids.strokes --model good.safetensors --save-inputs saved
if [[ $(cat saved/* | cksum) == "$sums" && $(ls saved | wc -l) -eq 3 ]]; then pass; else fail "row 10: saved/ changed: $(ls saved)"; fi

# Row 11: one threshold parser (dp_card_parse_threshold, also the window's): a
# threshold of 1, "0.3abc" or nan is not taken, and the default 0.5 is used.
for tag in th-one th-junk th-nan; do
    "$BIN" --predict-strokes good.strokes --model $tag.safetensors >out 2>err
    rc=$?
    if [[ $rc -eq 0 ]] && grep -qF "# unsure: 0 of 1 (top output below the model's threshold 0.50)" out; then
        pass
    else
        fail "row 11: $tag: exit $rc: $(grep unsure out) $(cat err)"
    fi
done
check_doc "# unsure: 0 of 1 (top output below the model's threshold 0.50)"

# "Also" of issue 18: a byte-order mark before line 1, and 0e99999 (zero).
printf '\xef\xbb\xbf7 bom | 300,200 700,200 0e99999,800\n' >bom.strokes
"$BIN" --predict-strokes bom.strokes --model good.safetensors >out 2>err
rc=$?
if [[ $rc -eq 0 ]] && grep -qxF 'bom 9 0.6165 7 sure' out; then pass; else fail "BOM/0e99999: exit $rc: $(cat err)"; fi

# ------------------------------------------------------------------ issue 26
# peak_rss_check WHAT LIMIT_MB: the peak RSS /usr/bin/time wrote to rss.txt
# (getrusage of the child) is under LIMIT_MB; printed either way.
peak_rss_check() {
    local kb
    kb=$(sed -n 's/^peak-rss-kb //p' rss.txt 2>/dev/null)
    echo "$1: peak RSS ${kb:-?} kB"
    if [[ -n $kb && $kb -lt $(($2 * 1024)) ]]; then pass; else fail "$1: peak RSS ${kb:-?} kB, over $2 MB"; fi
}
TIME=()
[[ -x /usr/bin/time ]] && TIME=(/usr/bin/time -f 'peak-rss-kb %M' -o rss.txt)

# Rows 1-3: an image's declared size is checked from its header (PNG IHDR,
# JPEG SOF, BMP, PGM) before any decoder runs, so a 1 KB JPEG declaring
# 65500x65500, a 66-byte PNG declaring 60000x60000 and a real 389 KB black
# 20000x20000 PNG cost no memory; a file of no image format is named.
for f in huge.jpg huge.png black.png; do
    rm -f rss.txt
    case $f in
        huge.jpg) want="huge.jpg: a JPEG of 65500x65500 pixels, larger than 64 Mpixel" ;;
        huge.png) want="huge.png: a PNG of 60000x60000 pixels, larger than 64 Mpixel" ;;
        black.png) want="black.png: a PNG of 20000x20000 pixels, larger than 64 Mpixel" ;;
    esac
    expect "$want" "${TIME[@]}" -- --predict "$f" --model good.safetensors
    [[ -f rss.txt ]] && peak_rss_check "--predict $f" 300
done
expect "unsupported image format: notes.txt (digitpad reads PNG, JPEG, BMP and PGM)" -- \
    --predict notes.txt --model good.safetensors
# The same files dropped on the window (SDL's dummy video driver), one
# script, with the window's peak RSS measured.
if "$BIN" --version | grep -q '^window: yes'; then
    {
        echo "wait-frames 2"
        for f in huge.jpg huge.png black.png; do
            echo "drop $tmp/$f"
            echo "wait-frames 2"
            echo "expect-message $f: a ${f#*.} of"
            echo "print"
        done
        echo "drop $tmp/notes.txt"
        echo "wait-frames 2"
        echo "expect-message Not a model or image: notes.txt (digitpad reads PNG, JPEG, BMP and PGM)"
    } | sed 's/a jpg of/a JPEG of/; s/a png of/a PNG of/' >drops.txt
    rm -f rss.txt
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$tmp/home-drops" timeout 60 "${TIME[@]}" "$BIN" \
        --model good.safetensors --script drops.txt >out 2>err
    rc=$?
    if [[ $rc -eq 0 ]] && ! grep -q '^FAIL' out err; then pass; else fail "rows 1-3 drops: exit $rc: $(grep FAIL out err | head -n 3)"; fi
    for want in "huge.jpg: a JPEG of 65500x65500 pixels, larger than 64 Mpixel" \
        "huge.png: a PNG of 60000x60000 pixels, larger than 64 Mpixel" \
        "black.png: a PNG of 20000x20000 pixels, larger than 64 Mpixel"; do
        if grep -qF "msg=\"$want\"" out; then pass; else fail "rows 1-3 drops: no status $want"; fi
    done
    check_doc "Not a model or image: notes.txt (digitpad reads PNG, JPEG, BMP and PGM)"
    [[ -f rss.txt ]] && peak_rss_check "window dropping the three images" 400
else
    skip "rows 1-3 dropped on the window: this build has no window"
fi

# Rows 4-6: the window's corrections file (DIGITPAD_HOME/corrections.strokes)
# is a FIFO, a link to /dev/zero, or holds a 5 MB line among 20 good ones.
# It is opened as a regular file only and read a capped line at a time.
mkdir -p home-fifo home-zero home-long
mkfifo home-fifo/corrections.strokes
ln -s /dev/zero home-zero/corrections.strokes
{
    for i in $(seq 0 9); do echo "$i a$i | 500,150 500,500 $((480 + i)),850"; done
    head -c 5242880 /dev/zero | tr '\0' 7
    echo
    for i in $(seq 10 19); do echo "$((i % 10)) a$i | 500,150 500,500 $((480 + i)),850"; done
} >home-long/corrections.strokes
check_doc "corrections.strokes: is a FIFO, not a strokes file"
check_doc "corrections.strokes: is a character device, not a strokes file"
check_doc "20 labelled drawings of yours; 1 damaged line left out ("
check_doc "corrections.strokes:11: line longer than 4 MiB)"
if "$BIN" --version | grep -q '^window: yes'; then
    # the FIFO: the message, then SIGTERM ends the window (it was ignored
    # while quitting joined the loader blocked in fopen)
    printf '%s\n' "wait-loaded 5000" "wait-frames 2" \
        "expect-message Corrections not loaded: $tmp/home-fifo/corrections.strokes: is a FIFO, not a strokes file" \
        "print" "wait-ms 60000" >fifo.txt
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$tmp/home-fifo" timeout 60 "$BIN" --model good.safetensors \
        --script fifo.txt >out 2>err &
    pid=$!
    for _ in $(seq 200); do grep -q '^frame=' out && break; kill -0 $pid 2>/dev/null || break; sleep 0.05; done
    t0=$(date +%s%N)
    kill -TERM $pid 2>/dev/null
    wait $pid
    rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    echo "row 4: SIGTERM to exit: $ms ms"
    if [[ $rc -eq 0 ]] && grep -q '^frame=' out && ! grep -q '^FAIL' out err; then pass; else fail "row 4: exit $rc: $(grep FAIL out err | head -n 2)"; fi
    # a bound on a stall (the window never ended before), not a speed
    if [[ $ms -lt 5000 ]]; then pass; else fail "row 4: SIGTERM took $ms ms"; fi
    # /dev/zero: refused at once, peak RSS measured; the 5 MB line: the
    # other 20 load
    printf '%s\n' "wait-loaded 5000" "wait-frames 2" \
        "expect-message Corrections not loaded: $tmp/home-zero/corrections.strokes: is a character device, not a strokes file" \
        >zero.txt
    rm -f rss.txt
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$tmp/home-zero" timeout 60 "${TIME[@]}" "$BIN" \
        --model good.safetensors --script zero.txt >out 2>err
    rc=$?
    if [[ $rc -eq 0 ]] && ! grep -q '^FAIL' out err; then pass; else fail "row 5: exit $rc: $(grep FAIL out err | head -n 2)"; fi
    [[ -f rss.txt ]] && peak_rss_check "row 5: window with corrections.strokes -> /dev/zero" 400
    printf '%s\n' "wait-loaded 10000" "wait-frames 2" "expect-corrections 20" \
        "expect-message 20 labelled drawings of yours; 1 damaged line left out ($tmp/home-long/corrections.strokes:11: line longer than 4 MiB)" \
        >long.txt
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$tmp/home-long" timeout 60 "$BIN" \
        --model good.safetensors --script long.txt >out 2>err
    rc=$?
    if [[ $rc -eq 0 ]] && ! grep -q '^FAIL' out err; then pass; else fail "row 6: exit $rc: $(grep FAIL out err | head -n 2)"; fi
else
    skip "rows 4-6 in the window: this build has no window"
fi

# Row 7: finite weights whose outputs are NaN (nan-out.safetensors): no NaN
# is ever shown, printed or saved as an answer.
expect "good.pgm: the model's outputs are NaN: its weights overflow, so it gives no answer" -- \
    --predict good.pgm --model nan-out.safetensors
if grep -qxF "good.pgm ? - (no answer)" out; then pass; else fail "row 7: --predict printed: $(cat out)"; fi
check_doc "good.pgm ? - (no answer)"
expect "nan-out.safetensors: the model's outputs are NaN or infinite for 1 of 1 drawings: its weights overflow, so it gives no answer" -- \
    --predict-strokes good.strokes --model nan-out.safetensors
if grep -qxF "a ? - 7 no-answer" out; then pass; else fail "row 7: --predict-strokes printed: $(cat out)"; fi
check_doc "a ? - 7 no-answer"
expect "nan-out.safetensors: the model's outputs are NaN or infinite for 20 of 20 images: its weights overflow, so it gives no answer and cannot be evaluated" -- \
    "${EVAL[@]}" nan-out.safetensors
if "$BIN" --version | grep -q '^window: yes'; then
    {
        echo "wait-frames 2"
        one
        echo "wait-frames 2"
        echo "expect-top none"
        echo "expect-message No answer: the model's outputs are NaN: its weights overflow, so it gives no answer"
        echo "key ctrl+s"
        echo "wait-frames 2"
        echo "expect-message Model not saved: the model's outputs are NaN: its weights overflow, so it gives no answer"
        echo "key t"
        echo "wait-frames 2"
        echo "expect-training 0"
        echo "expect-message Not fine-tuning: the model's outputs are NaN: its weights overflow, so it gives no answer (Shift+T trains from scratch)"
        echo "print"
    } >nan.txt
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$tmp/home-nan" timeout 60 "$BIN" --model nan-out.safetensors \
        --script nan.txt >out 2>err
    rc=$?
    if [[ $rc -eq 0 ]] && ! grep -q '^FAIL' out err; then pass; else fail "row 7 window: exit $rc: $(grep FAIL out err | head -n 3)"; fi
    if grep -q 'title="digitpad"' out; then pass; else fail "row 7 window: the title shows an answer: $(grep -o 'title="[^"]*"' out)"; fi
    if [[ ! -e home-nan/model.safetensors ]]; then pass; else fail "row 7 window: Ctrl+S saved the model"; fi
    check_doc "No answer: the model's outputs are NaN: its weights overflow, so it gives no answer"
    check_doc "Model not saved: the model's outputs are NaN: its weights overflow, so it gives no answer"
    check_doc "Not fine-tuning: the model's outputs are NaN: its weights overflow, so it gives no answer (Shift+T trains from scratch)"
else
    skip "row 7 in the window: this build has no window"
fi

# Also (issue 26): a run that ends at chance is a failed training, exit 3,
# whatever --min-accuracy says, and the good model at --out stays.  chance/
# has learnable training images but blank test images, so any model scores
# exactly 10% (an --lr 10 run once replaced a good model with one at 11.35%).
cp keep/X prev.safetensors
expect_code 3 "training failed: the final test accuracy 10.00% is below 20%, no better than guessing (is the learning rate 10 too high?); keep/X was not written" -- \
    --train --limit 200 --epochs 1 --arch mlp --threads 1 --data chance --lr 10 --min-accuracy 0 --out keep/X
if cmp -s prev.safetensors keep/X && [[ $(ls keep) == X ]]; then pass; else fail "chance run: keep/ changed: $(ls keep)"; fi

# Row 9: --shipped-model with --model is refused like two --model flags
# (--model silently won).  A usage error: the message, then the --help hint.
for args in "--eval --shipped-model --model good.safetensors" \
    "--predict good.pgm --model good.safetensors --shipped-model" "--shipped-model --model good.safetensors"; do
    # shellcheck disable=SC2086
    timeout 60 "$BIN" $args >out 2>err
    rc=$?
    if [[ $rc -eq 2 && ! -s out && $(head -n 1 err) == "digitpad: --model and --shipped-model both name a model; give one" &&
        $(wc -l <err) -eq 2 ]]; then
        pass
    else
        fail "row 9: digitpad $args: exit $rc: $(head -c 300 err)"
    fi
done
check_doc "--model and --shipped-model both name a model; give one"

# Row 8: more threads than the process can start (--threads 64 or 256, or
# OMP_NUM_THREADS=64, under ulimit -v).  A start-up probe finds how many can
# run and clamps every team to half of them; one stderr line (the window:
# its status line) says so; never libgomp's fatal "Thread creation failed"
# with exit 1.  Release builds only: sanitizer builds cannot start under
# ulimit -v.
thread_line='^digitpad: (--threads (64|256)|OMP_NUM_THREADS=64): only [0-9]+ threads? could be started \(a memory or process limit\?\); using [0-9]+$'
check_doc "threads could be started (a memory or process limit?); using"
if [[ -n ${DIGITPAD_SANITIZE:-} ]]; then
    skip "row 8 under ulimit -v: a sanitizer build ($DIGITPAD_SANITIZE) cannot start under it"
elif timeout 20 bash -c 'ulimit -v 100000 && exec "$0" --version' "$BIN" >/dev/null 2>&1; then
    for v in 100000 200000 400000; do
        for run in "--eval --data mnist --model good.safetensors --threads 64" \
            "--eval --data mnist --model good.safetensors --threads 256" \
            "OMP --eval --data mnist --model good.safetensors" \
            "--train --limit 200 --epochs 1 --arch mlp --data mnist --threads 64 --out threads.safetensors"; do
            env=()
            [[ $run == OMP* ]] && env=(OMP_NUM_THREADS=64) && run=${run#OMP }
            # shellcheck disable=SC2086
            timeout 120 env "${env[@]}" bash -c "ulimit -v $v && exec \"\$0\" \"\$@\"" "$BIN" $run >out 2>err
            rc=$?
            if [[ $rc -eq 0 ]] && grep -Eq "$thread_line" err && [[ $(grep -c '^digitpad: ' err) -eq 1 ]] &&
                ! grep -q libgomp err; then
                pass
            else
                fail "row 8: ${env[*]} digitpad $run under ulimit -v $v: exit $rc: $(head -c 300 err)"
            fi
        done
    done
    echo "row 8: $(head -n 1 err)"
    if "$BIN" --version | grep -q '^window: yes'; then
        printf '%s\n' "wait-frames 3" "expect-message OMP_NUM_THREADS=64: only " "print" >threads.txt
        OMP_NUM_THREADS=64 SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$tmp/home-threads" timeout 60 \
            bash -c 'ulimit -v 300000 && exec "$0" "$@"' "$BIN" --model good.safetensors \
            --script threads.txt >out 2>err
        rc=$?
        if [[ $rc -eq 0 ]] && ! grep -q '^FAIL' out err && ! grep -q libgomp err; then pass; else fail "row 8 window: exit $rc: $(grep -h 'FAIL\|libgomp' out err | head -n 2)"; fi
    fi
else
    skip "row 8 under ulimit -v: this build cannot start within 100 MB of address space"
fi

# Row 10: windows killed (SIGKILL) during Ctrl+S and between a correction's
# image and its strokes line left PATH.tmp.<pid>.XXXXXX files and images no
# line names; the next window removes those whose process is gone, never
# those of a live one (a sleeping process stands in for another window).
mkdir -p home-left
sleep 300 &
dead=$!
kill -KILL $dead
wait $dead 2>/dev/null
sleep 300 &
live=$!
head -c 3000000 /dev/zero >"home-left/model.safetensors.tmp.$dead.AbC123"
head -c 3000000 /dev/zero >"home-left/model.safetensors.tmp.$live.AbC123"
head -c 797 /dev/zero >"home-left/corrections-user-20260101-120000-$dead-0123abcd.pgm"
head -c 797 /dev/zero >"home-left/corrections-user-20260101-120000-$live-0123abcd.pgm"
want="Removed 1 leftover temporary file and 1 image never recorded in a strokes file (3.0 MB) of saves that were interrupted"
check_doc "$want"
if "$BIN" --version | grep -q '^window: yes'; then
    printf '%s\n' "wait-frames 2" "expect-message $want" "print" >left.txt
    SDL_VIDEODRIVER=dummy DIGITPAD_HOME="$tmp/home-left" timeout 60 "$BIN" \
        --model good.safetensors --script left.txt >out 2>err
    rc=$?
    if [[ $rc -eq 0 ]] && ! grep -q '^FAIL' out err; then pass; else fail "row 10: exit $rc: $(grep FAIL out err | head -n 2)"; fi
    left=$(cd home-left && ls | tr '\n' ' ')
    if [[ $left == "corrections-user-20260101-120000-$live-0123abcd.pgm model.safetensors.tmp.$live.AbC123 " ]]; then
        pass
    else
        fail "row 10: left in the data directory: $left"
    fi
else
    skip "row 10 in the window: this build has no window"
fi
kill $live 2>/dev/null
wait $live 2>/dev/null

cd / || exit 1
finish "" "$tmp"
