package seccomp

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// enosysIn is ERRNO(ENOSYS) as a program on arch a reads it, from the
// kernel's arch/*/include/uapi/asm/errno.h, written out here: mips and
// parisc number their errnos their own way, the other arches of the
// registry use asm-generic's.
func enosysIn(a *Arch) Action {
	switch {
	case strings.HasPrefix(a.Name, "mips"):
		return Errno(89)
	case strings.HasPrefix(a.Name, "parisc"):
		return Errno(251)
	}
	return Errno(38)
}

// Debian's linux-libc-dev-<arch>-cross packages install each arch's
// asm/errno.h under /usr/<triplet>/include; where they are installed, the
// ENOSYS they define is the one enosysIn gives.
func TestENOSYSInHeaders(t *testing.T) {
	define := regexp.MustCompile(`^#define\s+ENOSYS\s+(\d+)`)
	for _, c := range []struct {
		arch *Arch
		file string
	}{
		{ArchMIPS, "/usr/mips-linux-gnu/include/asm/errno.h"},
		{ArchMIPS64N32, "/usr/mips64-linux-gnuabin32/include/asm/errno.h"},
		{ArchMIPSEL64, "/usr/mips64el-linux-gnuabi64/include/asm/errno.h"},
		{ArchPARISC, "/usr/hppa-linux-gnu/include/asm/errno.h"},
		{ArchAArch64, "/usr/aarch64-linux-gnu/include/asm-generic/errno.h"},
		{ArchPPC64LE, "/usr/powerpc64le-linux-gnu/include/asm-generic/errno.h"},
		{ArchS390X, "/usr/s390x-linux-gnu/include/asm-generic/errno.h"},
	} {
		f, err := os.Open(c.file)
		if os.IsNotExist(err) {
			t.Logf("%s: %s not installed", c.arch, c.file)
			continue
		}
		require.NoError(t, err)
		found := false
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if m := define.FindStringSubmatch(sc.Text()); m != nil {
				n, _ := strconv.Atoi(m[1])
				assert.Equal(t, Errno(n), enosysIn(c.arch), "%s (%s)", c.arch, c.file)
				assert.Equal(t, Errno(n), c.arch.ENOSYS(), "%s (%s)", c.arch, c.file)
				found = true
			}
		}
		f.Close()
		assert.True(t, found, "%s defines no ENOSYS", c.file)
	}
}

// TestENOSYSPerArch: the ENOSYS answers of a filter and of its program are
// in the errno numbers of the call's arch (ERRNO(38) on mips is EL2NSYNC,
// and no C library would fall back).
func TestENOSYSPerArch(t *testing.T) {
	for _, a := range Arches() {
		f := NewFilter(Errno(1), a).SetENOSYSAfter(Release{3, 0}).AddSyscalls(ActAllow, "read")
		p, err := f.Compile()
		require.NoError(t, err, a.Name)
		e := MustEmulator(p)
		want := enosysIn(a)
		nr := a.MaxSyscall() + 1
		if a == ArchX32 {
			nr = X32SyscallBit | (a.MaxSyscall() + 1)
		}
		for _, d := range []Data{{Nr: nr, Arch: a.AuditArch}} {
			assert.Equal(t, want, f.Evaluate(d), "%s: above the table", a.Name)
			assert.Equal(t, want, e.Action(d), "%s: above the table, program", a.Name)
		}
		// A call newer than 3.0 on every arch: one the table dates last.
		var newest string
		var since Release
		for _, name := range a.Syscalls() {
			if s, ok := a.SyscallSince(name); ok && since.Before(s) {
				newest, since = name, s
			}
		}
		n, ok := a.Syscall(newest)
		require.True(t, ok && (Release{3, 0}).Before(since), "%s: no call newer than 3.0", a.Name)
		d := Data{Nr: n, Arch: a.AuditArch}
		assert.Equal(t, want, f.Evaluate(d), "%s: %s (%s)", a.Name, newest, since)
		assert.Equal(t, want, e.Action(d), "%s: %s (%s), program", a.Name, newest, since)
	}
}
