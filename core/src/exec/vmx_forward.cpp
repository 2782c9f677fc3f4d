// The VMX instructions: forwarded to the VT-x model (vmx/) through Cpu::vmx. Without one the
// processor has no VMX (CPUID.1:ECX.VMX = 0) and every one of them is #UD.
#include "exec.h"
#include "vp/core/vmx_interface.h"

namespace vp {
namespace {

Exec exec_vmx(Cpu& c, const Insn& i) { return c.vmx ? c.vmx->execute(c, i) : c.ud(); }

}  // namespace

bool bind_vmx(Insn& i) {
  switch (i.mnemonic) {
    case M(VMXON): case M(VMXOFF): case M(VMCLEAR): case M(VMPTRLD): case M(VMPTRST):
    case M(VMREAD): case M(VMWRITE): case M(VMLAUNCH): case M(VMRESUME): case M(VMCALL):
    case M(VMFUNC): case M(INVEPT): case M(INVVPID):
      i.fn = exec_vmx;
      return true;
    default:
      return false;
  }
}

}  // namespace vp
