package seccomp

import (
	"runtime"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/internal/sysnum"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArches(t *testing.T) {
	for _, tc := range []struct {
		arch string
		name string
		nr   int32
	}{
		{"x86_64", "write", 1},
		{"amd64", "seccomp", 317},
		{"i386", "socketcall", 102},
		{"386", "write", 4},
		{"x32", "write", X32SyscallBit | 1},
		{"x32", "execve", X32SyscallBit | 520},
		{"aarch64", "openat", 56},
		{"ARM64", "write", 64},
		{"arm", "seccomp", 383},
		{"riscv64", "seccomp", 277},
		{"loong64", "openat", 56},
		{"SCMP_ARCH_S390X", "socketcall", 102},
		{"s390x", "seccomp", 348},
		{"mips", "seccomp", 4352},
		{"mipsle", "seccomp", 4352},
		{"mips64", "seccomp", 5312},
		{"mips64n32", "seccomp", 6316},
		{"ppc64le", "seccomp", 358},
		{"SCMP_ARCH_PPC", "socketcall", 102},
		{"parisc64", "seccomp", 338},
		{"m68k", "seccomp", 380},
		{"sheb", "seccomp", 372},
		{"arm", "set_tls", 0xf0005},
		{"arm", "arm_sync_file_range", 341},
	} {
		a, err := LookupArch(tc.arch)
		require.NoError(t, err)
		nr, ok := a.Syscall(tc.name)
		assert.True(t, ok, "%s %s", tc.arch, tc.name)
		assert.Equal(t, tc.nr, nr, "%s %s", tc.arch, tc.name)
		name, ok := a.SyscallName(tc.nr)
		assert.True(t, ok)
		assert.Equal(t, tc.name, name)
	}
	_, err := LookupArch("vax")
	assert.ErrorContains(t, err, `"vax"`)
	_, ok := ArchAArch64.Syscall("open")
	assert.False(t, ok, "aarch64 has no open(2)")
	assert.Equal(t, []*Arch{ArchX86_64, ArchX32}, ArchesOf(AuditArchX86_64))
	assert.Equal(t, []*Arch{ArchI386}, ArchesOf(AuditArchI386))
	assert.Equal(t, []*Arch{ArchS390X}, ArchesOf(AuditArchS390X))
	assert.Empty(t, ArchesOf(AuditArchRISCV32))
	assert.Len(t, Arches(), 23)
	assert.Greater(t, len(ArchX86_64.Syscalls()), 300)
	assert.Equal(t, X32SyscallBit|int32(547), ArchX32.MaxSyscall())
}

func TestNativeArch(t *testing.T) {
	a, err := NativeArch()
	want := map[string]*Arch{ // Go's Linux ports and their ABIs
		"amd64": ArchX86_64, "386": ArchI386, "arm64": ArchAArch64, "arm": ArchARM,
		"riscv64": ArchRISCV64, "loong64": ArchLoongArch64, "mips": ArchMIPS, "mipsle": ArchMIPSEL,
		"mips64": ArchMIPS64, "mips64le": ArchMIPSEL64, "ppc64": ArchPPC64, "ppc64le": ArchPPC64LE,
		"s390x": ArchS390X,
	}
	if w, ok := want[runtime.GOARCH]; ok {
		require.NoError(t, err)
		assert.Same(t, w, a)
	} else {
		assert.ErrorIs(t, err, ErrNoNativeArch)
	}
	for goarch, w := range want {
		assert.Same(t, w, archByGOARCH(goarch), goarch)
		assert.Equal(t, goarch, w.GoArch)
	}
	assert.Nil(t, archByGOARCH("wasm"))
}

// TestArchRegistry: one Arch per table of internal/sysnum, with its facts,
// and the exported variables are those Arches.
func TestArchRegistry(t *testing.T) {
	tables := sysnum.All()
	require.Len(t, Arches(), len(tables))
	named := map[string]*Arch{
		"x86_64": ArchX86_64, "i386": ArchI386, "x32": ArchX32, "aarch64": ArchAArch64, "arm": ArchARM,
		"riscv64": ArchRISCV64, "loongarch64": ArchLoongArch64, "mips": ArchMIPS, "mipsel": ArchMIPSEL,
		"mips64": ArchMIPS64, "mipsel64": ArchMIPSEL64, "mips64n32": ArchMIPS64N32, "mipsel64n32": ArchMIPSEL64N32,
		"ppc": ArchPPC, "ppc64": ArchPPC64, "ppc64le": ArchPPC64LE, "s390": ArchS390, "s390x": ArchS390X,
		"parisc": ArchPARISC, "parisc64": ArchPARISC64, "m68k": ArchM68K, "sh": ArchSH, "sheb": ArchSHEB,
	}
	for i, tb := range tables {
		a := Arches()[i]
		assert.Same(t, named[tb.Arch()], a, tb.Arch())
		assert.Equal(t, tb.Arch(), a.Name)
		assert.Equal(t, AuditArch(tb.AuditArch()), a.AuditArch)
		assert.Equal(t, tb.GOARCH(), a.GoArch)
		assert.Equal(t, tb.ByteOrder(), a.ByteOrder())
		assert.Equal(t, tb.SCMPArch(), a.SCMPArch())
		assert.Equal(t, tb.WordSize(), a.WordSize())
		assert.Equal(t, tb.Max(), a.MaxSyscall())
		// The token's little-endian bit says the same as the table, so
		// that Emulator.Run lays out seccomp_data right for every arch.
		assert.Equal(t, a.ByteOrder(), a.AuditArch.ByteOrder(), a.Name)
		b, err := LookupArch(a.SCMPArch())
		require.NoError(t, err)
		assert.Same(t, a, b)
	}
}

