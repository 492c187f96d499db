package profile

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seccomp-go/seccomp"
)

// targets are the arches every rule is checked on.
var targets = []*seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchAArch64}

// build loads a profile for target and checks that its compiled program
// agrees with Evaluate on the calls the tests make (see decide).
func build(t *testing.T, target *seccomp.Arch, js string, o ...Options) *Result {
	t.Helper()
	var opts Options
	if len(o) > 0 {
		opts = o[0]
	}
	opts.Arch = target
	r, err := Load([]byte(js), opts)
	require.NoError(t, err, js)
	return r
}

// decide returns the decision for a call of name on arch a (the target
// when nil) with args, from Evaluate and from the compiled program, which
// must agree.
func decide(t *testing.T, r *Result, a *seccomp.Arch, name string, args ...uint64) seccomp.Action {
	t.Helper()
	if a == nil {
		a = r.Filter.Arches()[0]
	}
	nr, ok := a.Syscall(name)
	require.True(t, ok, "%s on %s", name, a.Name)
	return decideNr(t, r, a.AuditArch, nr, args...)
}

func decideNr(t *testing.T, r *Result, arch seccomp.AuditArch, nr int32, args ...uint64) seccomp.Action {
	t.Helper()
	d := seccomp.Data{Nr: nr, Arch: arch}
	copy(d.Args[:], args)
	p, err := r.Compile()
	require.NoError(t, err)
	got, want := seccomp.MustEmulator(p).Action(d), r.Evaluate(d)
	require.Equal(t, want, got, "compiled program and Evaluate disagree on %+v", d)
	return got
}

func loadErr(t *testing.T, target *seccomp.Arch, js string) error {
	t.Helper()
	_, err := Load([]byte(js), Options{Arch: target})
	require.Error(t, err, js)
	return err
}

func eachTarget(t *testing.T, f func(t *testing.T, target *seccomp.Arch)) {
	for _, a := range targets {
		t.Run(a.Name, func(t *testing.T) { f(t, a) })
	}
}

func TestActions(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		for _, tc := range []struct {
			action string
			want   seccomp.Action
		}{
			{`"SCMP_ACT_KILL"`, seccomp.ActKillThread},
			{`"SCMP_ACT_KILL_THREAD"`, seccomp.ActKillThread},
			{`"SCMP_ACT_KILL_PROCESS"`, seccomp.ActKillProcess},
			{`"SCMP_ACT_TRAP"`, seccomp.Trap(0)},
			{`"SCMP_ACT_ERRNO"`, seccomp.Errno(1)},
			{`"SCMP_ACT_ERRNO", "errnoRet": 13`, seccomp.Errno(13)},
			{`"SCMP_ACT_ERRNO", "errnoRet": 0`, seccomp.Errno(0)},
			{`"SCMP_ACT_ERRNO", "errnoRet": 4094`, seccomp.Errno(4094)},
			{`"SCMP_ACT_TRACE"`, seccomp.Trace(1)},
			{`"SCMP_ACT_TRACE", "errnoRet": 65535`, seccomp.Trace(65535)},
			{`"SCMP_ACT_ALLOW"`, seccomp.ActAllow},
			{`"SCMP_ACT_LOG"`, seccomp.ActLog},
			{`"SCMP_ACT_NOTIFY"`, seccomp.ActUserNotif},
		} {
			r := build(t, target, `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "listenerPath": "/run/l.sock",
				"syscalls": [{"names": ["read"], "action": `+tc.action+`}]}`)
			assert.Equal(t, tc.want, decide(t, r, nil, "read"), tc.action)
			assert.Equal(t, seccomp.Errno(38), decide(t, r, nil, "write"), "defaultErrnoRet is the default's")
			assert.Equal(t, tc.want == seccomp.ActUserNotif, r.Flags&seccomp.FlagNewListener != 0, "NEW_LISTENER with NOTIFY")
		}
		// The default action takes each one too (but NOTIFY).
		r := build(t, target, `{"defaultAction": "SCMP_ACT_TRACE", "defaultErrnoRet": 9, "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO"}]}`)
		assert.Equal(t, seccomp.Trace(9), decide(t, r, nil, "write"))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "read"), "errnoRet EPERM when absent, not defaultErrnoRet")
		r = build(t, target, `{"defaultAction": "SCMP_ACT_KILL", "syscalls": []}`)
		assert.Equal(t, seccomp.ActKillThread, decide(t, r, nil, "write"))
	})
}

