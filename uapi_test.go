package seccomp

import (
	"testing"

	"github.com/seccomp-go/seccomp/internal/uapi"
)

// The constants of this package are written out for their documentation;
// internal/uapi has them for the packages below this one. They must agree.
func TestConstantsMatchUAPI(t *testing.T) {
	for _, c := range []struct {
		name       string
		ours, uapi uint32
	}{
		{"ActKillProcess", uint32(ActKillProcess), uapi.RetKillProcess},
		{"ActKillThread", uint32(ActKillThread), uapi.RetKillThread},
		{"ActTrap", uint32(ActTrap), uapi.RetTrap},
		{"ActErrno", uint32(ActErrno), uapi.RetErrno},
		{"ActUserNotif", uint32(ActUserNotif), uapi.RetUserNotif},
		{"ActTrace", uint32(ActTrace), uapi.RetTrace},
		{"ActLog", uint32(ActLog), uapi.RetLog},
		{"ActAllow", uint32(ActAllow), uapi.RetAllow},
		{"RetActionFull", uint32(RetActionFull), uapi.RetActionFull},
		{"RetData", uint32(RetData), uapi.RetData},
		{"MaxErrno", MaxErrno, uapi.MaxErrno},
		{"ENOSYS", ENOSYS, uapi.ENOSYS},
		{"X32SyscallBit", X32SyscallBit, uapi.X32SyscallBit},
		{"OffsetNr", OffsetNr, uapi.OffsetNr},
		{"OffsetArch", OffsetArch, uapi.OffsetArch},
		{"OffsetInstructionPointer", OffsetInstructionPointer, uapi.OffsetInstructionPointer},
		{"OffsetArgs", OffsetArgs, uapi.OffsetArgs},
		{"SizeofData", SizeofData, uapi.SizeofData},
		{"AuditArchX86_64", uint32(AuditArchX86_64), uapi.AuditArchX86_64},
		{"AuditArchI386", uint32(AuditArchI386), uapi.AuditArchI386},
		{"AuditArchAArch64", uint32(AuditArchAArch64), uapi.AuditArchAArch64},
		{"AuditArchARM", uint32(AuditArchARM), uapi.AuditArchARM},
		{"AuditArchARMEB", uint32(AuditArchARMEB), uapi.AuditArchARMEB},
		{"AuditArchRISCV64", uint32(AuditArchRISCV64), uapi.AuditArchRISCV64},
		{"AuditArchRISCV32", uint32(AuditArchRISCV32), uapi.AuditArchRISCV32},
		{"AuditArchLoongArch64", uint32(AuditArchLoongArch64), uapi.AuditArchLoongArch64},
		{"AuditArchPPC64LE", uint32(AuditArchPPC64LE), uapi.AuditArchPPC64LE},
		{"AuditArchPPC64", uint32(AuditArchPPC64), uapi.AuditArchPPC64},
		{"AuditArchPPC", uint32(AuditArchPPC), uapi.AuditArchPPC},
		{"AuditArchS390X", uint32(AuditArchS390X), uapi.AuditArchS390X},
		{"AuditArchS390", uint32(AuditArchS390), uapi.AuditArchS390},
		{"AuditArchMIPS", uint32(AuditArchMIPS), uapi.AuditArchMIPS},
		{"AuditArchMIPSEL", uint32(AuditArchMIPSEL), uapi.AuditArchMIPSEL},
		{"AuditArchMIPS64", uint32(AuditArchMIPS64), uapi.AuditArchMIPS64},
		{"AuditArchMIPSEL64", uint32(AuditArchMIPSEL64), uapi.AuditArchMIPSEL64},
		{"AuditArchMIPS64N32", uint32(AuditArchMIPS64N32), uapi.AuditArchMIPS64N32},
		{"AuditArchMIPSEL64N32", uint32(AuditArchMIPSEL64N32), uapi.AuditArchMIPSEL64N32},
		{"AuditArchPARISC", uint32(AuditArchPARISC), uapi.AuditArchPARISC},
		{"AuditArchPARISC64", uint32(AuditArchPARISC64), uapi.AuditArchPARISC64},
		{"AuditArchSPARC64", uint32(AuditArchSPARC64), uapi.AuditArchSPARC64},
		{"AuditArchCSKY", uint32(AuditArchCSKY), uapi.AuditArchCSKY},
		{"AuditArchM68K", uint32(AuditArchM68K), uapi.AuditArchM68K},
		{"AuditArchSH", uint32(AuditArchSH), uapi.AuditArchSH},
		{"AuditArchSHEL", uint32(AuditArchSHEL), uapi.AuditArchSHEL},
	} {
		if c.ours != c.uapi {
			t.Errorf("%s is %#x here and %#x in internal/uapi", c.name, c.ours, c.uapi)
		}
	}
	if len(uapi.AuditArchNames) != 26 {
		t.Errorf("internal/uapi names %d audit arch tokens; this package has 26", len(uapi.AuditArchNames))
	}
}
