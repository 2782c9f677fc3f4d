// Decoder: Zydis-backed decoding of one instruction into a DecodedInsn.
#pragma once
#include <cstddef>
#include <cstdint>

#include "vp/decoder/decoded_insn.h"

namespace vp {

enum class DecodeStatus : uint8_t {
  Ok,
  NeedMoreBytes,  // the bytes given end inside the instruction
  Invalid,        // no instruction (the guest gets #UD)
  TooLong,        // longer than 15 bytes (#GP(0), SDM Vol. 2 2.3.11)
};

// Decodes the instruction at bytes[0..n). Thread-compatible, no allocation.
DecodeStatus decode(const uint8_t* bytes, size_t n, CodeMode mode, DecodedInsn& out);

// Upper-case mnemonic name ("ADD"), for logs and traces.
const char* mnemonic_name(uint16_t mnemonic);

// Intel-syntax text of an instruction, written into buf (always NUL-terminated).
void format_insn(const uint8_t* bytes, size_t n, CodeMode mode, uint64_t rip, char* buf,
                 size_t buflen);

}  // namespace vp
