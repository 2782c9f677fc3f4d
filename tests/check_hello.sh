#!/bin/sh
# check_hello.sh VANDERPOOL IMAGE: the README's main job, checked without QEMU: exit status
# 33, three timer ticks, the memory map with the usable RAM above 1 MiB.
out=$("$1" run "$2"); rc=$?
echo "$out"
[ "$rc" -eq 33 ] || { echo "exit status $rc, expected 33"; exit 1; }
[ "$(printf '%s\n' "$out" | grep -c '^tick')" -eq 3 ] || { echo "expected three ticks"; exit 1; }
printf '%s\n' "$out" | grep -q 'map 0000000000100000 0000000007EE0000 1' || { echo "memory map differs"; exit 1; }
