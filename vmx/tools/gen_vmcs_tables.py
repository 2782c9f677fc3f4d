#!/usr/bin/env python3
"""Generate the VMCS field catalogue and the VMX control bits (X-macro .def files, docs/vmcs-fields.md).

Run by hand after the shared data changes; the outputs are checked in so the build needs no
Python:

    python3 vmx/tools/gen_vmcs_tables.py            # rewrite the generated files
    python3 vmx/tools/gen_vmcs_tables.py --check    # exit 1 if a checked-in file is stale

Inputs (default --data is ../shared/data next to the repository):
    ia32-doc/derived/vmcs_fields.csv, exit_reasons.csv, vm_instruction_errors.csv,
    vmx_controls.csv  (MIT)
    vmx-supplement/vmcs_fields_not_in_ia32doc.csv, exit_reasons_not_in_ia32doc.csv,
    vmx-supplement/vmcs_encoding_presence.csv (cross-check only)

Only facts are copied: encodings, numbers, field names, widths, types. The ia32-doc
"remarks" and the supplement's "feature"/"second_source" columns are not.

Supplement rows marked "single-source" are left out until someone checks them against the
current Intel SDM and adds the citation to VERIFIED_SINGLE_SOURCE below; the generated doc
lists them as pending. Every row is validated against the SDM encoding bit layout; any
inconsistency stops the generator.
"""
import argparse
import csv
import hashlib
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data"
INCLUDE_DIR = REPO / "vmx" / "include" / "vp" / "vmx"
OUT_FIELDS = INCLUDE_DIR / "vmcs_fields.def"
OUT_EXITS = INCLUDE_DIR / "exit_reasons.def"
OUT_ERRORS = INCLUDE_DIR / "vm_instruction_errors.def"
OUT_CONTROLS = INCLUDE_DIR / "vmx_controls.def"
OUT_DOC = REPO / "docs" / "vmcs-fields.md"

IA32_FIELDS = "ia32-doc/derived/vmcs_fields.csv"
IA32_EXITS = "ia32-doc/derived/exit_reasons.csv"
IA32_ERRORS = "ia32-doc/derived/vm_instruction_errors.csv"
IA32_CONTROLS = "ia32-doc/derived/vmx_controls.csv"
SUP_FIELDS = "vmx-supplement/vmcs_fields_not_in_ia32doc.csv"
SUP_EXITS = "vmx-supplement/exit_reasons_not_in_ia32doc.csv"
SUP_PRESENCE = "vmx-supplement/vmcs_encoding_presence.csv"

# Single-source supplement rows confirmed against the SDM: {encoding or exit number: citation}.
# Empty: the SDM edition reachable when this was written predates all of them.
VERIFIED_SINGLE_SOURCE_FIELDS = {}
VERIFIED_SINGLE_SOURCE_EXITS = {}

# Encoding bits 14:13 (width) and 11:10 (type): SDM Vol. 3C "VMREAD, VMWRITE, and Encodings
# of VMCS Fields". Values are (bit value, C++ enumerator, SDM heading word).
WIDTHS = {"16": (0, "Bits16", "16-bit"), "64": (1, "Bits64", "64-bit"),
          "32": (2, "Bits32", "32-bit"), "natural": (3, "Natural", "Natural-width")}
TYPES = {"control": (0, "Control", "control"), "vmexit_info": (1, "ReadOnly", "read-only data"),
         "guest_state": (2, "GuestState", "guest-state"), "host_state": (3, "HostState", "host-state")}
GROUP_WIDTH = {"16": "16_BIT", "64": "64_BIT", "32": "32_BIT", "natural": "NATURAL_WIDTH"}
GROUP_TYPE = {"control": "CONTROL", "vmexit_info": "READ_ONLY_DATA",
              "guest_state": "GUEST_STATE", "host_state": "HOST_STATE"}

# Basic exit reasons whose ia32-doc text is a sentence rather than the SDM Table C-1 heading.
EXIT_NAME_FIXES = {
    7: "Interrupt window", 8: "NMI window", 17: "RSM", 29: "MOV DR", 36: "MWAIT",
    37: "Monitor trap flag", 39: "MONITOR", 40: "PAUSE",
    41: "VM-entry failure due to machine-check event", 55: "XSETBV",
}
# Enumerator names: typo fixes for ia32-doc, and names for supplement rows.
ERROR_ENUM_FIXES = {4: "VMLAUNCH_NON_CLEAR_VMCS"}
SUP_EXIT_ENUMS = {80: "EXECUTE_URDMSR", 81: "EXECUTE_UWRMSR",
                  84: "EXECUTE_RDMSR_IMMEDIATE", 85: "EXECUTE_WRMSRNS_IMMEDIATE"}

