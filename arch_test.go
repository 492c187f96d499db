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
	assert.Empty(t, ArchesOf(AuditArchS390X))
	assert.Len(t, Arches(), 6)
	assert.Greater(t, len(ArchX86_64.Syscalls()), 300)
	assert.Equal(t, X32SyscallBit|int32(547), ArchX32.MaxSyscall())
}

func TestNativeArch(t *testing.T) {
	a, err := NativeArch()
	switch runtime.GOARCH {
	case "amd64":
		require.NoError(t, err)
		assert.Equal(t, ArchX86_64, a)
	case "arm64":
		require.NoError(t, err)
		assert.Equal(t, ArchAArch64, a)
	default:
		assert.ErrorIs(t, err, ErrNoNativeArch)
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