func TestNotifyRefused(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		err := loadErr(t, target, `{"defaultAction": "SCMP_ACT_NOTIFY"}`)
		assert.ErrorContains(t, err, "defaultAction: SCMP_ACT_NOTIFY cannot be the default action")
		err = loadErr(t, target, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_NOTIFY"}]}`)
		assert.ErrorContains(t, err, "syscalls[0].names[1] (read): SCMP_ACT_NOTIFY cannot be used for write")
		r := build(t, target, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOTIFY"}]}`)
		assert.True(t, hasWarning(r, WarnIgnored, "listenerPath is empty"))
	})
}

func hasWarning(r *Result, kind WarningKind, part string) bool {
	for _, w := range r.Warnings {
		if w.Kind == kind && strings.Contains(w.String(), part) {
			return true
		}
	}
	return false
}

func TestDefaultEqualEntriesDropped(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		// Were the first entry kept, it would decide read (first
		// unconditional entry); it equals the default and is dropped.
		r := build(t, target, `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
			{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
			{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
			{"names": ["write"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5},
			{"names": ["write"], "action": "SCMP_ACT_ALLOW"}]}`)
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read"))
		assert.Equal(t, seccomp.Errno(5), decide(t, r, nil, "write"), "ERRNO(5) is not the default ERRNO(1)")
		assert.True(t, hasWarning(r, WarnIgnored, "syscalls[2] decides it unconditionally"))
	})
}

func TestUnknownNames(t *testing.T) {
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "syscalls": [
		{"names": ["read", "no_such_call", "epoll_ctl_old", "chown32"], "action": "SCMP_ACT_ALLOW"}]}`)
	assert.True(t, hasWarning(r, WarnUnknownSyscall, `unknown system call "no_such_call" on x86_64, i386: skipped`))
	assert.True(t, hasWarning(r, WarnSyscallNotOnArch, `"epoll_ctl_old" does not exist on i386`))
	assert.True(t, hasWarning(r, WarnSyscallNotOnArch, `"chown32" does not exist on x86_64`))
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchI386, "chown32"))
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchX86_64, "epoll_ctl_old"))
	assert.Equal(t, seccomp.Errno(1), decide(t, r, seccomp.ArchI386, "lchown"))
	r = build(t, seccomp.ArchAArch64, `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["open", "openat"], "action": "SCMP_ACT_ALLOW"}]}`)
	assert.True(t, hasWarning(r, WarnUnknownSyscall, `unknown system call "open" on aarch64`))
	assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "openat"))
}

func TestConditions(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		r := build(t, target, `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [
				{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 3, "op": "SCMP_CMP_LT"}]},
			{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [
				{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 16, "op": "SCMP_CMP_EQ"}]},
			{"names": ["mprotect"], "action": "SCMP_ACT_ALLOW", "args": [
				{"index": 2, "value": 4, "valueTwo": 5, "op": "SCMP_CMP_MASKED_EQ"}]},
			{"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [
				{"index": 1, "value": 10, "op": "SCMP_CMP_NE"}, {"index": 2, "value": 10, "op": "SCMP_CMP_LE"},
				{"index": 3, "value": 10, "op": "SCMP_CMP_GT"}, {"index": 4, "value": 10, "op": "SCMP_CMP_GE"}]}]}`)
		// ANDed.
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "personality", 8, 2))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "personality", 8, 3))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "personality", 9, 2))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "personality", 8|1<<32, 2), "64-bit arguments")
		// The index repeats: ORed.
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "socket", 1))
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "socket", 16))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "socket", 2))
		// MASKED_EQ: (arg & 4) == (5 & 4).
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "mprotect", 0, 0, 4))
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "mprotect", 0, 0, 7))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "mprotect", 0, 0, 3))
		// The other operators.
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "ioctl", 0, 9, 10, 11, 10))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "ioctl", 0, 10, 10, 11, 10))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "ioctl", 0, 9, 11, 11, 10))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "ioctl", 0, 9, 10, 10, 10))
		assert.Equal(t, seccomp.Errno(1), decide(t, r, nil, "ioctl", 0, 9, 10, 11, 9))
	})
}

func TestValueTwoIgnored(t *testing.T) {
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 3, "valueTwo": 7, "op": "SCMP_CMP_EQ"}]}]}`)
	assert.True(t, hasWarning(r, WarnIgnored, "valueTwo is used only by SCMP_CMP_MASKED_EQ"))
	assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read", 3))
}