IDENT = re.compile(r"^[A-Z][A-Z0-9_]*$")


class DataError(Exception):
    pass


def fail(msg):
    raise DataError(msg)


def read_csv(data, rel):
    path = data / rel
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return rows, hashlib.sha256(path.read_bytes()).hexdigest()


def clean_name(text, where):
    """An SDM name: no trailing period, no source notes in parentheses, ASCII, C-string safe."""
    name = re.sub(r"\s*\([^)]*:[^)]*\)", "", text.strip()).rstrip(".").strip()
    if not name or not name.isascii() or '"' in name or "\\" in name:
        fail(f"{where}: unusable name {text!r}")
    return name


def short_name(text):
    """Drop a trailing explanatory parenthetical (one with spaces); keep "(NMI)", "field(s)"."""
    return re.sub(r"\s*\([^)]* [^)]*\)$", "", text).strip()


def check_encoding(enc, width, typ, where, index=None):
    if enc & 1:
        fail(f"{where}: 0x{enc:04X} is a HIGH (odd) encoding; the table lists full encodings")
    if enc & 0xFFFF9000:
        fail(f"{where}: 0x{enc:04X} sets reserved bit 12 or bits 31:15")
    if (enc >> 13) & 3 != WIDTHS[width][0]:
        fail(f"{where}: 0x{enc:04X} width bits disagree with width {width}")
    if (enc >> 10) & 3 != TYPES[typ][0]:
        fail(f"{where}: 0x{enc:04X} type bits disagree with type {typ}")
    if index is not None and (enc >> 1) & 0x1FF != index:
        fail(f"{where}: 0x{enc:04X} index bits disagree with index {index}")


def supplement_enum(name, typ):
    ident = re.sub(r"\s*\([^)]*\)", "", name)
    if typ in ("guest_state", "host_state"):
        ident = ident.replace("IA32_", "")  # ia32-doc style: GUEST_PAT, HOST_EFER
    ident = re.sub(r"[^A-Za-z0-9]+", "_", ident).strip("_").upper()
    if typ == "control" and not ident.startswith("CTRL_"):
        ident = "CTRL_" + ident
    return ident


def load_fields(data):
    ia32, ia32_sha = read_csv(data, IA32_FIELDS)
    sup, sup_sha = read_csv(data, SUP_FIELDS)
    presence, _ = read_csv(data, SUP_PRESENCE)
    fields, pending = [], []
    for row in ia32:
        where = f"{IA32_FIELDS} {row['encoding']}"
        enc, width, typ = int(row["encoding"], 16), row["width"], row["type"]
        if width not in WIDTHS or typ not in TYPES:
            fail(f"{where}: unknown width/type {width}/{typ}")
        check_encoding(enc, width, typ, where, int(row["index"]))
        if row["group"] != f"{GROUP_WIDTH[width]}_{GROUP_TYPE[typ]}_FIELDS":
            fail(f"{where}: group {row['group']} disagrees with {width}/{typ}")
        fields.append(dict(enc=enc, enum=row["name"], width=width, type=typ,
                           name=clean_name(row["description"], where), source="ia32-doc"))
    for row in sup:
        where = f"{SUP_FIELDS} {row['encoding']}"
        enc, width, typ = int(row["encoding"], 16), row["width"], row["type"]
        if width not in WIDTHS or typ not in TYPES:
            fail(f"{where}: unknown width/type {width}/{typ}")
        check_encoding(enc, width, typ, where)
        entry = dict(enc=enc, enum=supplement_enum(row["name"], typ), width=width, type=typ,
                     name=clean_name(row["name"], where), feature=row["feature"])
        if row["confidence"].startswith("single-source") and enc not in VERIFIED_SINGLE_SOURCE_FIELDS:
            pending.append(entry)
            continue
        entry["source"] = "supplement (SDM: " + VERIFIED_SINGLE_SOURCE_FIELDS[enc] + ")" \
            if enc in VERIFIED_SINGLE_SOURCE_FIELDS else "supplement (two-source)"
        fields.append(entry)
    fields.sort(key=lambda f: f["enc"])
    seen_enc, seen_enum = set(), set()
    for f in fields + pending:
        if f["enc"] in seen_enc or f["enum"] in seen_enum or not IDENT.match(f["enum"]):
            fail(f"duplicate or invalid field 0x{f['enc']:04X} {f['enum']}")
        seen_enc.add(f["enc"])
        seen_enum.add(f["enum"])
    # Cross-check: ia32-doc rows are flagged present in ia32-doc, supplement rows absent.
    flags = {int(r["encoding"], 16): r["in_ia32doc"] == "1" for r in presence}
    ia32_encs = {int(r["encoding"], 16) for r in ia32}
    if set(flags) != seen_enc or any(flags[e] != (e in ia32_encs) for e in flags):
        fail(f"{SUP_PRESENCE} disagrees with the field lists")
    return fields, pending, {IA32_FIELDS: ia32_sha, SUP_FIELDS: sup_sha}


