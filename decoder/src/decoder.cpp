#include "vp/decoder/decoder.h"

#include <Zydis/Zydis.h>

#include <cstdio>
#include <cstring>

namespace vp {
namespace {

struct Decoders {
  ZydisDecoder d[3];
  ZydisFormatter fmt;
  Decoders() {
    ZydisDecoderInit(&d[0], ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16);
    ZydisDecoderInit(&d[1], ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32);
    ZydisDecoderInit(&d[2], ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_INTEL);
  }
};

const Decoders& decoders() {
  static const Decoders d;
  return d;
}

uint8_t seg_of(ZydisRegister r) {
  switch (r) {
    case ZYDIS_REGISTER_ES: return ES;
    case ZYDIS_REGISTER_CS: return CS;
    case ZYDIS_REGISTER_SS: return SS;
    case ZYDIS_REGISTER_DS: return DS;
    case ZYDIS_REGISTER_FS: return FS;
    case ZYDIS_REGISTER_GS: return GS;
    default: return kSegNone;
  }
}

// Register-file slot (byte offset) of a general-purpose register.
uint8_t gpr_slot(ZydisRegister r) {
  if (r >= ZYDIS_REGISTER_AH && r <= ZYDIS_REGISTER_BH)
    return static_cast<uint8_t>(gpr_off(r - ZYDIS_REGISTER_AH) + 1);
  const auto id = static_cast<unsigned>(ZydisRegisterGetId(r));
  // GPR8 ids run AL CL DL BL AH CH DH BH SPL BPL SIL DIL R8B..: SPL is register 4.
  if (ZydisRegisterGetClass(r) == ZYDIS_REGCLASS_GPR8 && id >= 8) return gpr_off(id - 4);
  return gpr_off(id);
}

// Memory-operand base/index slot: a GPR's index, kRegRip, or kRegZero.
uint8_t addr_slot(ZydisRegister r) {
  if (r == ZYDIS_REGISTER_NONE) return kRegZero;
  if (r == ZYDIS_REGISTER_RIP || r == ZYDIS_REGISTER_EIP || r == ZYDIS_REGISTER_IP) return kRegRip;
  return static_cast<uint8_t>(ZydisRegisterGetId(r));
}

Operand convert_reg(ZydisRegister r, uint16_t bits) {
  Operand o;
  o.size = static_cast<uint8_t>(bits / 8);
  switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR8:
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32:
    case ZYDIS_REGCLASS_GPR64:
      o.kind = OpKind::Gpr;
      o.reg = gpr_slot(r);
      break;
    case ZYDIS_REGCLASS_SEGMENT:
      o.kind = OpKind::Seg;
      o.reg = seg_of(r);
      break;
    case ZYDIS_REGCLASS_CONTROL:
      o.kind = OpKind::Cr;
      o.reg = static_cast<uint8_t>(ZydisRegisterGetId(r));
      break;
    case ZYDIS_REGCLASS_DEBUG:
      o.kind = OpKind::Dr;
      o.reg = static_cast<uint8_t>(ZydisRegisterGetId(r));
      break;
    case ZYDIS_REGCLASS_XMM:
      o.kind = OpKind::Xmm;
      o.reg = static_cast<uint8_t>(ZydisRegisterGetId(r));
      break;
    case ZYDIS_REGCLASS_MMX:
      o.kind = OpKind::Mmx;
      o.reg = static_cast<uint8_t>(ZydisRegisterGetId(r));
      break;
    case ZYDIS_REGCLASS_X87:
      o.kind = OpKind::X87;
      o.reg = static_cast<uint8_t>(ZydisRegisterGetId(r));
      break;
    default:
      o.kind = OpKind::Other;
      o.reg = 0;
      break;
  }
  return o;
}

}  // namespace