func TestUnconditionalWins(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		r := build(t, target, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["read"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
			{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5},
			{"names": ["read"], "action": "SCMP_ACT_LOG"},
			{"names": ["read"], "action": "SCMP_ACT_KILL", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]}`)
		for _, arg := range []uint64{0, 1, 2} {
			assert.Equal(t, seccomp.Errno(5), decide(t, r, nil, "read", arg), "the first unconditional entry decides, whatever the conditional ones say")
		}
		assert.True(t, hasWarning(r, WarnIgnored, "overrides this entry's conditional rule"))
	})
}

// Conditional rules that overlap with different actions: libseccomp's
// order by default, the stricter action with StricterWins. The rules are
// libseccomp's test 43-sim-a2_order's for read; its expected results
// (tests/43-sim-a2_order.tests) are the default's.
func TestOverlapResolution(t *testing.T) {
	js := `{"defaultAction": "SCMP_ACT_KILL", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 2, "value": 64, "op": "SCMP_CMP_LE"}]}`
	for i, v := range []int{128, 256, 512, 1024, 2048, 4096, 8192, 16384} {
		js += fmt.Sprintf(`, {"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": %d, "args": [{"index": 2, "value": %d, "op": "SCMP_CMP_GT"}]}`, 5+i, v)
	}
	js += "]}"
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		lib := build(t, target, js)
		strict := build(t, target, js, Options{StricterWins: true})
		for _, c := range []struct {
			a2          uint64
			lib, strict seccomp.Action
		}{
			{30, seccomp.ActAllow, seccomp.ActAllow}, {65, seccomp.ActKillThread, seccomp.ActKillThread},
			{129, seccomp.Errno(5), seccomp.Errno(5)}, {257, seccomp.Errno(6), seccomp.Errno(5)},
			{8000, seccomp.Errno(10), seccomp.Errno(5)}, {16385, seccomp.Errno(12), seccomp.Errno(5)},
		} {
			assert.Equal(t, c.lib, decide(t, lib, nil, "read", 4, 0x856B008, c.a2), "libseccomp's order, read(a2=%d)", c.a2)
			assert.Equal(t, c.strict, decide(t, strict, nil, "read", 4, 0x856B008, c.a2), "stricter wins, read(a2=%d)", c.a2)
		}
	})
	// A longer rule first, then a shorter one with another action:
	// libseccomp refuses the profile; the stricter resolution accepts it.
	overlap := `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 3, "op": "SCMP_CMP_EQ"}]},
		{"names": ["read"], "action": "SCMP_ACT_KILL_PROCESS", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]}`
	err := loadErr(t, seccomp.ArchX86_64, overlap)
	assert.ErrorContains(t, err, "syscalls[1] (read): read on x86_64: libseccomp refuses the rule (EEXIST)")
	var perr *Error
	assert.ErrorAs(t, err, &perr)
	r := build(t, seccomp.ArchX86_64, overlap, Options{StricterWins: true})
	assert.Equal(t, seccomp.ActKillProcess, decide(t, r, nil, "read", 2, 3))
}

// Conditional rules on different arguments: libseccomp tries the highest
// argument index first; here that agrees with the stricter action.
func TestOverlappingConditionalRules(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		r := build(t, target, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
			{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 5, "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}]},
			{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 3, "args": [{"index": 2, "value": 1, "op": "SCMP_CMP_EQ"}]}]}`)
		assert.Equal(t, seccomp.ActLog, decide(t, r, nil, "read", 1, 0, 0))
		assert.Equal(t, seccomp.Errno(5), decide(t, r, nil, "read", 1, 1, 0))
		assert.Equal(t, seccomp.Errno(3), decide(t, r, nil, "read", 1, 1, 1), "the lowest errno between two ERRNOs")
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read", 0, 0, 0))
	})
}