// TestSiblings: the ABIs each 64-bit kernel runs besides its own, as the
// kernel's SECCOMP_ARCH_COMPAT and mips's o32 and n32 options say, and as
// Docker's archMap lists them (written out here, not from arch.go).
func TestSiblings(t *testing.T) {
	want := map[string][]string{
		"x86_64": {"i386", "x32"}, "x32": {"x86_64", "i386"}, "aarch64": {"arm"},
		"mips64": {"mips", "mips64n32"}, "mips64n32": {"mips", "mips64"},
		"mipsel64": {"mipsel", "mipsel64n32"}, "mipsel64n32": {"mipsel", "mipsel64"},
		"ppc64": {"ppc"}, "s390x": {"s390"}, "parisc64": {"parisc"},
	}
	for _, a := range Arches() {
		var got []string
		for _, s := range a.Siblings() {
			got = append(got, s.Name)
			assert.NotSame(t, a, s)
		}
		assert.Equal(t, want[a.Name], got, a.Name)
	}
	s := ArchX86_64.Siblings()
	s[0] = nil
	assert.Same(t, ArchI386, ArchX86_64.Siblings()[0], "Siblings returns a copy")
	// Docker's default profile's archMap agrees, for every arch it lists.
	for native, subs := range map[*Arch][]*Arch{
		ArchX86_64: {ArchI386, ArchX32}, ArchAArch64: {ArchARM}, ArchMIPS64: {ArchMIPS, ArchMIPS64N32},
		ArchMIPS64N32: {ArchMIPS, ArchMIPS64}, ArchMIPSEL64: {ArchMIPSEL, ArchMIPSEL64N32},
		ArchMIPSEL64N32: {ArchMIPSEL, ArchMIPSEL64}, ArchS390X: {ArchS390}, ArchRISCV64: nil, ArchLoongArch64: nil,
	} {
		assert.ElementsMatch(t, subs, native.Siblings(), native.Name)
	}
}

// TestLookupArchNames: every name internal/sysnum knows for an ABI (the
// table's, libseccomp's, SCMP_ARCH_*, GOARCH, in any case) gives the Arch
// of that table, or, for an ABI that is not an Arch yet, an error that
// says "not supported yet" rather than "unknown".
func TestLookupArchNames(t *testing.T) {
	for _, tb := range sysnum.All() {
		var want *Arch
		for _, a := range arches {
			if a.table == tb {
				want = a
			}
		}
		names := []string{tb.Arch(), tb.LibseccompName(), tb.SCMPArch(), strings.ToUpper(tb.Arch()), strings.ToLower(tb.SCMPArch())}
		if tb.GOARCH() != "" {
			names = append(names, tb.GOARCH())
		}
		for _, n := range names {
			a, err := LookupArch(n)
			if want != nil {
				if assert.NoError(t, err, n) {
					assert.Same(t, want, a, n)
				}
				continue
			}
			assert.Nil(t, a, n)
			assert.ErrorContains(t, err, "not supported yet", n)
			assert.ErrorContains(t, err, "supported: x86_64, i386", n)
		}
	}
	for _, c := range []struct{ name, want string }{
		{"x86", "i386"}, {"SCMP_ARCH_X86", "i386"}, {"scmp_arch_x86_64", "x86_64"}, {"SCMP_ARCH_AARCH64", "aarch64"},
		{"amd64", "x86_64"}, {"386", "i386"}, {"arm64", "aarch64"}, {"SCMP_ARCH_X32", "x32"}, {"SCMP_ARCH_RISCV64", "riscv64"},
	} {
		a, err := LookupArch(c.name)
		if assert.NoError(t, err, c.name) {
			assert.Equal(t, c.want, a.Name, c.name)
		}
	}
	for _, n := range []string{"vax", "", "SCMP_ARCH_", "x86-64", "aarch"} {
		_, err := LookupArch(n)
		assert.ErrorContains(t, err, "unknown arch", n)
	}
}
