package sysnum_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp/internal/sysnum"
)

// The audit arch tokens, which the generator computes from audit.h and
// elf-em.h, against x/sys's AUDIT_ARCH_* constants (from the installed
// headers, evaluated by the C compiler).
func TestAuditArchMatchesXSys(t *testing.T) {
	want := map[string]uint32{
		"AUDIT_ARCH_X86_64": unix.AUDIT_ARCH_X86_64, "AUDIT_ARCH_I386": unix.AUDIT_ARCH_I386,
		"AUDIT_ARCH_AARCH64": unix.AUDIT_ARCH_AARCH64, "AUDIT_ARCH_ARM": unix.AUDIT_ARCH_ARM,
		"AUDIT_ARCH_RISCV64": unix.AUDIT_ARCH_RISCV64, "AUDIT_ARCH_LOONGARCH64": unix.AUDIT_ARCH_LOONGARCH64,
		"AUDIT_ARCH_MIPS": unix.AUDIT_ARCH_MIPS, "AUDIT_ARCH_MIPSEL": unix.AUDIT_ARCH_MIPSEL,
		"AUDIT_ARCH_MIPS64": unix.AUDIT_ARCH_MIPS64, "AUDIT_ARCH_MIPSEL64": unix.AUDIT_ARCH_MIPSEL64,
		"AUDIT_ARCH_MIPS64N32": unix.AUDIT_ARCH_MIPS64N32, "AUDIT_ARCH_MIPSEL64N32": unix.AUDIT_ARCH_MIPSEL64N32,
		"AUDIT_ARCH_PPC": unix.AUDIT_ARCH_PPC, "AUDIT_ARCH_PPC64": unix.AUDIT_ARCH_PPC64,
		"AUDIT_ARCH_PPC64LE": unix.AUDIT_ARCH_PPC64LE, "AUDIT_ARCH_S390": unix.AUDIT_ARCH_S390,
		"AUDIT_ARCH_S390X": unix.AUDIT_ARCH_S390X, "AUDIT_ARCH_PARISC": unix.AUDIT_ARCH_PARISC,
		"AUDIT_ARCH_PARISC64": unix.AUDIT_ARCH_PARISC64, "AUDIT_ARCH_M68K": unix.AUDIT_ARCH_M68K,
		"AUDIT_ARCH_SH": unix.AUDIT_ARCH_SH, "AUDIT_ARCH_SHEL": unix.AUDIT_ARCH_SHEL,
	}
	for _, tab := range sysnum.All() {
		w, ok := want[tab.AuditArchName()]
		if !ok {
			t.Errorf("%s: %s not checked", tab.Arch(), tab.AuditArchName())
			continue
		}
		if tab.AuditArch() != w {
			t.Errorf("%s: %s = %#x, x/sys says %#x", tab.Arch(), tab.AuditArchName(), tab.AuditArch(), w)
		}
	}
}
