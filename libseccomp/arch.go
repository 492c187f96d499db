package seccomp

import (
	"fmt"
	"runtime"
	"strings"

	scmp "github.com/seccomp-go/seccomp"
)

// archInfo is what this package knows of an ABI.
type archInfo struct {
	arch   ScmpArch
	name   string         // String
	pfc    string         // libseccomp's name in ExportPFC
	token  uint32         // libseccomp's SCMP_ARCH_* value
	audit  scmp.AuditArch // seccomp_data.arch of its calls
	narrow bool           // libseccomp compares 32-bit arguments (a 32-bit ABI, x32, MIPS n32)
	goarch string         // the GOARCH whose programs use it, if any
}

// The ABIs libseccomp knows. One whose calls the seccomp package has a
// syscall table for (Arch, found by its audit token) is supported: an ABI
// added to the seccomp package is supported here with no change.
var archInfos = []*archInfo{
	{ArchX86, "x86", "x86", uint32(scmp.AuditArchI386), scmp.AuditArchI386, true, "386"},
	{ArchAMD64, "amd64", "x86_64", uint32(scmp.AuditArchX86_64), scmp.AuditArchX86_64, false, "amd64"},
	{ArchX32, "x32", "x32", 0x4000003e, scmp.AuditArchX86_64, true, ""},
	{ArchARM, "arm", "arm", uint32(scmp.AuditArchARM), scmp.AuditArchARM, true, "arm"},
	{ArchARM64, "arm64", "aarch64", uint32(scmp.AuditArchAArch64), scmp.AuditArchAArch64, false, "arm64"},
	{ArchMIPS, "mips", "mips", uint32(scmp.AuditArchMIPS), scmp.AuditArchMIPS, true, "mips"},
	{ArchMIPS64, "mips64", "mips64", uint32(scmp.AuditArchMIPS64), scmp.AuditArchMIPS64, false, "mips64"},
	{ArchMIPS64N32, "mips64n32", "mips64n32", uint32(scmp.AuditArchMIPS64N32), scmp.AuditArchMIPS64N32, true, ""},
	{ArchMIPSEL, "mipsel", "mipsel", uint32(scmp.AuditArchMIPSEL), scmp.AuditArchMIPSEL, true, "mipsle"},
	{ArchMIPSEL64, "mipsel64", "mipsel64", uint32(scmp.AuditArchMIPSEL64), scmp.AuditArchMIPSEL64, false, "mips64le"},
	{ArchMIPSEL64N32, "mipsel64n32", "mipsel64n32", uint32(scmp.AuditArchMIPSEL64N32), scmp.AuditArchMIPSEL64N32, true, ""},
	{ArchPPC, "ppc", "ppc", uint32(scmp.AuditArchPPC), scmp.AuditArchPPC, true, ""},
	{ArchPPC64, "ppc64", "ppc64", uint32(scmp.AuditArchPPC64), scmp.AuditArchPPC64, false, "ppc64"},
	{ArchPPC64LE, "ppc64le", "ppc64le", uint32(scmp.AuditArchPPC64LE), scmp.AuditArchPPC64LE, false, "ppc64le"},
	{ArchS390, "s390", "s390", uint32(scmp.AuditArchS390), scmp.AuditArchS390, true, ""},
	{ArchS390X, "s390x", "s390x", uint32(scmp.AuditArchS390X), scmp.AuditArchS390X, false, "s390x"},
	{ArchPARISC, "parisc", "parisc", uint32(scmp.AuditArchPARISC), scmp.AuditArchPARISC, true, ""},
	{ArchPARISC64, "parisc64", "parisc64", uint32(scmp.AuditArchPARISC64), scmp.AuditArchPARISC64, false, ""},
	{ArchRISCV64, "riscv64", "riscv64", uint32(scmp.AuditArchRISCV64), scmp.AuditArchRISCV64, false, "riscv64"},
	{ArchLOONGARCH64, "loong64", "loongarch64", uint32(scmp.AuditArchLoongArch64), scmp.AuditArchLoongArch64, false, "loong64"},
	{ArchM68K, "m68k", "m68k", uint32(scmp.AuditArchM68K), scmp.AuditArchM68K, true, ""},
	{ArchSH, "sh", "sh", 0x4000002a, 0x4000002a, true, ""},
	{ArchSHEB, "sheb", "sheb", 0x0000002a, 0x0000002a, true, ""},
}

