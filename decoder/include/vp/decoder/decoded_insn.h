// DecodedInsn: the compact, allocation-free form of one x86 instruction that the
// interpreter consumes. Produced once per guest instruction by decode() (Zydis underneath)
// and kept in the decode cache, so it is small and flat.
#pragma once
#include <cstdint>

namespace vp {

// Code size the decoder works in (SDM Vol. 1 3.6: default operand/address sizes).
enum class CodeMode : uint8_t { Bits16 = 0, Bits32 = 1, Bits64 = 2 };

enum class OpKind : uint8_t { None, Gpr, Mem, Imm, Ptr, Seg, Cr, Dr, Xmm, Mmx, X87, Other };

// General-purpose register operands are byte offsets into the register file
// (8 * n; 8 * n + 1 for AH/CH/DH/BH), so every operand size reads and writes
// through one address computation.
inline constexpr uint8_t kRegZero = 16;  // register-file slot that always holds 0
inline constexpr uint8_t kRegRip = 17;   // slot holding the next instruction's RIP
inline constexpr uint8_t gpr_off(unsigned n) { return static_cast<uint8_t>(n * 8); }

// Segment register numbers as encoded in instructions (SDM Vol. 2 Table 3-... Sreg).
enum Seg : uint8_t { ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, kSegNone = 7 };

struct Operand {
  OpKind kind = OpKind::None;
  uint8_t size = 0;  // bytes
  uint8_t reg = 0;   // Gpr: byte offset; Seg/Cr/Dr/Xmm/Mmx: register number
};

enum Prefix : uint8_t {
  kPrefixLock = 1 << 0,
  kPrefixRep = 1 << 1,    // F3 on a string instruction (REP/REPE)
  kPrefixRepne = 1 << 2,  // F2 on a string instruction
  kPrefixSegOverride = 1 << 3,
  kPrefixOpsize = 1 << 4,  // 66
  kPrefixRex = 1 << 5,
};

struct DecodedInsn {
  uint64_t imm = 0;    // first immediate, sign- or zero-extended as the SDM defines
  int64_t disp = 0;    // memory displacement; for a relative branch the target offset
  uint16_t mnemonic = 0;  // ZydisMnemonic
  uint16_t imm2 = 0;      // second immediate (ENTER nesting level) or far-pointer selector
  uint8_t len = 0;
  CodeMode mode = CodeMode::Bits64;
  uint8_t osz = 0;       // effective operand size, bytes
  uint8_t asz = 0;       // effective address size, bytes
  uint8_t base = kRegZero;   // memory operand: register-file slot of base (kRegRip for RIP-relative)
  uint8_t index = kRegZero;  // register-file slot of index
  uint8_t scale = 0;         // shift count (0..3)
  uint8_t seg = DS;          // effective segment of the memory operand
  uint8_t seg_override = kSegNone;  // segment prefix, if any (string instructions, XLAT)
  uint8_t prefixes = 0;      // Prefix bits
  uint8_t nops = 0;          // explicit operands
  uint8_t opcode = 0;        // last opcode byte
  uint8_t opcode_map = 0;    // ZydisOpcodeMap
  uint8_t modrm_reg = 0;     // ModRM.reg field (for instruction-information fields)
  uint8_t category = 0;      // ZydisInstructionCategory (cost classes)
  bool far = false;          // far JMP/CALL/RET (Zydis names them like the near forms)
  Operand op[4];
};

}  // namespace vp
