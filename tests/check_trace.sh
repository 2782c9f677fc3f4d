#!/bin/sh
# check_trace.sh VANDERPOOL IMAGE: --trace records the exceptions of the lm_exceptions guest
# with their vector, error code and CR2, the switch to long mode, and the stop.
t=$(mktemp)
trap 'rm -f "$t"' EXIT
"$1" run --flat 0x7c00 --trace "$t" "$2" > /dev/null
for want in '"event":"mode","mode":"long","code":"64-bit","paging":true' \
            '"kind":"exception","vector":0,' \
            '"kind":"software","vector":3,' \
            '"vector":14,"cs":8,"rip":"0x[0-9a-f]*","error":2,"cr2":"0x40000008"' \
            '"vector":13,"cs":8,"rip":"0x[0-9a-f]*","error":24}' \
            '"vector":8,"cs":8,"rip":"0x[0-9a-f]*","error":0}' \
            '"event":"stop","reason":"debug-exit","status":1}'; do
  grep -q "$want" "$t" || { echo "trace lacks: $want"; cat "$t"; exit 1; }
done
[ "$(wc -l < "$t")" -gt 8 ] || { echo "trace too short"; exit 1; }
