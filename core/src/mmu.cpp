// Linear-address translation (SDM Vol. 3 chapter 4 "Paging"): 32-bit, PAE and 4-level
// paging, access rights (4.6), accessed/dirty flags (4.8), page-fault error codes (4.7),
// and the software TLB that caches translations (4.10). Under EPT every guest-physical
// address (paging-structure entries, the final address) goes through VmxInterface.
#include <cstdio>
#include <cstring>

#include "access.h"

namespace vp {
namespace {

constexpr uint64_t P = 1, RW = 2, US = 4, PS = 0x80, A = 0x20, D = 0x40, G = 0x100;
constexpr uint64_t XD = 1ull << 63;

// #PF error code bits (SDM Vol. 3 4.7).
constexpr uint32_t kPfP = 1, kPfW = 2, kPfU = 4, kPfRsvd = 8, kPfI = 16;

struct Walk {
  uint64_t pa = 0;        // translated (guest-)physical address
  uint64_t page_mask = 0xFFF;  // offset bits of the page
  bool rw = true, us = true, xd = false, global = false, dirty = false;
  uint64_t entry_pa[5] = {};   // host-physical addresses of the entries used, top level first
  uint64_t entry_gpa[5] = {};  // and their guest-physical addresses
  uint64_t entry[5] = {};
  uint8_t entry_perms[5] = {};  // EPT rights on each entry's page
  unsigned levels = 0;
};

uint64_t phys_mask(const Cpu& c) { return ((1ull << c.model.maxphyaddr) - 1) & ~0xFFFull; }

// A guest-physical address as a host-physical one: the identity outside EPT.
Exec to_host(Cpu& c, uint64_t gpa, Access acc, GpaUse use, uint64_t la, bool dry, uint64_t& hpa, uint8_t& perms) {
  if (!c.ept_active) {
    hpa = gpa;
    perms = gpa_perm::kAll;
    return Exec::Ok;
  }
  const GuestPhysicalAccess a{gpa, la, static_cast<uint8_t>(acc), use, dry};
  return c.vmx->translate_guest_physical(c, a, hpa, perms) ? Exec::Ok : Exec::Fault;
}

Exec page_fault(Cpu& c, uint64_t la, uint32_t err, bool dry) {
  if (dry) return Exec::Fault;
  c.fault_cr2 = la;
  return c.raise(kPF, err);
}

// Reserved bits of a 64-bit paging-structure entry at `level` (4 = PML4 .. 1 = PT),
// SDM Vol. 3 4.5 tables 4-14..4-19 and 4.4.2 for PAE.
uint64_t reserved_bits(const Cpu& c, unsigned level, uint64_t e, bool pae_legacy) {
  uint64_t rsvd = ~phys_mask(c) & 0x000FFFFFFFFFF000ull;  // address bits above MAXPHYADDR
  if (!(c.s.efer & efer::NXE)) rsvd |= XD;
  if (level == 4 && (e & PS)) rsvd |= PS;      // PML4E.PS is reserved
  if (level == 3 && (e & PS)) rsvd |= 0x3FFFE000ull;  // 1 GiB page: bits 29:13 (bit 12 is PAT)
  if (level == 2 && (e & PS)) rsvd |= 0x1FE000ull;    // 2 MiB page: bits 20:13
  if (pae_legacy) rsvd |= 0x7FF0000000000000ull;  // PAE entries: bits 62:52 reserved too (4.4.2)
  return e & rsvd;
}

// A TLB entry for the physical page of pa, with no rights cached yet. Pages holding
// decoded code get no write pointer, so their writes take the slow path and invalidate.
TlbEntry entry_for(Cpu& c, uint64_t pa, uint64_t la) {
  TlbEntry e;
  e.pa = pa & ~0xFFFull;
  e.host_r = c.mem.ram_page(e.pa);
  e.host_w = (e.host_r && !c.mem.is_code(e.pa)) ? e.host_r : nullptr;
  e.lpage = linear_page(la);
  e.ctx = c.tlb_tag;
  return e;
}

// Reads the paging-structure entry at guest-physical `gpa` (through EPT, which counts the
// read as a paging-structure access of `la`) and records it as the walk's next level.
Exec read_entry(Cpu& c, Walk& w, uint64_t gpa, bool wide, uint64_t la, bool dry, uint64_t& e) {
  uint64_t hpa;
  uint8_t perms;
  if (Exec r = to_host(c, gpa, Access::Read, GpaUse::PagingStructure, la, dry, hpa, perms); r != Exec::Ok) return r;
  e = c.mem.read(hpa, wide ? 8 : 4);
  w.entry_gpa[w.levels] = gpa;
  w.entry_pa[w.levels] = hpa;
  w.entry_perms[w.levels] = perms;
  w.entry[w.levels++] = e;
  return Exec::Ok;
}

// The paging-structure walk and access-rights check for `la` (SDM Vol. 3 4.3-4.6), without
// side effects: w.pa is the guest-physical translation.
Exec walk(Cpu& c, uint64_t la, Access acc, bool user, bool implicit_supervisor, Walk& w, bool dry) {
  const bool write = acc == Access::Write;
  const bool fetch = acc == Access::Fetch;
  if (!c.paging) {
    w.pa = la & 0xFFFFFFFFull;  // A20 is always on (docs/cpu-model.md)
    return Exec::Ok;
  }
  const uint32_t err_base = (write ? kPfW : 0) | (user ? kPfU : 0) |
                            (fetch && ((c.s.efer & efer::NXE) || (c.s.cr4 & cr4::SMEP)) ? kPfI : 0);
  const bool pae = c.s.cr4 & cr4::PAE;
  if (!pae) {
    // 32-bit paging (SDM Vol. 3 4.3).
    uint64_t pde;
    if (Exec r = read_entry(c, w, (c.s.cr3 & 0xFFFFF000ull) | ((la >> 20) & 0xFFC), false, la, dry, pde); r != Exec::Ok)
      return r;
    if (!(pde & P)) return page_fault(c, la, err_base, dry);
    w.rw = pde & RW;
    w.us = pde & US;
    if ((pde & PS) && (c.s.cr4 & cr4::PSE)) {
      // 4 MiB page; PDE bits 20:13 give physical bits 39:32 (PSE-36), bit 21 reserved.
      const uint64_t hi = ((pde >> 13) & 0xFF) << 32;
      if ((pde & (1u << 21)) || (hi & ~((1ull << c.model.maxphyaddr) - 1)))
        return page_fault(c, la, err_base | kPfP | kPfRsvd, dry);
      w.pa = (pde & 0xFFC00000ull) | hi | (la & 0x3FFFFF);
      w.page_mask = 0x3FFFFF;
      w.global = pde & G;
      w.dirty = pde & D;
    } else {
      uint64_t pte;
      if (Exec r = read_entry(c, w, (pde & 0xFFFFF000ull) | ((la >> 10) & 0xFFC), false, la, dry, pte); r != Exec::Ok)
        return r;
      if (!(pte & P)) return page_fault(c, la, err_base, dry);
      w.rw = w.rw && (pte & RW);
      w.us = w.us && (pte & US);
      w.pa = (pte & 0xFFFFF000ull) | (la & 0xFFF);
      w.global = pte & G;
      w.dirty = pte & D;
    }
  } else {
    // PAE (SDM 4.4) or 4-level paging (4.5): walk from PML4 or from a PDPTE register.
    const bool lm = c.s.efer & efer::LMA;
    unsigned level;
    uint64_t table;
    if (lm) {
      level = 4;
      table = c.s.cr3 & phys_mask(c);
    } else {
      const uint64_t pdpte = c.pdpte[(la >> 30) & 3];
      if (!(pdpte & P)) return page_fault(c, la, err_base, dry);
      level = 2;
      table = pdpte & phys_mask(c);
    }
    for (;; --level) {
      const unsigned shift = 12 + 9 * (level - 1);
      uint64_t e;
      if (Exec r = read_entry(c, w, table | (((la >> shift) & 0x1FF) << 3), true, la, dry, e); r != Exec::Ok) return r;
      if (!(e & P)) return page_fault(c, la, err_base, dry);
      if (reserved_bits(c, level, e, !lm)) return page_fault(c, la, err_base | kPfP | kPfRsvd, dry);
      w.rw = w.rw && (e & RW);
      w.us = w.us && (e & US);
      w.xd = w.xd || (e & XD);
      const bool leaf = level == 1 || ((level == 2 || level == 3) && (e & PS));
      if (leaf) {
        w.page_mask = (1ull << shift) - 1;
        w.pa = (e & phys_mask(c) & ~w.page_mask) | (la & w.page_mask);
        w.global = e & G;
        w.dirty = e & D;
        break;
      }
      table = e & phys_mask(c);
    }
  }

  // Access rights (SDM Vol. 3 4.6).
  const bool wp = c.s.cr0 & cr0::WP;
  bool ok = true;
  if (user) {
    ok = w.us && (!write || w.rw) && !(fetch && w.xd && (c.s.efer & efer::NXE));
  } else {
    if (write && !w.rw && wp) ok = false;
    if (fetch && w.xd && (c.s.efer & efer::NXE)) ok = false;
    if (fetch && w.us && (c.s.cr4 & cr4::SMEP)) ok = false;
    // SMAP: supervisor data access to a user page, unless EFLAGS.AC permits an explicit one.
    if (!fetch && w.us && (c.s.cr4 & cr4::SMAP) && (implicit_supervisor || !(c.s.rflags & rf::AC) || c.s.cpl == 3))
      ok = false;
  }
  if (!ok) return page_fault(c, la, err_base | kPfP, dry);
  return Exec::Ok;
}

// Accessed and dirty flags (SDM Vol. 3 4.8): set in every entry used, dirty in the leaf.
// Setting them is a write to the paging structure, which EPT must allow (28.2.3.2).
Exec set_accessed_dirty(Cpu& c, Walk& w, uint64_t la, bool write) {
  const bool wide = c.s.cr4 & cr4::PAE;
  for (unsigned i = 0; i < w.levels; ++i) {
    const bool leaf = i + 1 == w.levels;
    const uint64_t e = w.entry[i];
    uint64_t ne = e | A;
    if (leaf && write) ne |= D;
    if (ne == e) continue;
    if (!(w.entry_perms[i] & gpa_perm::kWrite)) {
      uint8_t perms;
      if (Exec r = to_host(c, w.entry_gpa[i], Access::Write, GpaUse::PagingStructure, la, false, w.entry_pa[i], perms);
          r != Exec::Ok)
        return r;
    }
    c.mem.write(w.entry_pa[i], wide ? 8 : 4, wide ? ne : (ne & 0xFFFFFFFFull));
  }
  if (write) w.dirty = true;
  return Exec::Ok;
}

// The diagnostic of `run --check-stale-tlb`: the cached translation of la is used; say so
// when the paging structures (walked afresh, without side effects) no longer give it.
void check_cached_use(Cpu& c, const TlbEntry& e, uint64_t la, Access acc, bool user, bool implicit_supervisor) {
  Walk w;
  uint64_t hpa = 0;
  uint8_t perms = 0;
  const PendingFault saved = c.fault;
  bool fresh = walk(c, la, acc, user, implicit_supervisor, w, true) == Exec::Ok &&
               to_host(c, w.pa, acc, GpaUse::Final, la, true, hpa, perms) == Exec::Ok;
  c.fault = saved;
  const uint8_t need = acc == Access::Write ? gpa_perm::kWrite : acc == Access::Fetch ? gpa_perm::kExecute : gpa_perm::kRead;
  if (fresh && (hpa & ~0xFFFull) == e.pa && (perms & need)) return;
  ++c.stale_uses;
  static const char* kAccess[] = {"read", "write", "fetch"};
  char tag[64];
  const char* pcid = "";
  char pcid_text[16];
  if (e.ctx.pcid) {
    std::snprintf(pcid_text, sizeof pcid_text, ", PCID %u", e.ctx.pcid);
    pcid = pcid_text;
  }
  if (e.ctx.guest_physical)
    std::snprintf(tag, sizeof tag, "guest-physical mapping, EPT context %u", e.ctx.ept);
  else if (e.ctx.ept)
    std::snprintf(tag, sizeof tag, "VPID %u%s, EPT context %u", e.ctx.vpid, pcid, e.ctx.ept);
  else
    std::snprintf(tag, sizeof tag, "VPID %u%s", e.ctx.vpid, pcid);
  char now[64];
  if (!fresh) std::snprintf(now, sizeof now, "fault");
  else std::snprintf(now, sizeof now, "give 0x%llx%s", static_cast<unsigned long long>(hpa & ~0xFFFull),
                     (perms & need) ? "" : " without that right");
  char m[256];
  std::snprintf(m, sizeof m, "stale translation: %s of linear 0x%llx at rip 0x%llx used cached page 0x%llx (%s); %s now %s",
                kAccess[static_cast<int>(acc)], static_cast<unsigned long long>(la),
                static_cast<unsigned long long>(c.insn_rip), static_cast<unsigned long long>(e.pa), tag,
                c.ept_active ? "the paging structures and EPT" : "the paging structures", now);
  // The first uses are told; a loop over a stale page would repeat them without end.
  constexpr uint64_t kTold = 10;
  if (c.stale_uses <= kTold) c.log_msg(m);
  if (c.stale_uses == kTold) c.log_msg("stale translation: further uses are counted, not shown");
  if (c.trace) {
    char f[160];
    std::snprintf(f, sizeof f, "\"linear\":\"0x%llx\",\"cached\":\"0x%llx\",\"fresh\":%s", static_cast<unsigned long long>(la),
                  static_cast<unsigned long long>(e.pa), fresh ? "true" : "false");
    c.trace->emit(c, "stale-tlb", f);
  }
}

bool same_context(const TlbTag& a, const TlbTag& b) {
  return a.vpid == b.vpid && a.pcid == b.pcid && a.ept == b.ept && a.guest_physical == b.guest_physical;
}

// Tags of the diagnostic mode: never equal to a key, so every access takes the slow path
// into translate(), which finds the cached translation there.
constexpr uint64_t kCheckedTag = 1ull << 63;

}  // namespace

Exec translate(Cpu& c, uint64_t la, Access acc, uint64_t& pa_out, bool implicit_supervisor) {
  const bool user = c.s.cpl == 3 && !implicit_supervisor;
  const bool write = acc == Access::Write;
  const bool fetch = acc == Access::Fetch;
  TlbEntry& slot = tlb_slot(c, la);
  const uint64_t key = tlb_key(c, la, user);

  if (c.stale_check) [[unlikely]] {
    if ((write ? slot.tag_w : fetch ? slot.tag_x : slot.tag_r) == (key | kCheckedTag)) {
      check_cached_use(c, slot, la, acc, user, implicit_supervisor);
      pa_out = slot.pa | (la & 0xFFF);
      return Exec::Ok;
    }
  }

  Walk w;
  uint64_t hpa;
  uint8_t perms;
  Exec r = walk(c, la, acc, user, implicit_supervisor, w, false);
  // The final guest-physical address goes through EPT before the guest's accessed and dirty
  // flags are set, so an EPT violation on it leaves the guest paging structures unchanged.
  if (r == Exec::Ok) r = to_host(c, w.pa, acc, GpaUse::Final, la, false, hpa, perms);
  if (r == Exec::Ok && c.paging) r = set_accessed_dirty(c, w, la, write);
  if (r != Exec::Ok) {
    // A #PF, EPT violation or misconfiguration invalidates what is cached for la (SDM Vol. 3
    // 4.10.4.1, Vol. 3C 28.3.3.1).
    if (same_context(slot.ctx, c.tlb_tag) && slot.lpage == linear_page(la)) slot = TlbEntry{};
    c.invalidate_page(la);
    return r;
  }

  pa_out = hpa;
  slot = entry_for(c, hpa, la);
  slot.global = w.global && (c.s.cr4 & cr4::PGE);
  if (slot.ctx.pcid) c.pcids_used_ = true;
  if (w.page_mask != 0xFFF) {
    slot.page_shift = static_cast<uint8_t>(64 - __builtin_clzll(w.page_mask));
    c.large_pieces_ = true;
  }
  c.note_tlb_fill(static_cast<unsigned>(&slot - c.tlb));
  // Cache only the rights this translation proved, for this privilege. A supervisor access
  // to a user page under SMAP depends on EFLAGS.AC, which the tag does not hold: not cached.
  if (c.paging && !user && w.us && (c.s.cr4 & cr4::SMAP)) return Exec::Ok;
  if (c.dr7_data) return Exec::Ok;  // data breakpoints armed: every access takes the slow path
  const uint64_t tag = key | (c.stale_check ? kCheckedTag : 0);
  const bool wp = c.s.cr0 & cr0::WP;
  const bool guest_w = !c.paging || (w.dirty && (user ? (w.us && w.rw) : (w.rw || !wp)));
  if (perms & gpa_perm::kRead) slot.tag_r = tag;
  if (guest_w && (perms & gpa_perm::kWriteCached)) slot.tag_w = tag;
  if ((fetch || !c.paging) && (perms & gpa_perm::kExecute)) slot.tag_x = tag;
  return Exec::Ok;
}

// Loads the four PAE PDPTEs from guest-physical `base` (MOV to CR0/CR3/CR4, SDM Vol. 3
// 4.4.1); under EPT the reads are translated (as reads, SDM Vol. 3C 28.2.3.2).
Exec read_pdptes(Cpu& c, uint64_t base, uint64_t (&e)[4]) {
  for (unsigned k = 0; k < 4; ++k) {
    uint64_t hpa;
    uint8_t perms;
    if (Exec r = to_host(c, base + 8 * k, Access::Read, GpaUse::Pdpte, 0, false, hpa, perms); r != Exec::Ok) return r;
    e[k] = c.mem.read(hpa, 8);
  }
  return Exec::Ok;
}

Exec read_slow(Cpu& c, uint64_t la, unsigned size, uint64_t& v, Access acc) {
  if (c.dr7_data && acc != Access::Fetch) c.check_data_breakpoints(la, size, acc == Access::Write, false);
  const unsigned off = la & 0xFFF;
  if (off + size > 0x1000) {
    // Page-crossing access: both pages must translate before any data moves.
    uint64_t pa0, pa1;
    const unsigned first = 0x1000 - off;
    if (Exec r = translate(c, la, acc, pa0); r != Exec::Ok) return r;
    if (Exec r = translate(c, la + first, acc, pa1); r != Exec::Ok) return r;
    uint8_t b[8];
    for (unsigned i = 0; i < size; ++i)
      b[i] = static_cast<uint8_t>(c.mem.read(i < first ? pa0 + i : pa1 + (i - first), 1));
    v = 0;
    std::memcpy(&v, b, size);
    return Exec::Ok;
  }
  const TlbEntry& e = tlb_slot(c, la);
  uint64_t pa;
  if (e.tag_r == tlb_key(c, la) && acc != Access::Fetch) {
    pa = e.pa | off;
  } else if (Exec r = translate(c, la, acc, pa); r != Exec::Ok) {
    return r;
  }
  v = c.mem.read(pa, size);
  return Exec::Ok;
}

Exec probe_write(Cpu& c, uint64_t la, unsigned size) {
  uint64_t pa;
  const TlbEntry& e = tlb_slot(c, la);
  if (e.tag_w != tlb_key(c, la))
    if (Exec r = translate(c, la, Access::Write, pa); r != Exec::Ok) return r;
  const uint64_t last = la + size - 1;
  if ((last ^ la) >> 12) {
    const TlbEntry& e2 = tlb_slot(c, last);
    if (e2.tag_w != tlb_key(c, last))
      if (Exec r = translate(c, last, Access::Write, pa); r != Exec::Ok) return r;
  }
  return Exec::Ok;
}

Exec write_slow(Cpu& c, uint64_t la, unsigned size, uint64_t v) {
  if (c.dr7_data) c.check_data_breakpoints(la, size, true, false);
  const unsigned off = la & 0xFFF;
  if (off + size > 0x1000) {
    uint64_t pa0, pa1;
    const unsigned first = 0x1000 - off;
    if (Exec r = translate(c, la, Access::Write, pa0); r != Exec::Ok) return r;
    if (Exec r = translate(c, la + first, Access::Write, pa1); r != Exec::Ok) return r;
    for (unsigned i = 0; i < size; ++i)
      c.mem.write(i < first ? pa0 + i : pa1 + (i - first), 1, (v >> (8 * i)) & 0xFF);
    return Exec::Ok;
  }
  const TlbEntry& e = tlb_slot(c, la);
  uint64_t pa;
  if (e.tag_w == tlb_key(c, la)) {
    pa = e.pa | off;
  } else if (Exec r = translate(c, la, Access::Write, pa); r != Exec::Ok) {
    return r;
  }
  c.mem.write(pa, size, v);
  return c.stop_requested ? Exec::Stop : Exec::Ok;
}

void Cpu::flush_tlb(bool include_global) {
  const uint16_t vpid = tlb_vpid;
  invalidate_tlb_unless([&](const TlbEntry& e) { return !e.ctx.linear_of(vpid) || (!include_global && e.global); });
}

void Cpu::flush_pcid(uint16_t pcid) {
  const uint16_t vpid = tlb_vpid;
  invalidate_tlb_unless([&](const TlbEntry& e) { return !e.ctx.linear_of(vpid) || e.ctx.pcid != pcid || e.global; });
}

void Cpu::invalidate_linear(uint64_t la, uint16_t vpid, int pcid, bool globals) {
  ++fetch_epoch;
  const uint64_t page = linear_page(la);
  const auto hit = [&](const TlbEntry& e) {
    return e.ctx.linear_of(vpid) && (pcid < 0 || e.ctx.pcid == pcid || (globals && e.global)) &&
           (globals || !e.global);
  };
  // Without PCIDs in the TLB every translation of la sits in its PCID-0 slot; otherwise
  // (another PCID, or global ones of any PCID) look at every live entry.
  TlbEntry& e = tlb[((la >> 12) ^ pcid_salt(pcid > 0 ? static_cast<uint16_t>(pcid) : 0)) & (kTlbSize - 1)];
  if (e.lpage == page && hit(e)) e = TlbEntry{};  // (stays on the live list)
  // Other slots: other PCIDs' translations of the page, and pieces of a large page holding it.
  if (pcids_used_ || large_pieces_)
    invalidate_tlb_unless([&](const TlbEntry& t) { return !(hit(t) && ((t.lpage ^ page) >> (t.page_shift - 12)) == 0); });
}

void Cpu::set_vmx_context(uint16_t vpid, uint8_t ept) {
  tlb_vpid = vpid;
  tlb_ept = ept;
  // The VPID's small number for the key: found, or the next one reused.
  unsigned slot = 0;
  if (vpid) {
    for (unsigned k = 1; k < 16 && !slot; ++k)
      if (vpid_slots_[k] == vpid) slot = k;
    if (!slot) {
      slot = vpid_slot_next_;
      vpid_slot_next_ = vpid_slot_next_ % 15 + 1;
      const uint16_t old = vpid_slots_[slot];
      if (old) invalidate_tlb_unless([old](const TlbEntry& e) { return !e.ctx.linear_of(old); });
      vpid_slots_[slot] = vpid;
    }
  }
  vpid_slot_ = slot;
  update_mode();
}

void Cpu::refresh_tlb_context() {
  // A new context (a MOV CR3 that keeps translations switches PCIDs without a flush) changes
  // how code addresses translate: chained fetches must look again.
  ++fetch_epoch;
  // Guest-physical mappings carry only the EPT context; the others VPID and PCID too.
  const bool guest_physical = tlb_ept && !paging;
  const uint16_t pcid = (s.cr4 & cr4::PCIDE) ? static_cast<uint16_t>(s.cr3 & 0xFFF) : 0;
  tlb_tag = guest_physical ? TlbTag{0, 0, tlb_ept, true} : TlbTag{tlb_vpid, pcid, tlb_ept, false};
  const uint64_t id = guest_physical ? ((uint64_t{tlb_ept} << 4) | (1u << 7))
                                     : (vpid_slot_ | (uint64_t{tlb_ept} << 4) | (uint64_t{pcid} << 8));
  tlb_key_bits = id << kTlbKeyShift;
  tlb_index_salt = pcid_salt(tlb_tag.pcid);
}

// --- segmentation --------------------------------------------------------------------

Exec seg_fault(Cpu& c, uint8_t seg) { return seg == SS ? c.raise(kSS, 0) : c.gp(0); }

Exec seg_check_legacy(Cpu& c, uint8_t seg, uint64_t ea, unsigned size, Access acc) {
  const SegmentReg& s = c.s.seg[seg];
  // SDM Vol. 3 5.3 (limit) and 5.4.1 / 3.4.5.1 (type). In real mode the hidden cache
  // still applies (its limit is normally 0xFFFF).
  const bool pm = c.s.cr0 & cr0::PE;
  if (pm) {
    if (s.ar & ar::Unusable) return seg_fault(c, seg);
    const uint32_t t = ar::type(s.ar);
    const bool code = t & 8;
    if (acc == Access::Write && (code || !(t & 2))) return seg_fault(c, seg);
    if (acc == Access::Read && code && !(t & 2)) return seg_fault(c, seg);
    if (!code && (t & 4)) {
      // Expand-down: valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF.
      const uint64_t top = (s.ar & ar::DB) ? 0xFFFFFFFFull : 0xFFFFull;
      if (ea <= s.limit || ea + size - 1 > top) return seg_fault(c, seg);
      return Exec::Ok;
    }
  }
  if (ea + size - 1 > s.limit) return seg_fault(c, seg);
  return Exec::Ok;
}

// --- stack ---------------------------------------------------------------------------

Exec read_lin_sized(Cpu& c, uint64_t la, unsigned size, uint64_t& v) {
  Exec r;
  switch (size) {
    case 1: { uint8_t x = 0; r = read_lin(c, la, x); v = x; break; }
    case 2: { uint16_t x = 0; r = read_lin(c, la, x); v = x; break; }
    case 4: { uint32_t x = 0; r = read_lin(c, la, x); v = x; break; }
    default: r = read_lin(c, la, v); break;
  }
  return r;
}

Exec write_lin_sized(Cpu& c, uint64_t la, unsigned size, uint64_t v) {
  switch (size) {
    case 1: return write_lin<uint8_t>(c, la, static_cast<uint8_t>(v));
    case 2: return write_lin<uint16_t>(c, la, static_cast<uint16_t>(v));
    case 4: return write_lin<uint32_t>(c, la, static_cast<uint32_t>(v));
    default: return write_lin<uint64_t>(c, la, v);
  }
}

Exec push_value(Cpu& c, unsigned size, uint64_t v) {
  const uint64_t nsp = (c.s.regs[4] - size) & addr_mask(c.stack_size);
  if (Exec r = write_mem_sized(c, SS, nsp, size, v); r == Exec::Fault) return r;
  set_sp(c, nsp);
  return Exec::Ok;
}

Exec peek_stack(Cpu& c, unsigned size, uint64_t off, uint64_t& v) {
  return read_mem_sized(c, SS, (c.s.regs[4] + off) & addr_mask(c.stack_size), size, v);
}

Exec pop_value(Cpu& c, unsigned size, uint64_t& v) {
  if (Exec r = peek_stack(c, size, 0, v); r != Exec::Ok) return r;
  set_sp(c, c.s.regs[4] + size);
  return Exec::Ok;
}

}  // namespace vp