func TestSameConditionsDifferentActions(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		err := loadErr(t, target, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
			{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
			{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`)
		assert.ErrorContains(t, err, "syscalls[1] (read): read on "+target.Name+": the same conditions (arg0 == 0x1) as syscalls[0]")
		// The same action twice is fine.
		build(t, target, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
			{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
			{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}`)
	})
	// On a 32-bit arch only the low halves count: these are the same there.
	err := loadErr(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86"], "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
		{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 4294967297, "op": "SCMP_CMP_EQ"}]}]}`)
	assert.ErrorContains(t, err, "read on i386")
}

// The width of arguments (issue 12): on i386, arm and x32 libseccomp
// compares only the low 32 bits of arguments and values, and a profile
// means what it means under runc: a value that does not fit in 32 bits is
// cut there, with the warning the package documentation promises.
func TestArgumentWidths(t *testing.T) {
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967297, "op": "SCMP_CMP_EQ"}]},
		{"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 2, "value": 4294967301, "op": "SCMP_CMP_LE"}]}]}`)
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchX86_64, "read", 1<<32|1))
	assert.Equal(t, seccomp.Errno(1), decide(t, r, seccomp.ArchX86_64, "read", 1))
	for _, a := range []*seccomp.Arch{seccomp.ArchI386, seccomp.ArchX32} {
		// arg0 == 0x100000001 is arg0.lo32 == 1; arg2 <= 0x100000005 is
		// arg2.lo32 <= 5, which denies 6.
		assert.Equal(t, seccomp.ActAllow, decide(t, r, a, "read", 1), a.Name)
		assert.Equal(t, seccomp.ActAllow, decide(t, r, a, "read", 7<<32|1), a.Name)
		assert.Equal(t, seccomp.ActAllow, decide(t, r, a, "write", 0, 0, 5), a.Name)
		assert.Equal(t, seccomp.Errno(1), decide(t, r, a, "write", 0, 0, 6), a.Name)
		assert.True(t, hasWarning(r, WarnValueWidth, "read on "+a.Name+": arg0 == 0x100000001: the value does not fit in 32 bits"), a.Name)
		assert.True(t, hasWarning(r, WarnValueWidth, "write on "+a.Name+": arg2 <= 0x100000005: the value does not fit in 32 bits"), a.Name)
	}
	assert.False(t, hasWarning(r, WarnValueWidth, "on x86_64"), "x86_64 compares 64 bits")
	r = build(t, seccomp.ArchAArch64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_ARM"], "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967297, "op": "SCMP_CMP_EQ"}]}]}`)
	assert.Equal(t, seccomp.Errno(1), decide(t, r, seccomp.ArchAArch64, "read", 1))
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchARM, "read", 1))
	assert.True(t, hasWarning(r, WarnValueWidth, "read on arm"))
	// Values that fit: no warning.
	r = build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]}`)
	for _, w := range r.Warnings {
		assert.NotEqual(t, WarnValueWidth, w.Kind, "%v", w)
	}
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchI386, "read", 0xffffffff))
}

// One meaning in both layers on x32: a profile's x32 rules are 32-bit
// conditions (as libseccomp compares them), and decide as the same rules
// written with seccomp.Arg32 through the Filter API; written with
// seccomp.Arg they compare the full registers, which a profile cannot
// express.
func TestX32SameInBothLayers(t *testing.T) {
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X32"], "syscalls": [
		{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}]},
		{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
		{"names": ["clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 2, "value": 4096, "op": "SCMP_CMP_LE"}]}]}`)
	api := func(ref func(int) seccomp.ArgRef) *seccomp.Filter {
		f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64, seccomp.ArchX32).SetNrMinusOneDefault(true).SetBadArchAction(seccomp.ActKillThread)
		for _, a := range []*seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchX32} {
			arg := seccomp.Arg
			if a == seccomp.ArchX32 {
				arg = ref
			}
			f.Add(
				seccomp.Rule{Syscall: "socket", Arch: a, Action: seccomp.ActAllow, Conds: []seccomp.Cond{arg(0).Ne(40)}},
				seccomp.Rule{Syscall: "personality", Arch: a, Action: seccomp.ActAllow, Conds: []seccomp.Cond{arg(0).Eq(8)}},
				seccomp.Rule{Syscall: "clone", Arch: a, Action: seccomp.ActAllow, Conds: []seccomp.Cond{arg(0).MaskedEq(2114060288, 0)}},
				seccomp.Rule{Syscall: "read", Arch: a, Action: seccomp.ActAllow, Conds: []seccomp.Cond{arg(2).Le(4096)}},
			)
		}
		return f
	}
	for _, rule := range r.Filter.Rules() {
		for _, c := range rule.Conds {
			assert.Equal(t, rule.Arch == seccomp.ArchX32, c.Width32, "%v: 32-bit conditions on x32 only", rule)
		}
	}
	ours, err := r.Compile()
	require.NoError(t, err)
	eo := seccomp.MustEmulator(ours)
	same, full := api(seccomp.Arg32), api(seccomp.Arg)
	differ := 0
	for _, name := range []string{"socket", "personality", "clone", "read"} {
		nr, _ := seccomp.ArchX32.Syscall(name)
		for _, v := range []uint64{0, 8, 40, 4096, 4097, 1 << 28, 1<<32 | 8, 1<<32 | 40, 1<<32 | 4096, 0xffffffff_ffffffff} {
			d := seccomp.Data{Nr: nr, Arch: seccomp.AuditArchX86_64}
			d.Args[0], d.Args[2] = v, v
			want := same.Evaluate(d)
			assert.Equal(t, want, r.Evaluate(d), "%s(%#x) on x32: the profile decides as the API with Arg32", name, v)
			assert.Equal(t, want, eo.Action(d), "%s(%#x) on x32: the profile's program", name, v)
			if full.Evaluate(d) != want {
				differ++
			}
		}
	}
	assert.Positive(t, differ, "Arg compares the full registers on x32")
}