func infoOf(a ScmpArch) *archInfo {
	for _, i := range archInfos {
		if i.arch == a {
			return i
		}
	}
	return nil
}

// table returns the seccomp package's Arch of the ABI, or nil when it has
// none (yet).
func (i *archInfo) table() *scmp.Arch {
	for _, a := range scmp.ArchesOf(i.audit) {
		if (a == scmp.ArchX32) == (i.arch == ArchX32) {
			return a
		}
	}
	return nil
}

// bigEndian reports whether the ABI's seccomp_data is big-endian.
func (i *archInfo) bigEndian() bool { return !i.audit.LittleEndian() }

// native returns the ABI of the running program.
func native() (*archInfo, error) {
	for _, i := range archInfos {
		if i.goarch == runtime.GOARCH {
			return i, nil
		}
	}
	return nil, fmt.Errorf("unrecognized architecture %q", runtime.GOARCH)
}

// resolve returns the ABI a names (ArchNative: the running program's),
// with the errors libseccomp-golang gives for a value it does not know
// and for an ABI its libseccomp lacks (here: no syscall table).
func resolve(a ScmpArch) (*archInfo, error) {
	if err := sanitizeArch(a); err != nil {
		return nil, err
	}
	if a == ArchNative {
		return native()
	}
	return infoOf(a), nil
}

func sanitizeArch(in ScmpArch) error {
	if in < ArchNative || in > ArchSHEB {
		return fmt.Errorf("unrecognized architecture %#x", uint(in))
	}
	if in == ArchNative {
		if _, err := native(); err != nil {
			return err
		}
		return nil
	}
	if infoOf(in).table() == nil {
		return fmt.Errorf("architecture %v is not supported on this version of the library", in)
	}
	return nil
}

// GetArchFromString returns the ABI named arch ("amd64", "x86_64",
// "arm64", "aarch64", ... as String or the kernel names it), in any case.
func GetArchFromString(arch string) (ScmpArch, error) {
	switch strings.ToLower(arch) {
	case "x86":
		return ArchX86, nil
	case "amd64", "x86-64", "x86_64", "x64":
		return ArchAMD64, nil
	case "x32":
		return ArchX32, nil
	case "arm":
		return ArchARM, nil
	case "arm64", "aarch64":
		return ArchARM64, nil
	case "mips":
		return ArchMIPS, nil
	case "mips64":
		return ArchMIPS64, nil
	case "mips64n32":
		return ArchMIPS64N32, nil
	case "mipsel":
		return ArchMIPSEL, nil
	case "mipsel64":
		return ArchMIPSEL64, nil
	case "mipsel64n32":
		return ArchMIPSEL64N32, nil
	case "ppc":
		return ArchPPC, nil
	case "ppc64":
		return ArchPPC64, nil
	case "ppc64le":
		return ArchPPC64LE, nil
	case "s390":
		return ArchS390, nil
	case "s390x":
		return ArchS390X, nil
	case "parisc":
		return ArchPARISC, nil
	case "parisc64":
		return ArchPARISC64, nil
	case "riscv64":
		return ArchRISCV64, nil
	case "loong64", "loongarch64":
		return ArchLOONGARCH64, nil
	case "m68k":
		return ArchM68K, nil
	case "sh":
		return ArchSH, nil
	case "sheb":
		return ArchSHEB, nil
	}
	return ArchInvalid, fmt.Errorf("cannot convert unrecognized string %q", arch)
}

// String names the ABI as GetArchFromString takes it ("amd64", "x86"),
// "native", "Invalid architecture", or "Unknown architecture 0x..".
func (a ScmpArch) String() string {
	switch a {
	case ArchNative:
		return "native"
	case ArchInvalid:
		return "Invalid architecture"
	}
	if i := infoOf(a); i != nil {
		return i.name
	}
	return fmt.Sprintf("Unknown architecture %#x", uint(a))
}

// GetNativeArch returns the ABI of the running program (its GOARCH's).
func GetNativeArch() (ScmpArch, error) {
	i, err := native()
	if err != nil {
		return ArchInvalid, err
	}
	return i.arch, nil
}

// archFromToken returns the ABI of an audit arch token (x32's calls carry
// x86_64's token: they are ArchAMD64's, as libseccomp-golang says).
func archFromToken(t uint32) (ScmpArch, error) {
	for _, i := range archInfos {
		if i.token == t {
			return i.arch, nil
		}
	}
	return 0x0, fmt.Errorf("unrecognized architecture %#x", t)
}
