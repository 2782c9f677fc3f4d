#!/bin/sh
# qemu_compare.sh VANDERPOOL IMAGE [MEM_MIB]: runs a Multiboot image under Vanderpool and
# under QEMU (TCG, an Intel CPU model, isa-debug-exit at 0xF4, COM1 on stdio) and requires
# the same serial output and the same exit status. Exit 77 (CTest: skipped) without QEMU.
vp=$1 img=$2 mem=${3:-128}
command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo "qemu-system-x86_64 not installed: skipped"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$vp" run --mem "$mem" "$img" > "$out/vp" 2> "$out/vp.err"
vrc=$?
timeout 120 qemu-system-x86_64 -cpu Skylake-Client -m "$mem" -kernel "$img" -display none -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio -d cpu_reset,int -D "$out/qemu.log" > "$out/qemu" 2> "$out/qemu.err" < /dev/null
qrc=$?
if [ "$vrc" != "$qrc" ] || ! cmp -s "$out/vp" "$out/qemu"; then
  echo "vanderpool exit $vrc, qemu exit $qrc"
  diff "$out/qemu" "$out/vp" | head -40
  cat "$out/vp.err" "$out/qemu.err"; grep -v "^ *$" "$out/qemu.log" | tail -30
  exit 1
fi
echo "identical output ($(wc -l < "$out/vp") lines) and exit status $vrc"