def load_numbered(data, rel, name_of, enum_of):
    rows, sha = read_csv(data, rel)
    out = []
    for row in rows:
        n = int(row["number"])
        out.append(dict(num=n, enum=enum_of(n, row), name=name_of(n, row, f"{rel} {n}"),
                        source="ia32-doc"))
    return out, sha


def load_exits(data):
    exits, sha = load_numbered(
        data, IA32_EXITS,
        lambda n, r, w: EXIT_NAME_FIXES.get(n) or clean_name(r["description"], w),
        lambda n, r: r["name"])
    sup_rows, sup_sha = read_csv(data, SUP_EXITS)
    pending = []
    for row in sup_rows:
        n = int(row["number"])
        entry = dict(num=n, enum=SUP_EXIT_ENUMS[n], name=clean_name(row["name"], f"{SUP_EXITS} {n}"))
        if row["confidence"].startswith("single-source") and n not in VERIFIED_SINGLE_SOURCE_EXITS:
            pending.append(entry)
            continue
        entry["source"] = "supplement (SDM: " + VERIFIED_SINGLE_SOURCE_EXITS[n] + ")" \
            if n in VERIFIED_SINGLE_SOURCE_EXITS else "supplement (two-source)"
        exits.append(entry)
    exits.sort(key=lambda e: e["num"])
    check_unique(exits + pending, "exit reason")
    return exits, pending, {IA32_EXITS: sha, SUP_EXITS: sup_sha}


def load_errors(data):
    errors, sha = load_numbered(
        data, IA32_ERRORS,
        lambda n, r, w: short_name(clean_name(r["description"], w)),
        lambda n, r: ERROR_ENUM_FIXES.get(n, r["name"]))
    check_unique(errors, "VM-instruction error")
    return errors, {IA32_ERRORS: sha}


# The VMX control words and the enumerator prefix each one's bits get.
CONTROL_GROUPS = {"pin_based": "PIN", "primary_proc_based": "PROC", "secondary_proc_based": "PROC2",
                  "tertiary_proc_based": "PROC3", "vm_exit": "EXIT", "vm_entry": "ENTRY",
                  "secondary_vm_exit": "EXIT2"}


def load_controls(data):
    rows, sha = read_csv(data, IA32_CONTROLS)
    out, seen = [], set()
    for row in rows:
        group, bit, name = row["control"], int(row["bit"]), row["name"]
        if group not in CONTROL_GROUPS or not IDENT.match(name) or not 0 <= bit < 64:
            fail(f"{IA32_CONTROLS}: bad row {row}")
        if (group, bit) in seen or (group, name) in {(g, n) for g, _, n in out}:
            fail(f"{IA32_CONTROLS}: duplicate {group} bit {bit} {name}")
        seen.add((group, bit))
        out.append((group, bit, name))
    return out, {IA32_CONTROLS: sha}


