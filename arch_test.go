package seccomp

import (
	"runtime"
	"testing"

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
