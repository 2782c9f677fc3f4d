#!/bin/sh
# check_hypervisor.sh VANDERPOOL IMAGE GOLDEN: the demo hypervisor (examples/hypervisor.asm)
# launches its guest, maps its memory on EPT violations, handles every exit and stops with
# status 33; --show-vmx names each VM entry and exit; the JSON Lines trace equals the golden
# trace GOLDEN (traces/hypervisor.jsonl).
# VP_UPDATE_GOLDEN=1 rewrites GOLDEN instead of comparing (after a deliberate change).
set -u
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$1" run --show-vmx --trace "$d/trace" "$2" > "$d/out" 2> "$d/err"
st=$?
[ $st -eq 33 ] || { echo "exit status $st, want 33"; cat "$d/out" "$d/err"; exit 1; }
for want in 'guest: hello' 'VMCALL 1 from the guest, RBX = 00000000FEE00900' 'the guest executed HLT' \
            'the guest asked to stop after 24 VM exits' '4 guest pages mapped on demand' \
            'EPT violation at guest-physical 0000000000200000 (the guest.s page tables): mapped the page'; do
  grep -q "$want" "$d/out" || { echo "output lacks: $want"; cat "$d/out"; exit 1; }
done
for want in 'vmentry VMLAUNCH: guest rip' 'vmexit I/O instruction (30): qualification 0x3f80000' \
            'vmexit CPUID (10)' 'vmexit RDMSR (31)' 'vmexit HLT (12)' 'vmexit VMCALL (18)' \
            'vmexit EPT violation (48): qualification 0x81, guest rip 0x100805' \
            'vmexit EPT violation (48): qualification 0x184, guest rip 0x100805'; do
  grep -q "$want" "$d/err" || { echo "--show-vmx lacks: $want"; cat "$d/err"; exit 1; }
done
[ "$(grep -c '^vanderpool: vmexit' "$d/err")" -eq 24 ] || { echo "want 24 VM exits"; cat "$d/err"; exit 1; }
if [ "${VP_UPDATE_GOLDEN:-0}" = 1 ]; then
  cp "$d/trace" "$3"
  echo "updated $3"
  exit 0
fi
diff -u "$3" "$d/trace" > "$d/diff" || { echo "trace differs from $3:"; head -40 "$d/diff"; exit 1; }
echo ok