def gen_controls_def(controls, inputs, data):
    out = header("//", "VMX control bits (Intel SDM Vol. 3C \"VM-Execution Control Fields\", "
                 "\"VM-Exit Control Fields\", \"VM-Entry Control Fields\"):",
                 "  X(GROUP, ENUM_NAME, bit)   -- GROUP: PIN PROC PROC2 PROC3 EXIT EXIT2 ENTRY",
                 inputs, data)
    out += guard("group, name, bit", "vmx_controls.def")
    for group, bit, name in controls:
        out += f"X({CONTROL_GROUPS[group]}, {name}, {bit})\n"
    return out


def check_unique(items, what):
    nums, enums = set(), set()
    for i in items:
        if i["num"] in nums or i["enum"] in enums or not IDENT.match(i["enum"]):
            fail(f"duplicate or invalid {what} {i['num']} {i['enum']}")
        nums.add(i["num"])
        enums.add(i["enum"])


def ia32doc_notice(data):
    notice = (data / "ia32-doc" / "NOTICE.md").read_text(encoding="utf-8")
    m = re.search(r"snapshot HEAD ([0-9a-f]{40})", notice)
    snapshot = m.group(1) if m else "unknown"
    licence = (data / "ia32-doc" / "LICENSE").read_text(encoding="utf-8").strip().splitlines()
    return snapshot, licence


def header(comment, title, layout, inputs, data, extra=()):
    snapshot, licence = ia32doc_notice(data)
    lines = ["GENERATED by vmx/tools/gen_vmcs_tables.py -- do not edit; rerun the script.", "",
             title, layout, "", "Generated from (paths under shared/data, sha256 of each file):"]
    lines += [f"  {rel}  {sha[:16]}" for rel, sha in inputs.items()]
    lines += [f"ia32-doc snapshot: https://github.com/ia32-doc/ia32-doc @ {snapshot}", *extra,
              "Only facts are copied (encodings, numbers, names, widths, types); no descriptions.",
              "", "The ia32-doc data is used under the MIT licence:", ""] + licence
    return "\n".join((comment + " " + l).rstrip() for l in lines) + "\n"


def guard(macro_signature, name):
    return (f"\n#ifndef X\n#error \"define X({macro_signature}) before including {name}\"\n"
            f"#endif\n\n")


def gen_fields_def(fields, pending, inputs, data):
    out = header("//", "VMCS fields (Intel SDM Vol. 3D Appendix B), sorted by full encoding:",
                 "  X(ENUM_NAME, encoding, width, type, \"sdm name\")   -- a Bits64 field also has"
                 " the HIGH encoding encoding + 1.", inputs, data,
                 [f"{len(pending)} single-source supplement rows are left out until checked "
                  "against the SDM (see docs/vmcs-fields.md)."])
    out += guard("name, encoding, width, type, sdm_name", "vmcs_fields.def")
    group = None
    for f in fields:
        if (f["width"], f["type"]) != group:
            if group is not None:
                out += "\n"
            group = (f["width"], f["type"])
            out += f"// {group_title(*group)}\n"
        out += (f"X({f['enum']}, 0x{f['enc']:04X}, {WIDTHS[f['width']][1]}, "
                f"{TYPES[f['type']][1]}, \"{f['name']}\"){source_note(f)}\n")
    return out


def gen_numbered_def(items, title, inputs, data, name, extra=()):
    out = header("//", title, "  X(ENUM_NAME, number, \"sdm name\")", inputs, data, extra)
    out += guard("name, number, sdm_name", name)
    for i in items:
        out += f"X({i['enum']}, {i['num']}, \"{i['name']}\"){source_note(i)}\n"
    return out


def source_note(item):
    return "" if item["source"] == "ia32-doc" else "  // " + item["source"]


def group_title(width, typ):
    w, t = WIDTHS[width][2], TYPES[typ][2]
    return f"{w} {t} fields"