func TestNeverMatchingAndAlwaysHolding(t *testing.T) {
	// arg0 > 0xffffffff never holds on i386: skipped there with a warning.
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_GT"}]},
		{"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967296, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["write"], "action": "SCMP_ACT_LOG"}]}`)
	assert.True(t, hasWarning(r, WarnIgnored, "read on i386: no call can match"))
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchX86_64, "read", 1<<32))
	assert.Equal(t, seccomp.Errno(1), decide(t, r, seccomp.ArchI386, "read", 0xffffffff))
	// The mask has no low bits: on i386 the condition always holds, the
	// rule is unconditional there and wins over the later LOG entry.
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchI386, "write", 5))
	assert.Equal(t, seccomp.ActLog, decide(t, r, seccomp.ArchX86_64, "write", 0), "x86_64: the LOG entry decides")
	// A zero mask always holds on every arch.
	r = build(t, seccomp.ArchAArch64, `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "valueTwo": 9, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["read"], "action": "SCMP_ACT_LOG"}]}`)
	assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read", 77))
}

func TestArches(t *testing.T) {
	// Bad arch: KILL_THREAD whatever the default; a setting changes it.
	// An arch of the other byte order than the target's is skipped, as
	// libseccomp cannot mix them (runc fails on such a profile).
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390X", "SCMP_ARCH_RISCV32"]}`)
	assert.True(t, hasWarning(r, WarnArchSkipped, "SCMP_ARCH_S390X skipped: its byte order is not the one of x86_64"))
	assert.True(t, hasWarning(r, WarnArchSkipped, "SCMP_ARCH_RISCV32 skipped: there is no syscall table"))
	assert.Equal(t, []*seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchPPC64LE}, r.Filter.Arches())
	assert.Equal(t, seccomp.ActKillThread, decideNr(t, r, seccomp.AuditArchI386, 3))
	assert.Equal(t, seccomp.ActAllow, decideNr(t, r, seccomp.AuditArchPPC64LE, 3))
	assert.Equal(t, seccomp.ActKillThread, decideNr(t, r, seccomp.AuditArchS390X, 3))
	// x32 numbers without SCMP_ARCH_X32: bad arch, but -1.
	assert.Equal(t, seccomp.ActKillThread, decideNr(t, r, seccomp.AuditArchX86_64, seccomp.X32SyscallBit))
	assert.Equal(t, seccomp.ActAllow, decideNr(t, r, seccomp.AuditArchX86_64, -1))
	r = build(t, seccomp.ArchS390X, `{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_S390", "SCMP_ARCH_X86_64", "SCMP_ARCH_MIPS64"]}`)
	assert.Equal(t, []*seccomp.Arch{seccomp.ArchS390X, seccomp.ArchS390, seccomp.ArchMIPS64}, r.Filter.Arches())
	assert.True(t, hasWarning(r, WarnArchSkipped, "SCMP_ARCH_X86_64 skipped: its byte order is not the one of s390x"))
	trap := seccomp.Trap(0)
	r = build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ALLOW"}`, Options{BadArchAction: &trap})
	assert.Equal(t, trap, decideNr(t, r, seccomp.AuditArchAArch64, 3))
	// arm64: the target is covered even when not listed.
	r = build(t, seccomp.ArchAArch64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_ARM"], "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`)
	assert.Equal(t, []*seccomp.Arch{seccomp.ArchAArch64, seccomp.ArchARM}, r.Filter.Arches())
	assert.Equal(t, seccomp.ActAllow, decide(t, r, seccomp.ArchARM, "read"))
	assert.Equal(t, seccomp.ActKillThread, decideNr(t, r, seccomp.AuditArchX86_64, 0))
}

func TestENOSYSAboveHighest(t *testing.T) {
	eachTarget(t, func(t *testing.T, target *seccomp.Arch) {
		js := `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
			{"names": ["read", "openat"], "action": "SCMP_ACT_ALLOW"},
			{"names": ["pidfd_open"], "action": "SCMP_ACT_ERRNO"}]}`
		r := build(t, target, js, Options{ENOSYSAboveHighest: true})
		highest, _ := target.Syscall("pidfd_open") // highest named, even with the default action
		assert.Equal(t, map[*seccomp.Arch]int32{target: highest}, r.Highest)
		a := target.AuditArch
		assert.Equal(t, seccomp.Errno(1), decideNr(t, r, a, highest))
		assert.Equal(t, seccomp.Errno(seccomp.ENOSYS), decideNr(t, r, a, highest+1))
		assert.Equal(t, seccomp.Errno(seccomp.ENOSYS), decideNr(t, r, a, 1<<20))
		assert.Equal(t, seccomp.ActAllow, decide(t, r, nil, "read"))
		assert.Equal(t, seccomp.ActKillThread, decideNr(t, r, seccomp.AuditArchI386+1, 1<<20), "other arches: bad arch")
		// Off: the default action.
		r = build(t, target, js)
		assert.Equal(t, seccomp.Errno(1), decideNr(t, r, a, highest+1))
		// A permissive default: no stub.
		for _, def := range []string{"SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"} {
			r = build(t, target, `{"defaultAction": "`+def+`", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO"}]}`, Options{ENOSYSAboveHighest: true})
			assert.Empty(t, r.Highest, def)
		}
	})
	// x86_64 with x32: each by the x32 bit; -1 is an x32 number above the
	// x32 table. Without x32: x32 numbers go to the filter.
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X32"], "syscalls": [
		{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}`, Options{ENOSYSAboveHighest: true})
	x := seccomp.AuditArchX86_64
	assert.Equal(t, seccomp.ActAllow, decideNr(t, r, x, 1))
	assert.Equal(t, seccomp.Errno(seccomp.ENOSYS), decideNr(t, r, x, 2))
	assert.Equal(t, seccomp.ActAllow, decideNr(t, r, x, seccomp.X32SyscallBit|1))
	assert.Equal(t, seccomp.Errno(seccomp.ENOSYS), decideNr(t, r, x, seccomp.X32SyscallBit|2))
	assert.Equal(t, seccomp.Errno(seccomp.ENOSYS), decideNr(t, r, x, -1))
	assert.Equal(t, seccomp.Errno(seccomp.ENOSYS), decideNr(t, r, x, -1<<31), "no x32 bit: an x86_64 number to the stub")
	r = build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}`, Options{ENOSYSAboveHighest: true})
	assert.Equal(t, seccomp.ActKillThread, decideNr(t, r, x, seccomp.X32SyscallBit|2))
	assert.Equal(t, seccomp.Errno(1), decideNr(t, r, x, -1))
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		js   string
		want []string
	}{
		{`{"defaultAction": "SCMP_ACT_FOO"}`, []string{`profile: defaultAction: unknown action "SCMP_ACT_FOO"`}},
		{`{"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`, []string{"defaultAction: missing"}},
		{`{}`, []string{"no defaultAction and no syscalls"}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 3}`, []string{"defaultErrnoRet: SCMP_ACT_ALLOW takes no errno"}},
		{`{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 4095}`, []string{"defaultErrnoRet: 4095 is out of range for SCMP_ACT_ERRNO (0 to 4094)"}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_TRACE", "errnoRet": 65536}]}`,
			[]string{"syscalls[0].errnoRet (read): 65536 is out of range for SCMP_ACT_TRACE"}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}`,
			[]string{"syscalls[0].errnoRet (read): SCMP_ACT_KILL takes no errno"}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "args": [
			{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}, {"index": 0, "value": 1}]}]}`,
			[]string{"syscalls[0].args[0].index (read): argument index 6", `syscalls[0].args[1].op (read): unknown operator "SCMP_CMP_FOO"`, "syscalls[0].args[2].op (read): missing operator"}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_FOO"], "flags": ["SECCOMP_FILTER_FLAG_FOO"]}`,
			[]string{`architectures[0]: unknown architecture "SCMP_ARCH_FOO"`, `flags[0]: unknown flag "SECCOMP_FILTER_FLAG_FOO"`}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [""], "action": "SCMP_ACT_KILL"}, {"names": ["x"]}]}`,
			[]string{"syscalls[0].names[0]: empty system call name", "syscalls[1].action (x): missing"}},
		{"{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [}", []string{"malformed JSON at line 2, column 16"}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "read", "action": "SCMP_ACT_KILL"}]}`,
			[]string{`syscalls[0].names: got string "read", want an array`}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]}`,
			[]string{"syscalls[0].args[0].value (read): got number -1, want an unsigned integer"}},
		{`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [null, {"names": ["read"], "action": "SCMP_ACT_KILL", "args": [null]}]}`,
			[]string{"syscalls[0]: null is not an entry", "syscalls[1].args[0] (read): null is not a condition"}},
		{`[1]`, []string{"profile: a profile is a JSON object", "not an array [1]"}},
	} {
		for _, target := range targets {
			err := loadErr(t, target, tc.js)
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
			var pe *Error
			assert.True(t, errors.As(err, &pe), "%T", err)
		}
	}
}

func TestUnknownFieldsWarned(t *testing.T) {
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ALLOW", "DefaultErrnoRet": null, "colour": 1,
		"syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ", "vaule": 2}]}]}`)
	assert.True(t, hasWarning(r, WarnUnknownField, `colour: unknown field "colour" ignored`))
	assert.True(t, hasWarning(r, WarnUnknownField, `syscalls[0].args[0].vaule`))
	assert.False(t, hasWarning(r, WarnUnknownField, "DefaultErrnoRet"), "keys match without regard to case, as in encoding/json")
	_, warns, err := ParseOCI([]byte(`{"defaultAction": "SCMP_ACT_ALLOW", "archMap": [], "syscalls": [{"names": ["read"], "action": "SCMP_ACT_KILL", "comment": "x"}]}`))
	require.NoError(t, err)
	assert.Len(t, warns, 2, "Docker's fields are unknown to the OCI reader")
}

