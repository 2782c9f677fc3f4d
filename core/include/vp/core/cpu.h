// One logical processor: architectural state, translation caches, decode cache, and the
// run loop. Semantic handlers live in core/src/exec/, grouped by instruction family.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "vp/core/cpu_model.h"
#include "vp/core/state.h"
#include "vp/core/trace.h"
#include "vp/core/vmx_interface.h"
#include "vp/decoder/decoded_insn.h"
#include "vp/memory/io_bus.h"
#include "vp/memory/phys_memory.h"

namespace vp {

class Cpu;
struct Insn;

// What a semantic handler tells the run loop.
enum class Exec : uint8_t {
  Ok,     // retired
  Fault,  // raised the exception in Cpu::fault; RIP is rolled back to the instruction
  Stop,   // retired, and the machine must stop (a device asked, e.g. debug-exit)
  Halt,   // retired HLT: wait for an interrupt
  Event,  // retired INT n / INT3 / INTO / INT1: deliver Cpu::soft_event with RIP past it
  VmTransition,  // a VM entry or VM exit replaced the processor state (RIP included)
};

using Handler = Exec (*)(Cpu&, const Insn&);

struct Insn : DecodedInsn {
  Handler fn = nullptr;
  uint8_t cost = 1;  // modelled cycles (core/src/cost_table.cpp)
};

enum class StopReason : uint8_t {
  None,
  Halted,       // HLT with interrupts disabled and no event that could wake it
  Requested,    // a device asked to stop (debug-exit port)
  TripleFault,  // shutdown (SDM Vol. 3 6.15, exception class table)
  InsnLimit,    // the instruction budget ran out
};

// Exception vectors (SDM Vol. 3 6.3.1).
enum Vector : uint8_t {
  kDE = 0, kDB = 1, kNMI = 2, kBP = 3, kOF = 4, kBR = 5, kUD = 6, kNM = 7, kDF = 8,
  kTS = 10, kNP = 11, kSS = 12, kGP = 13, kPF = 14, kMF = 16, kAC = 17, kMC = 18, kXM = 19,
  // Not an exception: Cpu::fault holds this when an access caused a VM exit (an EPT violation
  // or misconfiguration) that VmxInterface::take_pending_exit performs where the exception
  // would have been delivered.
  kVmExitPending = 0xFF,
};

struct PendingFault {
  uint8_t vector = 0;
  bool has_error = false;
  uint32_t error = 0;
};

// Interrupt controller seen by the CPU (the local APIC implements it in platform/).
class InterruptController {
 public:
  virtual ~InterruptController() = default;
  // Highest-priority deliverable vector, or -1.
  virtual int pending_vector() = 0;
  // The CPU accepts vector v (INTA): it moves from IRR to ISR.
  virtual void acknowledge(int v) = 0;
  // Cycle at which something may next become pending (timer expiry), or UINT64_MAX.
  virtual uint64_t next_event(uint64_t now) = 0;
  virtual void advance(uint64_t now) = 0;
  // The task-priority register, which MOV CR8 reads and writes as TPR[7:4] (SDM 10.8.6.1).
  virtual uint8_t read_tpr() = 0;
  virtual void write_tpr(uint8_t tpr) = 0;
};

// What a cached translation is tagged with besides its linear page (SDM Vol. 3A 4.10.1, Vol.
// 3C 28.3.1): VPID, PCID, an EPT context (a slot for one EPTRTA, 0 = no EPT), and whether it
// is a guest-physical mapping (EPT with guest paging off: tagged by EPTRTA only).
struct TlbTag {
  uint16_t vpid = 0, pcid = 0;
  uint8_t ept = 0;
  bool guest_physical = false;
  // A linear or combined mapping of `v` (what VPID-based invalidations act on).
  bool linear_of(uint16_t v) const { return !guest_physical && vpid == v; }
};
inline constexpr unsigned kTlbKeyShift = 37;  // where the context id sits in a TLB key
// The linear page a translation is cached under: bits 47:12 (translated addresses are
// canonical or 32-bit).
inline constexpr uint64_t linear_page(uint64_t la) { return (la & 0x0000'FFFF'FFFF'F000ull) >> 12; }

// Software TLB entry: one direct-mapped slot caching a linear page's translation. Keys are
// (linear page << 1 | user | context id << 37) so a user access never hits a supervisor-only
// fill and one context (VPID, PCID, EPT) never hits another's.
struct TlbEntry {
  uint64_t tag_r = ~0ull, tag_w = ~0ull, tag_x = ~0ull;
  uint8_t* host_r = nullptr;  // RAM page for reads/fetches, nullptr for MMIO / non-RAM
  uint8_t* host_w = nullptr;  // RAM page for writes, nullptr also for pages holding decoded code
  uint64_t pa = 0;            // (host-)physical page
  uint64_t lpage = ~0ull;     // linear address bits 47:12
  TlbTag ctx;
  uint8_t page_shift = 12;    // size of the guest page this 4-KiB piece belongs to (12, 21, 22, 30)
  bool global = false;
};

struct DecodeCacheEntry {
  uint64_t pa = ~0ull;
  uint32_t gen = 0;
  CodeMode mode = CodeMode::Bits16;
  // Successors seen before on the same page: the fall-through instruction and the last
  // other target (branch taken). Hints only: fetch() re-checks pa and mode before use.
  DecodeCacheEntry* next = nullptr;
  DecodeCacheEntry* target = nullptr;
  Insn insn;
};

class Cpu {
 public:
  Cpu(PhysMemory& mem, IoBus& io, const CpuModel& model = default_cpu_model());
  Cpu(const Cpu&) = delete;
  Cpu& operator=(const Cpu&) = delete;

  // Power-up state (SDM Vol. 3 9.1.1, Table 9-1): real mode at F000:FFF0.
  void reset();
  // Executes until a stop condition or until max_insns more instructions have retired.
  StopReason run(uint64_t max_insns);

  // After changing CS, CR0, CR4 or EFER from outside (loaders, tests, VMX): recompute the
  // derived mode and flush what depends on it.
  void state_changed();
  // Recomputes the derived mode only (after a segment load); no TLB flush.
  void update_mode();
  // CR0/CR4 paging changes: the linear and combined mappings of the current VPID, for all
  // PCIDs and EPT contexts, except global ones when include_global is false (SDM Vol. 3
  // 4.10.4.1, Vol. 3C 28.3.3.1).
  void flush_tlb(bool include_global = true);
  // MOV CR3, INVPCID single-context: the current VPID's non-global mappings of one PCID.
  void flush_pcid(uint16_t pcid);
  // INVLPG, #PF: the current VPID's mappings of one linear page for the current PCID, and
  // global ones for any PCID.
  void invalidate_page(uint64_t la) { invalidate_linear(la, tlb_vpid, tlb_tag.pcid, true); }
  // The linear and combined mappings of `vpid` for the page holding la: of PCID `pcid` (-1:
  // every PCID), and global ones of any PCID when `globals` (INVLPG, INVPCID type 0, INVVPID
  // type 0). A large page is cached in 4-KiB pieces; every piece goes (SDM Vol. 3 4.10.2.3,
  // 4.10.4.1: invalidation covers the whole translation the paging structures give).
  void invalidate_linear(uint64_t la, uint16_t vpid, int pcid = -1, bool globals = true);
  bool large_pieces_ = false;  // a piece of a large page may be cached
  bool pcids_used_ = false;    // a translation of a PCID other than 000H may be cached
  // VPIDs share 15 small numbers in the key (0 is VPID 0000H); reusing one drops what the TLB
  // holds for its old VPID, as hardware may drop cached translations at any time.
  uint16_t vpid_slots_[16] = {};
  unsigned vpid_slot_next_ = 1, vpid_slot_ = 0;
  // Drops every cached translation for which keep(entry) is false (VMX invalidations).
  template <class Keep>
  void invalidate_tlb_unless(Keep keep) {
    ++fetch_epoch;
    unsigned kept = 0;
    for (unsigned k = 0; k < tlb_live_n_; ++k) {
      const uint16_t idx = tlb_live_[k];
      if (keep(static_cast<const TlbEntry&>(tlb[idx]))) {
        tlb_live_[kept++] = idx;
        continue;
      }
      tlb[idx] = TlbEntry{};
      tlb_live_bits_[idx >> 6] &= ~(1ull << (idx & 63));
    }
    tlb_live_n_ = kept;
    if (!kept) large_pieces_ = pcids_used_ = false;
  }
  // The context translations made now are tagged with: the VPID and EPT context VMX sets
  // (0 and 0 in root operation, set_vmx_context), the PCID (CR3[11:0] with CR4.PCIDE) and
  // whether guest paging is off under EPT (refresh_tlb_context, from update_mode and CR3).
  uint16_t tlb_vpid = 0;
  uint8_t tlb_ept = 0;
  TlbTag tlb_tag;
  uint64_t tlb_key_bits = 0;  // the context id << kTlbKeyShift
  uint32_t tlb_index_salt = 0;  // XOR-ed into the slot index: a function of the PCID
  static uint32_t pcid_salt(uint16_t pcid) { return (pcid * 167u) & (kTlbSize - 1); }
  void set_vmx_context(uint16_t vpid, uint8_t ept);
  void refresh_tlb_context();
  // Guest-physical addresses go through EPT (VmxInterface::translate_guest_physical).
  bool ept_active = false;
  // Opt-in diagnostic (`run --check-stale-tlb`): every use of a cached translation is checked
  // against the paging structures, and a use the structures no longer support is reported.
  bool stale_check = false;
  uint64_t stale_uses = 0;  // uses reported so far
  // Any change that can alter how a linear code address is fetched (TLB flush, INVLPG,
  // mode, CPL or segment change) bumps this; chained fetches require it unchanged.
  uint64_t fetch_epoch = 0;

  // --- state -------------------------------------------------------------------------
  CpuState s;
  uint64_t icount = 0;  // retired instructions
  uint64_t clock = 0;   // modelled cycles
  bool stop_requested = false;  // set by devices; checked after I/O and MMIO writes
  // Optional: asked after every port write whether a device wants the machine stopped.
  std::function<bool()> stop_probe;
  bool device_stop() {
    if (stop_probe && stop_probe()) stop_requested = true;
    return stop_requested;
  }
  InterruptController* intc = nullptr;
  // The VT-x model (vmx/VmxUnit); nullptr means the processor has no VMX.
  VmxInterface* vmx = nullptr;
  // In VMX non-root operation (set by VM entry, cleared by VM exit): intercept points ask vmx.
  bool non_root = false;
  // Non-root operation with a control that acts between instructions (SDM Vol. 3C 25.2, 25.5).
  bool vmx_poll = false;
  bool vm_intercept(const Insn& i, Intercept what) { return non_root && vmx->intercept(*this, i, what); }
  // Added to the TSC in non-root operation with "use TSC offsetting" (SDM Vol. 3C 25.3).
  uint64_t vmx_tsc_offset = 0;
  uint64_t guest_tsc() const { return clock + s.tsc_offset + (non_root ? vmx_tsc_offset : 0); }
  // Platform MSRs (local APIC ...): return true when the MSR exists. A write hook
  // returning false makes WRMSR raise #GP(0).
  std::function<bool(uint32_t msr, uint64_t& value)> msr_read_hook;
  std::function<bool(uint32_t msr, uint64_t value)> msr_write_hook;
  TraceSink* trace = nullptr;  // optional structured events (--trace)
  // Log sink for diagnostics (unimplemented instructions, unclaimed ports ...).
  std::function<void(const std::string&)> log;

  const CpuModel& model;
  PhysMemory& mem;
  IoBus& io;

  // --- derived mode (recomputed by state_changed) --------------------------------------
  CodeMode code_mode = CodeMode::Bits16;
  bool long64 = false;   // IA-32e 64-bit mode (CS.L = 1 with EFER.LMA = 1)
  bool paging = false;
  uint8_t stack_size = 2;  // bytes: SS.B or 8 in 64-bit mode
  uint64_t seg_base[6] = {};  // effective bases (0 for CS/DS/ES/SS in 64-bit mode)

  // --- events --------------------------------------------------------------------------
  PendingFault fault;
  uint64_t fault_cr2 = 0;
  uint64_t cr2_before_pf = 0;
  uint64_t insn_rip = 0;     // RIP of the instruction executing now
  bool interrupt_shadow = false;  // STI / MOV SS blocking for one instruction
  bool shadow_armed = false;      // set by the instruction that creates the shadow
  // STI, MOV SS, POP SS: block interrupts (and debug traps) until the next instruction
  // retires (SDM Vol. 3 6.8.3).
  void arm_interrupt_shadow(bool blocks_debug) {
    shadow_armed = true;
    shadow_blocks_debug = blocks_debug;
    next_check = 0;
  }
  bool shadow_blocks_debug = false;  // MOV SS / POP SS also hold back debug traps

  // --- debug (SDM Vol. 3 chapter 17) ---------------------------------------------------
  uint8_t dr7_exec = 0;   // DR0-3 enabled as instruction breakpoints (recomputed from DR7)
  uint8_t dr7_data = 0;   // DR0-3 enabled as data breakpoints (R/W = 01 or 11)
  uint8_t dr7_io = 0;     // DR0-3 enabled as I/O breakpoints (R/W = 10, CR4.DE = 1)
  uint8_t db_hits = 0;    // data/I/O breakpoints hit by the instruction executing now
  // Class of the #DB being raised: instruction breakpoint (fault, RF not pushed as 1),
  // other fault (general detect), or trap.
  enum class DbClass : uint8_t { Trap, CodeBreakpoint, Fault } db_class = DbClass::Trap;
  void dr7_changed();
  // Records data (io = false) or I/O breakpoint hits for an access of [addr, addr+size).
  void check_data_breakpoints(uint64_t addr, unsigned size, bool write, bool io);
  bool halted = false;
  // What a halted processor waits for: HLT wakes on interrupts and NMIs; the VMX shutdown
  // activity state only on an NMI or a VMX control that wakes it; wait-for-SIPI on a SIPI,
  // which nothing on this one-processor machine sends (SDM Vol. 3C 24.4.2, 25.2, 26.6.2).
  enum class HaltKind : uint8_t { Hlt, Shutdown, WaitForSipi } halt_kind = HaltKind::Hlt;
  // Shutdown without a triple fault (a VMX abort, SDM Vol. 3C 27.7): the run stops as for one.
  bool in_shutdown = false;
  // NMI (SDM Vol. 3 6.7.1): pending until delivered; further NMIs are blocked from delivery
  // until the next IRET.
  bool nmi_pending = false;
  bool nmi_blocked = false;
  // IRET is executing, or faulted and its fault is being delivered: a VM exit then ends NMI
  // blocking first and reports "NMI unblocking due to IRET" (SDM Vol. 3C 27.1, 27.2.1-2).
  bool in_iret = false;
  void raise_nmi() {
    nmi_pending = true;
    next_check = 0;
  }
  uint64_t next_check = 0;   // clock value at which check_events() must run; 0 = now
  StopReason stop_reason = StopReason::None;
  uint64_t pdpte[4] = {};    // PAE PDPTE registers (SDM Vol. 3 4.4.1)

  // --- caches --------------------------------------------------------------------------
  static constexpr unsigned kTlbSize = 512;
  static constexpr unsigned kDecodeCacheSize = 16384;
  TlbEntry tlb[kTlbSize];
  // The slots filled since the last flush (so a flush clears only those).
  void note_tlb_fill(unsigned idx) {
    if (!((tlb_live_bits_[idx >> 6] >> (idx & 63)) & 1)) {
      tlb_live_bits_[idx >> 6] |= 1ull << (idx & 63);
      tlb_live_[tlb_live_n_++] = static_cast<uint16_t>(idx);
    }
  }
  uint16_t tlb_live_[kTlbSize] = {};
  unsigned tlb_live_n_ = 0;
  uint64_t tlb_live_bits_[kTlbSize / 64] = {};
  DecodeCacheEntry* dcache;  // kDecodeCacheSize entries, owned
  Insn scratch_insn;         // decode of an instruction that crosses a page (not cached)
  ~Cpu();

  // Raises an exception: records it and returns Exec::Fault for handlers to return.
  Exec raise(uint8_t vector) {
    fault = {vector, false, 0};
    return Exec::Fault;
  }
  Exec raise(uint8_t vector, uint32_t error) {
    fault = {vector, true, error};
    return Exec::Fault;
  }
  Exec gp(uint32_t error = 0) { return raise(kGP, error); }
  // Software-generated event (INT n, INT3, INTO, INT1) to deliver after the instruction.
  struct SoftEvent {
    uint8_t vector;
    uint8_t kind;
  } soft_event{};
  Exec ud() { return raise(kUD); }

  // Delivers `fault` (or an external interrupt / software interrupt) through the IDT/IVT.
  // Returns false when delivery ended in shutdown (triple fault).
  bool deliver_exception();
  enum class EventKind : uint8_t { Exception, External, Software, Nmi, Icebp };
  bool deliver(uint8_t vector, EventKind kind, bool has_error, uint32_t error);
  // The event whose delivery is under way (for IDT-vectoring information on a VM exit).
  struct Vectoring {
    bool valid = false;
    uint8_t vector = 0;
    uint8_t kind = 0;  // EventKind
    bool has_error = false;
    uint32_t error = 0;
    uint8_t insn_len = 0;  // software interrupts and exceptions: the instruction's length
  } vectoring;
  // Shutdown (triple fault): false, or true when VMX non-root operation turned it into a VM exit.
  bool shutdown(const char* why);
  void log_msg(const std::string& m) {
    if (log) log(m);
  }
  // Disassembly of the instruction at CS:RIP for messages ("mov eax, 1").
  std::string describe_at(uint64_t rip);

 private:
  const Insn* fetch();
  bool code_breakpoint();               // before an instruction: raises #DB when DR0-3 match
  bool single_step(uint64_t pre_flags, const Insn& in);  // after one: RF cleared, TF trap
  bool debug_trap();
  [[gnu::noinline]] const Insn* fetch_lookup(uint64_t rip, uint64_t& la, uint64_t& pa, DecodeCacheEntry*& entry);
  // The previous fetch, for following DecodeCacheEntry::next/target without a TLB lookup.
  DecodeCacheEntry* chain_ = nullptr;
  uint64_t chain_la_ = 0, chain_pa_ = 0, chain_fetch_epoch_ = 0, chain_code_epoch_ = 0;
  [[gnu::noinline]] const Insn* fetch_slow(uint64_t la, uint64_t pa, DecodeCacheEntry& d);
  bool check_events();
  bool check_pending_events();  // interrupt shadow, debug traps, NMI, interrupts, HLT
  unsigned delivering_ = 0;  // nesting depth of exception delivery (#DF, triple fault)
  uint32_t traced_mode_ = ~0u;  // last operating mode reported to the trace
};

}  // namespace vp
