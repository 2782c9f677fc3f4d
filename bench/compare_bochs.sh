#!/usr/bin/env bash
# compare_bochs.sh [N]: guest MIPS of Vanderpool's interpreter and of Bochs 2.7 on the same
# boot-sector image of the shared reference loop (bench/guest/boot.asm: 4 + 16.5 N
# instructions of loop), measured one after the other on this machine. Boot-only runs
# (N = 2) are subtracted. Needs bochs, bochsbios, vgabios (apt) and a built build/.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-6000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in 2 "$N"; do nasm -f bin -Ibench/guest/ -DITERS=$n -o "$work/boot_$n.bin" bench/guest/boot.asm; done
secs() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
bochs_run() {
  cp "$1" "$work/fd.img"; truncate -s 1474560 "$work/fd.img"
  cat > "$work/rc" <<RC
megs: 32
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
floppya: 1_44=$work/fd.img, status=inserted
boot: floppy
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
cpu: count=1, ips=100000000
log: /dev/null
clock: sync=none, time0=local
speaker: enabled=0
RC
  printf 'c\n' > "$work/dbg"
  bochs -q -f "$work/rc" -rc "$work/dbg" < /dev/null
}
vp_run() { build/cli/vanderpool run --flat 0x7c00 "$1"; }
insns=$(echo "16.5 * $N - 16.5 * 2" | bc -l)
vb=$(secs vp_run "$work/boot_2.bin"); vt=$(secs vp_run "$work/boot_$N.bin")
bb=$(secs bochs_run "$work/boot_2.bin"); bt=$(secs bochs_run "$work/boot_$N.bin")
vm=$(echo "$insns / ($vt - $vb) / 1000000" | bc -l)
bm=$(echo "$insns / ($bt - $bb) / 1000000" | bc -l)
printf 'loop instructions: %.0f\nvanderpool: %.2f s (boot %.2f s) -> %.1f MIPS\nbochs 2.7:  %.2f s (boot %.2f s) -> %.1f MIPS\nratio vanderpool/bochs: %.2f\n' \
  "$insns" "$vt" "$vb" "$vm" "$bt" "$bb" "$bm" "$(echo "$vm / $bm" | bc -l)"