func TestFlags(t *testing.T) {
	r := build(t, seccomp.ArchX86_64, `{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"]}`)
	assert.Equal(t, seccomp.FlagLog|seccomp.FlagSpecAllow|seccomp.FlagTSync, r.Flags)
}

// Two names of one call on an arch (arm's sync_file_range2, the uapi name,
// and arm_sync_file_range, both 341) make one set of rules there, from the
// entries that name either: no duplicate, and a profile naming only the
// uapi name keeps the call (aarch64's profile includes arm).
func TestAliasNames(t *testing.T) {
	for _, names := range []string{`"sync_file_range2"`, `"arm_sync_file_range"`, `"arm_sync_file_range", "sync_file_range2"`} {
		r := build(t, seccomp.ArchAArch64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
			"syscalls": [{"names": [`+names+`], "action": "SCMP_ACT_ALLOW"}]}`)
		assert.Empty(t, r.Filter.Lint(), names)
		for _, w := range r.Warnings {
			assert.Equal(t, WarnSyscallNotOnArch, w.Kind, "%s: %v", names, w) // not on aarch64
		}
		assert.Equal(t, seccomp.ActAllow, decideNr(t, r, seccomp.AuditArchARM, 341), names)
	}
	// Entries that name the call differently are one call's rules: the
	// first unconditional one decides, as for one name.
	r := build(t, seccomp.ArchAArch64, `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
		"syscalls": [{"names": ["arm_sync_file_range"], "action": "SCMP_ACT_ALLOW"},
			{"names": ["sync_file_range2"], "action": "SCMP_ACT_KILL"}]}`)
	assert.Equal(t, seccomp.ActAllow, decideNr(t, r, seccomp.AuditArchARM, 341))
	assert.True(t, hasWarning(r, WarnIgnored, "decides it unconditionally before this entry"), "%v", r.Warnings)
}

// TestMultiplexedCalls: on the arches with socketcall and ipc, an entry on
// a socket or IPC call decides the multiplexer with that call's number, as
// libseccomp makes it (runc's meaning); StricterWins never lets the
// multiplexer allow more than the direct call.
func TestMultiplexedCalls(t *testing.T) {
	js := `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "syscalls": [
		{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}]},
		{"names": ["connect", "shmget"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["semop"], "action": "SCMP_ACT_LOG", "args": [{"index": 2, "value": 1, "op": "SCMP_CMP_EQ"}]}]}`
	socketcall := func(a *seccomp.Arch) int32 { nr, _ := a.Syscall("socketcall"); return nr }
	ipc := func(a *seccomp.Arch) int32 { nr, _ := a.Syscall("ipc"); return nr }
	for _, target := range []*seccomp.Arch{seccomp.ArchX86_64, seccomp.ArchS390X, seccomp.ArchPPC64LE, seccomp.ArchMIPSEL} {
		r := build(t, target, js)
		a := target
		if target == seccomp.ArchX86_64 {
			a = seccomp.ArchI386
		}
		assert.Equal(t, seccomp.ActAllow, decideNr(t, r, a.AuditArch, socketcall(a), 1, 0x1000), "%s: socketcall(SYS_SOCKET), any family", a)
		assert.Equal(t, seccomp.ActAllow, decideNr(t, r, a.AuditArch, socketcall(a), 3), "%s: socketcall(SYS_CONNECT)", a)
		assert.Equal(t, seccomp.Errno(1), decideNr(t, r, a.AuditArch, socketcall(a), 2), "%s: socketcall(SYS_BIND)", a)
		assert.Equal(t, seccomp.ActAllow, decideNr(t, r, a.AuditArch, ipc(a), 23), "%s: ipc(SHMGET)", a)
		assert.Equal(t, seccomp.Errno(1), decideNr(t, r, a.AuditArch, ipc(a), 1<<16|23), "%s: ipc(SHMGET, version 1): libseccomp compares all of arg0", a)
		// semop's condition on its arg2 compares ipc's arg2.
		assert.Equal(t, seccomp.ActLog, decideNr(t, r, a.AuditArch, ipc(a), 1, 0, 1), "%s: ipc(SEMOP) with arg2 == 1", a)
		assert.Equal(t, seccomp.Errno(1), decideNr(t, r, a.AuditArch, ipc(a), 1, 0, 2), "%s: ipc(SEMOP) with arg2 == 2", a)
		// StricterWins: the family is out of reach, so the default decides.
		r = build(t, target, js, Options{StricterWins: true})
		assert.Equal(t, seccomp.Errno(1), decideNr(t, r, a.AuditArch, socketcall(a), 1, 0x1000), "%s: stricter: socketcall(SYS_SOCKET)", a)
		assert.Equal(t, seccomp.ActAllow, decideNr(t, r, a.AuditArch, socketcall(a), 3), "%s: stricter: socketcall(SYS_CONNECT)", a)
		assert.Equal(t, seccomp.ActAllow, decideNr(t, r, a.AuditArch, ipc(a), 1<<16|23), "%s: stricter: ipc(SHMGET, version 1)", a)
		assert.Equal(t, seccomp.Errno(1), decideNr(t, r, a.AuditArch, ipc(a), 1, 0, 1), "%s: stricter: ipc(SEMOP)", a)
	}
	// x86_64 has no multiplexers: nothing changes there.
	r := build(t, seccomp.ArchX86_64, js)
	assert.Equal(t, seccomp.Errno(1), decide(t, r, seccomp.ArchX86_64, "bind"))
}

// TestENOSYSAboveHighestPerArch: runc's stub answers in the errno numbers
// of the call's arch (arch/*/include/uapi/asm/errno.h: ENOSYS is 89 on
// mips, 251 on parisc, 38 on x86), section by section.
func TestENOSYSAboveHighestPerArch(t *testing.T) {
	for _, c := range []struct {
		target *seccomp.Arch
		enosys int
	}{
		{seccomp.ArchMIPS64, 89}, {seccomp.ArchMIPSEL, 89}, {seccomp.ArchPARISC64, 251}, {seccomp.ArchX86_64, 38},
	} {
		js := `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_PARISC"], "syscalls": [
			{"names": ["read", "pidfd_open"], "action": "SCMP_ACT_ALLOW"}]}`
		r := build(t, c.target, js, Options{ENOSYSAboveHighest: true})
		require.NotEmpty(t, r.Highest, c.target.Name)
		for a, highest := range r.Highest {
			want := seccomp.Errno(38)
			switch a {
			case seccomp.ArchMIPS, seccomp.ArchMIPSEL, seccomp.ArchMIPS64, seccomp.ArchMIPSEL64, seccomp.ArchMIPS64N32, seccomp.ArchMIPSEL64N32:
				want = seccomp.Errno(89)
			case seccomp.ArchPARISC, seccomp.ArchPARISC64:
				want = seccomp.Errno(251)
			}
			if a == c.target {
				assert.Equal(t, seccomp.Errno(c.enosys), want)
			}
			nr := highest + 1
			if a == seccomp.ArchX32 {
				nr |= seccomp.X32SyscallBit
			}
			assert.Equal(t, want, decideNr(t, r, a.AuditArch, nr), "%s on a %s profile", a.Name, c.target.Name)
		}
	}
}

// TestDefaultClone3ENOSYSPerArch: Docker's built-in default answers
// clone3 with ENOSYS in the target's numbers (moby's Go profile says
// unix.ENOSYS: 89 on mips, from arch/mips/include/uapi/asm/errno.h), from
// Default() and from DefaultJSON's bytes; an edited copy means what it
// says (38).
func TestDefaultClone3ENOSYSPerArch(t *testing.T) {
	for _, c := range []struct {
		target *seccomp.Arch
		want   uint16
	}{{seccomp.ArchMIPS64, 89}, {seccomp.ArchMIPSEL64, 89}, {seccomp.ArchX86_64, 38}, {seccomp.ArchAArch64, 38}} {
		fromDefault, err := Default().Build(Options{Arch: c.target, Kernel: &KernelVersion{6, 1}})
		require.NoError(t, err, c.target.Name)
		loaded, err := Load(DefaultJSON(), Options{Arch: c.target, Kernel: &KernelVersion{6, 1}})
		require.NoError(t, err, c.target.Name)
		edited := append(DefaultJSON(), '\n')
		asWritten, err := Load(edited, Options{Arch: c.target, Kernel: &KernelVersion{6, 1}})
		require.NoError(t, err, c.target.Name)
		for _, r := range []*Result{fromDefault, loaded, asWritten} {
			want := seccomp.Errno(c.want)
			if r == asWritten {
				want = seccomp.Errno(38)
			}
			// decide checks the compiled program agrees with Evaluate.
			assert.Equal(t, want, decide(t, r, c.target, "clone3"), "%s clone3", c.target.Name)
		}
	}
}
