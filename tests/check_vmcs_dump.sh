#!/bin/sh
# check_vmcs_dump.sh VANDERPOOL IMAGE: the vmx_current guest stops in VMX root operation;
# `run --dump-vmcs` prints its current VMCS, and `vmcs dump` prints the same VMCS from the RAM
# image `run --save-ram` wrote. Bad arguments to `vmcs dump` are clear errors.
set -u
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$1" run --flat 0x7c00 --dump-vmcs --save-ram "$d/ram" "$2" > /dev/null 2> "$d/err"
[ $? -eq 1 ] || { echo "run: unexpected exit status"; cat "$d/err"; exit 1; }
for want in 'VMX: root operation, VMXON region 0x0000000000020000, current VMCS 0x0000000000021000' \
            'launch state clear' '681e  Guest RIP .* 0xfedcba9876543210' \
            '6802  Guest CR3 .* 0x0000000000001000' '0800  Guest ES selector .* 0x0007'; do
  grep -q "$want" "$d/err" || { echo "--dump-vmcs lacks: $want"; cat "$d/err"; exit 1; }
done
"$1" vmcs dump --at 0x21000 --nonzero "$d/ram" > "$d/dump" || { echo "vmcs dump failed"; exit 1; }
grep -q '681e  Guest RIP .* 0xfedcba9876543210' "$d/dump" || { echo "vmcs dump lacks Guest RIP"; cat "$d/dump"; exit 1; }
[ "$(grep -c '^  [0-9a-f]\{4\}  ' "$d/dump")" -eq 3 ] || { echo "--nonzero shows other fields"; cat "$d/dump"; exit 1; }
"$1" vmcs dump --at 0x21000 /nonexistent 2> "$d/e1"; [ $? -eq 4 ] && grep -q "cannot open" "$d/e1" || { echo "missing file"; exit 1; }
"$1" vmcs dump --at 0x7fffffff "$d/ram" 2> "$d/e2"; [ $? -eq 4 ] && grep -q "holds no VMCS region" "$d/e2" || { echo "short file"; exit 1; }
"$1" vmcs dump --at zz "$d/ram" 2> "$d/e3"; [ $? -eq 2 ] || { echo "bad --at"; exit 1; }
echo ok