def gen_doc(fields, pending, pending_exits, inputs, data):
    snapshot, _ = ia32doc_notice(data)
    n_sup = sum(1 for f in fields if f["source"] != "ia32-doc")
    lines = [
        "<!-- GENERATED by vmx/tools/gen_vmcs_tables.py -- do not edit; rerun the script. -->",
        "# VMCS fields",
        "",
        "Every VMCS field the model knows, grouped as Intel SDM Vol. 3D Appendix B groups them",
        "(width x type), in encoding order. This table, `vmx/include/vp/vmx/vmcs_fields.def` and",
        "the `VmcsField` enum are generated from the same data; change the data, not this file.",
        "",
        f"{len(fields)} fields: {len(fields) - n_sup} from ia32-doc "
        f"(snapshot `{snapshot[:12]}`, MIT, Copyright (c) 2018 Petr Benes), "
        f"{n_sup} from the project's vmx-supplement (rows seen in two independent sources).",
        "",
        "Encoding bits (SDM Vol. 3C, \"VMREAD, VMWRITE, and Encodings of VMCS Fields\"): bit 0 access",
        "type (0 full, 1 high), bits 9:1 index, bits 11:10 type (0 control, 1 read-only data,",
        "2 guest state, 3 host state), bit 12 reserved (0), bits 14:13 width (0 16-bit, 1 64-bit,",
        "2 32-bit, 3 natural-width), bits 31:15 reserved (0). Only 64-bit fields have a HIGH",
        "encoding (full + 1), which reads or writes bits 63:32.",
        "",
    ]
    groups = {}
    for f in fields:
        groups.setdefault((f["width"], f["type"]), []).append(f)
    for (width, typ), rows in groups.items():
        lines += [f"## {group_title(width, typ)}", ""]
        high = width == "64"
        lines.append("| Encoding |" + (" High |" if high else "") + " Index | Field | Enumerator | Source |")
        lines.append("|---|" + ("---|" if high else "") + "---|---|---|---|")
        for f in rows:
            enc = f["enc"]
            lines.append(f"| `0x{enc:04X}` |" + (f" `0x{enc + 1:04X}` |" if high else "")
                         + f" {(enc >> 1) & 0x1FF} | {f['name']} | `{f['enum']}` | {f['source']} |")
        lines.append("")
    lines += ["## Left out: single-source rows not yet checked against the SDM", "",
              "Seen only in Bochs; add them (with the SDM citation) to `VERIFIED_SINGLE_SOURCE_*`",
              "in the generator once confirmed.", "",
              "| Encoding / number | Kind | Name (supplement) |", "|---|---|---|"]
    lines += [f"| `0x{p['enc']:04X}` | {group_title(p['width'], p['type'])} | {p['name']} |" for p in pending]
    lines += [f"| {p['num']} | basic exit reason | {p['name']} |" for p in pending_exits]
    lines += ["", "Sources (sha256 prefix):", ""]
    lines += [f"- `shared/data/{rel}` `{sha[:16]}`" for rel, sha in inputs.items()]
    _, licence = ia32doc_notice(data)
    lines += ["", "## Licence of the ia32-doc data", "", "```"] + licence + ["```", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared/data directory")
    ap.add_argument("--check", action="store_true", help="only report stale generated files")
    args = ap.parse_args()
    try:
        fields, pending, f_in = load_fields(args.data)
        exits, pending_exits, e_in = load_exits(args.data)
        errors, v_in = load_errors(args.data)
        controls, c_in = load_controls(args.data)
    except (DataError, KeyError, ValueError, OSError) as e:
        print(f"gen_vmcs_tables: {e}", file=sys.stderr)
        return 2
    outputs = {
        OUT_FIELDS: gen_fields_def(fields, pending, f_in, args.data),
        OUT_EXITS: gen_numbered_def(exits, "VMX basic exit reasons (Intel SDM Vol. 3D Appendix C):",
                                    e_in, args.data, "exit_reasons.def",
                                    [f"{len(pending_exits)} single-source supplement rows are left "
                                     "out until checked against the SDM."]),
        OUT_ERRORS: gen_numbered_def(errors, "VM-instruction error numbers (Intel SDM Vol. 3C, "
                                     "\"VM Instruction Error Numbers\"):", v_in, args.data,
                                     "vm_instruction_errors.def"),
        OUT_CONTROLS: gen_controls_def(controls, c_in, args.data),
        OUT_DOC: gen_doc(fields, pending, pending_exits, {**f_in, **e_in}, args.data),
    }
    stale = []
    for path, text in outputs.items():
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if args.check else 'wrote'}: {path.relative_to(REPO)}")
    n_sup = sum(1 for f in fields if f["source"] != "ia32-doc")
    print(f"{len(fields)} fields ({len(fields) - n_sup} ia32-doc, {n_sup} supplement; "
          f"{len(pending)} pending), {len(exits)} exit reasons ({len(pending_exits)} pending), "
          f"{len(errors)} VM-instruction errors")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
