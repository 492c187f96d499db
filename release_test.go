package seccomp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSyscallSince(t *testing.T) {
	// Releases from the kernel's history (the merge window each call went
	// in), not from the tables.
	for _, c := range []struct {
		arch *Arch
		name string
		want Release
	}{
		{ArchX86_64, "openat2", Release{5, 6}},
		{ArchX86_64, "clone3", Release{5, 3}},
		{ArchX86_64, "epoll_pwait2", Release{5, 11}},
		{ArchX86_64, "landlock_create_ruleset", Release{5, 13}},
		{ArchX86_64, "read", Release{3, 0}},
		{ArchI386, "socket", Release{4, 3}}, // i386's direct socket calls
		{ArchAArch64, "read", Release{3, 7}},
		{ArchAArch64, "clone3", Release{5, 5}},
		{ArchRISCV64, "read", Release{4, 15}},
		{ArchLoongArch64, "read", Release{5, 19}},
		{ArchS390X, "pidfd_open", Release{5, 3}},
		{ArchMIPS, "statx", Release{4, 11}},
		{ArchPPC64LE, "io_uring_setup", Release{5, 1}},
		{ArchARM, "sync_file_range2", Release{3, 0}}, // an alias
	} {
		got, ok := c.arch.SyscallSince(c.name)
		assert.True(t, ok, "%s %s", c.arch, c.name)
		assert.Equal(t, c.want, got, "%s %s", c.arch, c.name)
	}
	_, ok := ArchAArch64.SyscallSince("open")
	assert.False(t, ok)
	r, err := ParseRelease("6.1.0-13-amd64")
	require.NoError(t, err)
	assert.Equal(t, Release{6, 1}, r)
	assert.Equal(t, "6.1", r.String())
	assert.True(t, Release{5, 10}.Before(Release{5, 11}))
	assert.True(t, Release{4, 20}.Before(Release{5, 0}))
	assert.False(t, Release{5, 10}.Before(Release{5, 10}))
	_, err = ParseRelease("five")
	assert.EqualError(t, err, `seccomp: bad kernel release "five": want major.minor, like 5.10`)
	_, err = ParseRelease("0.9")
	assert.EqualError(t, err, `seccomp: bad kernel release "0.9": there is no Linux 0.x`)
}

// TestENOSYSAfter: calls newer than the release get ENOSYS unless a rule
// decides them, older ones the default action; numbers above the table
// get ENOSYS too. The program agrees with Evaluate.
func TestENOSYSAfter(t *testing.T) {
	const eperm = 1
	f := NewFilter(Errno(eperm), ArchX86_64, ArchX32).SetENOSYSAfter(Release{5, 10}).
		AddSyscalls(ActAllow, "read", "openat2", "futex_waitv").
		Add(Rule{Syscall: "process_mrelease", Action: ActAllow, Conds: []Cond{Arg(1).Eq(0)}})
	p, err := f.Compile()
	require.NoError(t, err)
	e := MustEmulator(p)
	call := func(a *Arch, name string, args ...uint64) Data {
		nr, ok := a.Syscall(name)
		require.True(t, ok, name)
		d := Data{Nr: nr, Arch: a.AuditArch}
		copy(d.Args[:], args)
		return d
	}
	enosys := Errno(ENOSYS)
	for _, c := range []struct {
		d    Data
		want Action
	}{
		{call(ArchX86_64, "read"), ActAllow},
		{call(ArchX86_64, "clone3"), Errno(eperm)},      // 5.3
		{call(ArchX86_64, "close_range"), Errno(eperm)}, // 5.9
		{call(ArchX86_64, "epoll_pwait2"), enosys},      // 5.11
		{call(ArchX86_64, "landlock_add_rule"), enosys}, // 5.13
		{call(ArchX86_64, "openat2"), ActAllow},         // a rule decides
		{call(ArchX86_64, "futex_waitv"), ActAllow},     // 5.16, a rule decides
		{call(ArchX86_64, "process_mrelease", 3, 0), ActAllow},
		{call(ArchX86_64, "process_mrelease", 3, 1), enosys}, // 5.15: the rule does not match
		{call(ArchX32, "epoll_pwait2"), enosys},
		{call(ArchX32, "clone3"), Errno(eperm)},
		{Data{Nr: 1000, Arch: AuditArchX86_64}, enosys},      // above the table
		{Data{Nr: 400, Arch: AuditArchX86_64}, Errno(eperm)}, // a hole in the table
	} {
		assert.Equal(t, c.want, f.Evaluate(c.d), "Evaluate %+v", c.d)
		assert.Equal(t, c.want, e.Action(c.d), "program %+v", c.d)
		assert.Equal(t, c.want, meaning(f, c.d), "meaning %+v", c.d)
	}
	// Off again: the release with the zero Release, everything with
	// SetUnknownSyscallENOSYS(false).
	f.SetENOSYSAfter(Release{})
	assert.Equal(t, Errno(eperm), f.Evaluate(call(ArchX86_64, "epoll_pwait2")))
	assert.Equal(t, enosys, f.Evaluate(Data{Nr: 1000, Arch: AuditArchX86_64}))
	f.SetENOSYSAfter(Release{5, 10}).SetUnknownSyscallENOSYS(false)
	assert.Equal(t, Errno(eperm), f.Evaluate(call(ArchX86_64, "epoll_pwait2")))
	assert.Equal(t, Errno(eperm), f.Evaluate(Data{Nr: 1000, Arch: AuditArchX86_64}))
	// Per arch: clone3 reached aarch64 in 5.5.
	g := NewFilter(ActKillProcess, ArchAArch64, ArchARM).SetENOSYSAfter(Release{5, 4})
	assert.Equal(t, enosys, g.Evaluate(call(ArchAArch64, "clone3")))
	assert.Equal(t, enosys, g.Evaluate(call(ArchARM, "epoll_pwait2")))       // 5.11
	assert.Equal(t, ActKillProcess, g.Evaluate(call(ArchARM, "pidfd_open"))) // 5.3
	assert.Equal(t, ActKillProcess, g.Evaluate(call(ArchAArch64, "read")))
	q, err := g.Compile()
	require.NoError(t, err)
	assert.Equal(t, enosys, MustEmulator(q).Action(call(ArchAArch64, "clone3")))
}