DecodeStatus decode(const uint8_t* bytes, size_t n, CodeMode mode, DecodedInsn& out) {
  ZydisDecodedInstruction zi;
  ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
  const ZyanStatus st = ZydisDecoderDecodeFull(&decoders().d[static_cast<int>(mode)], bytes, n, &zi, zo);
  if (ZYAN_FAILED(st)) {
    if (st == ZYDIS_STATUS_NO_MORE_DATA) return n >= 15 ? DecodeStatus::TooLong : DecodeStatus::NeedMoreBytes;
    if (st == ZYDIS_STATUS_INSTRUCTION_TOO_LONG) return DecodeStatus::TooLong;
    return DecodeStatus::Invalid;
  }
  out = DecodedInsn{};
  out.mnemonic = static_cast<uint16_t>(zi.mnemonic);
  out.len = zi.length;
  out.mode = mode;
  out.osz = static_cast<uint8_t>(zi.operand_width / 8);
  out.asz = static_cast<uint8_t>(zi.address_width / 8);
  out.opcode = zi.opcode;
  out.opcode_map = static_cast<uint8_t>(zi.opcode_map);
  out.category = static_cast<uint8_t>(zi.meta.category);
  out.modrm_reg = zi.raw.modrm.reg;
  out.far = zi.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR;
  const auto attr = zi.attributes;
  if (attr & ZYDIS_ATTRIB_HAS_LOCK) out.prefixes |= kPrefixLock;
  if (attr & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE)) out.prefixes |= kPrefixRep;
  if (attr & ZYDIS_ATTRIB_HAS_REPNE) out.prefixes |= kPrefixRepne;
  if (attr & ZYDIS_ATTRIB_HAS_SEGMENT) {
    out.prefixes |= kPrefixSegOverride;
    out.seg_override = (attr & ZYDIS_ATTRIB_HAS_SEGMENT_CS)   ? CS
                       : (attr & ZYDIS_ATTRIB_HAS_SEGMENT_SS) ? SS
                       : (attr & ZYDIS_ATTRIB_HAS_SEGMENT_DS) ? DS
                       : (attr & ZYDIS_ATTRIB_HAS_SEGMENT_ES) ? ES
                       : (attr & ZYDIS_ATTRIB_HAS_SEGMENT_FS) ? FS
                                                              : GS;
  }
  if (attr & ZYDIS_ATTRIB_HAS_OPERANDSIZE) out.prefixes |= kPrefixOpsize;
  if (attr & ZYDIS_ATTRIB_HAS_REX) out.prefixes |= kPrefixRex;

  bool have_imm = false;
  const unsigned nvis = zi.operand_count_visible < 4 ? zi.operand_count_visible : 4;
  out.nops = static_cast<uint8_t>(nvis);
  for (unsigned i = 0; i < nvis; ++i) {
    const ZydisDecodedOperand& o = zo[i];
    Operand& d = out.op[i];
    switch (o.type) {
      case ZYDIS_OPERAND_TYPE_REGISTER:
        d = convert_reg(o.reg.value, o.size);
        break;
      case ZYDIS_OPERAND_TYPE_MEMORY:
        d.kind = OpKind::Mem;
        d.size = static_cast<uint8_t>(o.size / 8);
        out.base = addr_slot(o.mem.base);
        out.index = addr_slot(o.mem.index);
        out.scale = o.mem.scale == 8 ? 3 : o.mem.scale == 4 ? 2 : o.mem.scale == 2 ? 1 : 0;
        out.disp = o.mem.disp.value;
        out.seg = seg_of(o.mem.segment);
        if (out.seg == kSegNone) out.seg = DS;
        break;
      case ZYDIS_OPERAND_TYPE_POINTER:
        d.kind = OpKind::Ptr;
        d.size = static_cast<uint8_t>(out.osz + 2);
        out.imm = o.ptr.offset;
        out.imm2 = o.ptr.segment;
        break;
      case ZYDIS_OPERAND_TYPE_IMMEDIATE:
        d.kind = OpKind::Imm;
        d.size = static_cast<uint8_t>(o.size / 8);
        if (o.imm.is_relative) {
          out.disp = o.imm.value.s;
        } else if (!have_imm) {
          out.imm = o.imm.value.u;
          have_imm = true;
        } else {
          out.imm2 = static_cast<uint16_t>(o.imm.value.u);
        }
        break;
      default:
        d.kind = OpKind::Other;
        break;
    }
  }
  return DecodeStatus::Ok;
}

const char* mnemonic_name(uint16_t mnemonic) {
  const char* s = ZydisMnemonicGetString(static_cast<ZydisMnemonic>(mnemonic));
  return s ? s : "?";
}

void format_insn(const uint8_t* bytes, size_t n, CodeMode mode, uint64_t rip, char* buf, size_t buflen) {
  if (buflen == 0) return;
  ZydisDecodedInstruction zi;
  ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
  const auto& ds = decoders();
  if (ZYAN_FAILED(ZydisDecoderDecodeFull(&ds.d[static_cast<int>(mode)], bytes, n, &zi, zo)) ||
      ZYAN_FAILED(ZydisFormatterFormatInstruction(&ds.fmt, &zi, zo, zi.operand_count_visible, buf, buflen,
                                                  rip, nullptr))) {
    std::snprintf(buf, buflen, "(bad)");
  }
}

}  // namespace vp
