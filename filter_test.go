package seccomp

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seccomp-go/seccomp/internal/opcode"
)

func x86(nr int32, args ...uint64) Data {
	d := Data{Nr: nr, Arch: AuditArchX86_64}
	copy(d.Args[:], args)
	return d
}

// both checks the filter's meaning and its compiled program on d.
func both(t *testing.T, f *Filter, d Data) Action {
	t.Helper()
	p, err := f.Compile()
	require.NoError(t, err)
	got, want := MustEmulator(p).Action(d), f.Evaluate(d)
	require.Equal(t, want, got, "compiled program and Evaluate disagree on %+v", d)
	return got
}

func TestFilterBasics(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64)
	f.AddSyscalls(ActAllow, "read", "write", "exit_group")
	f.Add(Rule{Syscall: "personality", Action: ActAllow, Conds: []Cond{Arg(0).Eq(0xffffffff)}})
	assert.Equal(t, ActAllow, both(t, f, x86(0)))
	assert.Equal(t, ActAllow, both(t, f, x86(1)))
	assert.Equal(t, Errno(1), both(t, f, x86(2)), "open is not allowed")
	assert.Equal(t, ActAllow, both(t, f, x86(135, 0xffffffff)))
	assert.Equal(t, Errno(1), both(t, f, x86(135, 0xffffffff_ffffffff)), "differs only in the high half")
	assert.Equal(t, Errno(1), both(t, f, x86(135, 0x1_ffffffff)))
	// Other arches and x32 get the bad-arch action.
	assert.Equal(t, ActKillProcess, both(t, f, Data{Nr: 3, Arch: AuditArchI386}))
	assert.Equal(t, ActKillProcess, both(t, f, x86(X32SyscallBit)), "x32 read (number 0) never reaches x86_64 rules")
	assert.Equal(t, ActKillProcess, both(t, f, x86(-1)))
	f.SetBadArchAction(Errno(ENOSYS))
	assert.Equal(t, Errno(ENOSYS), both(t, f, Data{Nr: 3, Arch: AuditArchAArch64}))
}

func TestFilterX32(t *testing.T) {
	f := NewFilter(ActAllow, ArchX86_64, ArchX32)
	f.AddSyscalls(Errno(1), "ptrace")
	assert.Equal(t, Errno(1), both(t, f, x86(101)))
	assert.Equal(t, Errno(1), both(t, f, x86(X32SyscallBit|521)), "x32 ptrace")
	assert.Equal(t, ActAllow, both(t, f, x86(X32SyscallBit|101)), "101 is not ptrace on x32 (since 5.4 it is ENOSYS)")
	// Only x32 covered: native x86_64 calls are a bad arch.
	g := NewFilter(ActAllow, ArchX32)
	assert.Equal(t, ActKillProcess, both(t, g, x86(1)))
	assert.Equal(t, ActAllow, both(t, g, x86(X32SyscallBit|1)))
}

// SetNrMinusOneDefault: -1 under AUDIT_ARCH_X86_64 gets the default action
// when x32 is not covered, as in libseccomp's programs; other x32 numbers
// still get the bad-arch action, and nothing else changes.
func TestFilterNrMinusOneDefault(t *testing.T) {
	for _, enosys := range []bool{false, true} {
		f := NewFilter(Errno(1), ArchX86_64).SetUnknownSyscallENOSYS(enosys)
		f.AddSyscalls(ActAllow, "read")
		assert.Equal(t, ActKillProcess, both(t, f, x86(-1)), "off by default")
		f.SetNrMinusOneDefault(true)
		assert.Equal(t, Errno(1), both(t, f, x86(-1)), "default action, never ENOSYS")
		assert.Equal(t, ActKillProcess, both(t, f, x86(-2)))
		assert.Equal(t, ActKillProcess, both(t, f, x86(X32SyscallBit)))
		assert.Equal(t, ActAllow, both(t, f, x86(0)))
		assert.Equal(t, ActKillProcess, both(t, f, Data{Nr: -1, Arch: AuditArchI386}), "other arches are not concerned")
		// The bad-arch action may equal the default action.
		f.SetBadArchAction(Errno(1))
		assert.Equal(t, Errno(1), both(t, f, x86(-1)))
		assert.Equal(t, Errno(1), both(t, f, x86(X32SyscallBit)))
	}
	// With x32 covered, -1 is an x32 number and reaches the x32 fallback,
	// with or without the setting; on an x32-only filter too.
	for _, arches := range [][]*Arch{{ArchX86_64, ArchX32}, {ArchX32}} {
		for _, on := range []bool{false, true} {
			f := NewFilter(Errno(1), arches...).SetNrMinusOneDefault(on).SetUnknownSyscallENOSYS(true)
			assert.Equal(t, Errno(ENOSYS), both(t, f, x86(-1)))
		}
	}
	// On i386 and aarch64, -1 is an ordinary number above the table.
	f := NewFilter(ActAllow, ArchI386, ArchAArch64).SetNrMinusOneDefault(true)
	assert.Equal(t, ActAllow, both(t, f, Data{Nr: -1, Arch: AuditArchAArch64}))
	assert.Equal(t, ActKillProcess, both(t, f, x86(-1)), "x86_64 not covered: a bad arch")
}

func TestFilter32BitArchesCompareLowHalf(t *testing.T) {
	f := NewFilter(Errno(1), ArchI386, ArchARM)
	f.Add(Rule{Syscall: "write", Action: ActAllow, Conds: []Cond{Arg(0).Eq(1)}})
	i386 := func(a0 uint64) Data { return Data{Nr: 4, Arch: AuditArchI386, Args: [6]uint64{a0}} }
	assert.Equal(t, ActAllow, both(t, f, i386(1)))
	assert.Equal(t, ActAllow, both(t, f, i386(1<<32|1)), "the kernel uses only the low half on a 32-bit ABI")
	assert.Equal(t, Errno(1), both(t, f, i386(2)))
	assert.Equal(t, ActAllow, both(t, f, Data{Nr: 4, Arch: AuditArchARM, Args: [6]uint64{0xdead_00000001}}))
}

func TestFilterWidth32(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64)
	// An int argument: -1 as a 32-bit value, whatever the high half holds.
	f.Add(Rule{Syscall: "openat", Action: ActAllow, Conds: []Cond{Arg32(0).Eq(0xffffff9c)}})
	assert.Equal(t, ActAllow, both(t, f, x86(257, 0xffffff9c)))
	assert.Equal(t, ActAllow, both(t, f, x86(257, 0xffffffff_ffffff9c)))
	assert.Equal(t, ActAllow, both(t, f, x86(257, 0x12345678_ffffff9c)))
	assert.Equal(t, Errno(1), both(t, f, x86(257, 0xffffff9d)))
}

func TestFilterOperators(t *testing.T) {
	v := uint64(0x1_00000005)
	tests := []struct {
		c    Cond
		in   uint64
		want bool
	}{
		{Arg(0).Eq(v), v, true}, {Arg(0).Eq(v), 5, false}, {Arg(0).Eq(v), 0x2_00000005, false},
		{Arg(0).Ne(v), 5, true}, {Arg(0).Ne(v), v, false},
		{Arg(0).Lt(v), 0xffffffff, true}, {Arg(0).Lt(v), v, false}, {Arg(0).Lt(v), 0x1_00000004, true}, {Arg(0).Lt(v), 0x2_00000000, false},
		{Arg(0).Le(v), v, true}, {Arg(0).Le(v), v + 1, false}, {Arg(0).Le(v), 6, true},
		{Arg(0).Gt(v), v + 1, true}, {Arg(0).Gt(v), v, false}, {Arg(0).Gt(v), 0x2_00000000, true}, {Arg(0).Gt(v), 0xffffffff, false},
		{Arg(0).Ge(v), v, true}, {Arg(0).Ge(v), v - 1, false}, {Arg(0).Ge(v), 1 << 63, true},
		{Arg(0).MaskedEq(0xff_000000ff, 0x01_00000005), 0x7701_ffff0005, true},
		{Arg(0).MaskedEq(0xff_000000ff, 0x01_00000005), 0x7702_ffff0005, false},
		{Arg(0).MaskedEq(0xff_000000ff, 0x01_00000005), 0x7701_ffff0006, false},
		{Arg(0).MaskedNe(0xff_000000ff, 0x01_00000005), 0x7701_ffff0005, false},
		{Arg(0).MaskedNe(0xff_000000ff, 0x01_00000005), 0x7702_ffff0005, true},
		{Arg(0).MaskedNe(0xff_000000ff, 0x01_00000005), 0x7701_ffff0006, true},
		{Arg(0).MaskedEq(0x3, 0), 4, true}, {Arg(0).MaskedEq(0x3, 0), 5, false},
		{Arg(0).MaskedNe(0x3, 0), 4, false}, {Arg(0).MaskedNe(0x3, 0), 6, true},
		{Arg(0).MaskedEq(1<<40, 1<<40), 1 << 40, true}, {Arg(0).MaskedEq(1<<40, 1<<40), 1 << 8, false},
		{Arg32(0).Lt(7), 0x1_00000006, true}, {Arg32(0).Gt(7), 0x1_00000006, false},
		{Arg32(0).MaskedNe(0xf, 3), 0xf_00000003, false},
	}
	for _, tc := range tests {
		f := NewFilter(Errno(1), ArchX86_64)
		f.Add(Rule{Syscall: "ioctl", Action: ActAllow, Conds: []Cond{tc.c}})
		want := Errno(1)
		if tc.want {
			want = ActAllow
		}
		assert.Equal(t, want, both(t, f, x86(16, tc.in)), "%s on %#x", tc.c, tc.in)
	}
}

func TestFilterPrecedence(t *testing.T) {
	// Several rules match: the kernel's precedence decides, whatever the
	// order they were added in.
	rules := []Rule{
		{Syscall: "ioctl", Action: ActAllow, Conds: []Cond{Arg(1).Eq(0x5401)}},
		{Syscall: "ioctl", Action: Errno(13), Conds: []Cond{Arg(0).Gt(2)}},
		{Syscall: "ioctl", Action: Errno(1), Conds: []Cond{Arg(0).Gt(10)}},
		{Syscall: "ioctl", Action: ActLog},
	}
	for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}} {
		f := NewFilter(ActKillProcess, ArchX86_64)
		for _, i := range order {
			f.Add(rules[i])
		}
		assert.Equal(t, ActLog, both(t, f, x86(16, 1, 0x5401)), "ALLOW and LOG match: LOG comes first")
		assert.Equal(t, Errno(13), both(t, f, x86(16, 5, 0x5401)))
		assert.Equal(t, Errno(1), both(t, f, x86(16, 11, 0x5401)), "ERRNO(1) and ERRNO(13): the lower value")
		assert.Equal(t, ActLog, both(t, f, x86(16, 0, 0)))
		// The ALLOW rule can never decide: the unconditional LOG beats it.
		lint := f.Lint()
		require.Len(t, lint, 1)
		assert.Equal(t, "ioctl", lint[0].Syscall)
		assert.Equal(t, slicesIndex(order, 0), lint[0].Rule)
		assert.Contains(t, lint[0].Error(), "shadowed")
	}
}

func slicesIndex(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestFilterENOSYS(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64, ArchX32, ArchAArch64).SetUnknownSyscallENOSYS(true)
	f.AddSyscalls(ActAllow, "read")
	max := ArchX86_64.MaxSyscall()
	assert.Equal(t, Errno(1), both(t, f, x86(max)), "known to the table, not allowed")
	assert.Equal(t, Errno(ENOSYS), both(t, f, x86(max+1)), "newer than the table")
	assert.Equal(t, Errno(ENOSYS), both(t, f, x86(X32SyscallBit-1)))
	assert.Equal(t, Errno(1), both(t, f, x86(ArchX32.MaxSyscall())))
	assert.Equal(t, Errno(ENOSYS), both(t, f, x86(ArchX32.MaxSyscall()+1)))
	assert.Equal(t, Errno(ENOSYS), both(t, f, x86(-1)), "syscall(-1) probes get ENOSYS")
	assert.Equal(t, Errno(ENOSYS), both(t, f, Data{Nr: ArchAArch64.MaxSyscall() + 1, Arch: AuditArchAArch64}))
	assert.Equal(t, ActAllow, both(t, f, Data{Nr: 63, Arch: AuditArchAArch64}))
	// A rule for a number beyond the table still decides.
	f.Add(Rule{Number: max + 5, Arch: ArchX86_64, Action: Trace(1)})
	assert.Equal(t, Trace(1), both(t, f, x86(max+5)))
	assert.Equal(t, Errno(ENOSYS), both(t, f, x86(max+6)))
}

func TestFilterNamesPerArch(t *testing.T) {
	// open exists on x86_64 but not on aarch64: skipped there.
	f := NewFilter(Errno(1), ArchX86_64, ArchAArch64)
	f.AddSyscalls(ActAllow, "open", "openat")
	assert.Equal(t, ActAllow, both(t, f, x86(2)))
	assert.Equal(t, ActAllow, both(t, f, Data{Nr: 56, Arch: AuditArchAArch64}))
	assert.Equal(t, Errno(1), both(t, f, Data{Nr: 2, Arch: AuditArchAArch64}))
	// A rule restricted to one arch.
	g := NewFilter(Errno(1), ArchX86_64, ArchAArch64)
	g.Add(Rule{Syscall: "openat", Arch: ArchAArch64, Action: ActAllow})
	assert.Equal(t, Errno(1), both(t, g, x86(257)))
	assert.Equal(t, ActAllow, both(t, g, Data{Nr: 56, Arch: AuditArchAArch64}))
}

// Rules by number that no call can reach: an x32 number without the x32
// bit, an x86_64 number with it, and -1 on x86_64 (which has the bit).
// They are errors that name the rule; the same numbers where calls do
// reach them are accepted.
func TestImpossibleRuleNumbers(t *testing.T) {
	f := NewFilter(ActKillProcess, ArchX86_64, ArchX32, ArchI386)
	f.Add(
		Rule{Number: 101, Arch: ArchX32, Action: ActAllow},                    // 0
		Rule{Number: X32SyscallBit | 101, Arch: ArchX86_64, Action: ActAllow}, // 1
		Rule{Number: -1, Arch: ArchX86_64, Action: ActAllow},                  // 2
		Rule{Number: X32SyscallBit | 101, Arch: ArchX32, Action: ActAllow},    // 3: fine
		Rule{Number: 101, Arch: ArchX86_64, Action: ActAllow},                 // 4: fine
		Rule{Number: -1, Arch: ArchX32, Action: ActAllow},                     // 5: fine, an x32 number
		Rule{Number: -1, Arch: ArchI386, Action: ActAllow},                    // 6: fine
	)
	err := f.Validate()
	require.Error(t, err)
	_, cerr := f.Compile()
	require.Error(t, cerr)
	byRule := map[int]*Problem{}
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var p *Problem
		require.True(t, errors.As(e, &p))
		byRule[p.Rule] = p
	}
	require.Len(t, byRule, 3, "%v", err)
	for i, want := range map[int]string{0: "lacks X32SyscallBit", 1: "has X32SyscallBit", 2: "number -1"} {
		p := byRule[i]
		require.NotNil(t, p, "rule %d", i)
		assert.Equal(t, SeverityError, p.Severity)
		assert.Contains(t, p.Error(), want)
		assert.Contains(t, p.Error(), "never match")
		assert.Contains(t, p.Error(), fmt.Sprintf("rule %d (#", i), "names the rule")
	}
	assert.Contains(t, byRule[0].Error(), "0x40000065", "says the x32 number")
	assert.Contains(t, byRule[2].Error(), "SetNrMinusOneDefault")

	// What is left decides as before.
	g := NewFilter(ActKillProcess, ArchX86_64, ArchX32, ArchI386)
	g.Add(f.Rules()[3:]...)
	require.NoError(t, g.Validate())
	assert.Equal(t, ActAllow, both(t, g, x86(101)))
	assert.Equal(t, ActAllow, both(t, g, x86(X32SyscallBit|101)))
	assert.Equal(t, ActAllow, both(t, g, x86(-1)), "-1 is an x32 number")
	assert.Equal(t, ActAllow, both(t, g, Data{Nr: -1, Arch: AuditArchI386}))
}

func TestFilterProblems(t *testing.T) {
	f := NewFilter(ActErrno|5000, ArchX86_64, ArchI386)
	f.Add(
		Rule{Syscall: "no_such_call", Action: ActAllow},                                     // 0
		Rule{Syscall: "read", Action: ActAllow | 3},                                         // 1
		Rule{Syscall: "write", Action: ActAllow, Conds: []Cond{Arg(6).Eq(1)}},               // 2
		Rule{Syscall: "ioctl", Action: ActAllow, Conds: []Cond{Arg(0).Lt(3), Arg(0).Gt(9)}}, // 3
		Rule{Syscall: "close", Action: ActAllow, Conds: []Cond{Arg(0).Eq(1)}},               // 4
		Rule{Syscall: "close", Action: Errno(2), Conds: []Cond{Arg(0).Eq(1)}},               // 5
		Rule{Number: 1, Action: ActAllow},                                                   // 6
		Rule{Syscall: "read", Action: Action(0x10000000)},                                   // 7
		Rule{Syscall: "mmap", Action: ActAllow, Conds: []Cond{Arg(1).MaskedEq(0x3, 0x4)}},   // 8
		Rule{Number: 1, Arch: ArchAArch64, Action: ActAllow},                                // 9
	)
	err := f.Validate()
	require.Error(t, err)
	_, cerr := f.Compile()
	assert.Equal(t, err.Error(), cerr.Error(), "Compile fails with the same errors")
	var probs []*Problem
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var p *Problem
		require.True(t, errors.As(e, &p))
		assert.Equal(t, SeverityError, p.Severity)
		probs = append(probs, p)
	}
	byRule := map[int][]string{}
	for _, p := range probs {
		byRule[p.Rule] = append(byRule[p.Rule], p.Error())
	}
	assert.Contains(t, byRule[-1][0], "errno 5000 is above 4095")
	assert.Contains(t, byRule[0][0], "unknown system call")
	assert.Contains(t, byRule[0][0], "no_such_call")
	assert.Contains(t, byRule[1][0], "carries no data")
	assert.Contains(t, byRule[2][0], "argument index must be 0 to 5")
	assert.Contains(t, byRule[3][0], "contradict")
	require.Len(t, byRule[3], 2, "one per arch")
	assert.Contains(t, byRule[4][0], "same conditions as rule 5", "reported on the rule that loses")
	assert.Contains(t, byRule[6][0], "needs an arch")
	assert.Contains(t, byRule[7][0], "not one the kernel knows")
	assert.Contains(t, byRule[8][0], "bits outside the mask")
	assert.Contains(t, byRule[9][0], "not one the filter covers")
	assert.NotContains(t, byRule, 5)
}

func TestFilterNoArch(t *testing.T) {
	f := NewFilter(ActAllow, nil)
	assert.ErrorContains(t, f.Validate(), "nil or unknown arch")
	g := NewFilter(ActAllow, ArchX86_64, ArchX86_64)
	assert.ErrorContains(t, g.Validate(), "listed twice")
}

func TestFilterDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 50; i++ {
		f := randFilter(rng)
		p1, err1 := f.Compile()
		p2, err2 := f.Compile()
		if err1 != nil {
			assert.Equal(t, err1.Error(), err2.Error())
			continue
		}
		assert.Equal(t, p1, p2)
	}
}

func TestFilterCacheFriendly(t *testing.T) {
	// Argument-free decisions load nothing but nr and arch: for every
	// syscall of the table, the path of an allowed call executes only
	// ld [4], ld [0], compares and the return.
	f := NewFilter(Errno(1), ArchX86_64, ArchI386)
	f.AddSyscalls(ActAllow, "read", "write", "futex", "openat", "close", "mmap")
	f.Add(Rule{Syscall: "ioctl", Action: ActAllow, Conds: []Cond{Arg(1).Eq(0x5401)}})
	p, err := f.Compile()
	require.NoError(t, err)
	for _, a := range []*Arch{ArchX86_64, ArchI386} {
		for _, name := range a.Syscalls() {
			nr, _ := a.Syscall(name)
			if name == "ioctl" {
				continue
			}
			assert.True(t, constAllowPath(p, Data{Nr: nr, Arch: a.AuditArch}), "%s on %s loads an argument", name, a)
		}
	}
}

// constAllowPath follows the program's path for d and reports whether it
// uses only what the kernel's action cache can follow (kernel-seccomp.md
// section 9.2): loads of nr and arch, compares with constants, JA, AND K,
// RET K.
func constAllowPath(p Program, d Data) bool {
	var a uint32
	for pc := 0; pc < len(p); {
		in := p[pc]
		pc++
		switch in.Op {
		case opcode.LdWAbs:
			switch in.K {
			case 0:
				a = uint32(d.Nr)
			case 4:
				a = uint32(d.Arch)
			default:
				return false
			}
		case opcode.JeqK, opcode.JgtK, opcode.JgeK, opcode.JsetK:
			var c bool
			switch in.Op {
			case opcode.JeqK:
				c = a == in.K
			case opcode.JgtK:
				c = a > in.K
			case opcode.JgeK:
				c = a >= in.K
			default:
				c = a&in.K != 0
			}
			if c {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case opcode.Ja:
			pc += int(in.K)
		case opcode.AndK:
			a &= in.K
		case opcode.RetK:
			return true
		default:
			return false
		}
	}
	return false
}

func TestSetHotSyscalls(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64, ArchI386)
	f.AddSyscalls(ActAllow, "read", "write")
	assert.Equal(t, DefaultHotSyscalls(), f.HotSyscalls())
	m := map[string]float64{"read": 2}
	f.SetHotSyscalls(m)
	m["write"] = 1 // the filter keeps its own copy
	assert.Equal(t, map[string]float64{"read": 2}, f.HotSyscalls())
	f.HotSyscalls()["write"] = 1 // and hands out copies
	assert.Equal(t, map[string]float64{"read": 2}, f.HotSyscalls())
	f.SetHotSyscalls(map[string]float64{})
	assert.Empty(t, f.HotSyscalls())
	f.SetHotSyscalls(nil)
	assert.Equal(t, DefaultHotSyscalls(), f.HotSyscalls())

	// Bad frequencies are errors naming the call; a name no covered arch
	// knows is a warning.
	for _, v := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		f.SetHotSyscalls(map[string]float64{"read": v})
		err := f.Validate()
		require.Error(t, err, "%v", v)
		assert.Contains(t, err.Error(), "read")
		_, err = f.Compile()
		assert.Error(t, err)
	}
	// Frequencies whose sum overflows are fine.
	f.SetHotSyscalls(map[string]float64{"read": math.MaxFloat64, "write": math.MaxFloat64, "close": 1e-300})
	_, err := f.Compile()
	require.NoError(t, err)
	f.SetHotSyscalls(map[string]float64{"no_such_call": 1, "mmap2": 1})
	require.NoError(t, f.Validate())
	var warned []string
	for _, p := range f.Lint() {
		warned = append(warned, p.Syscall)
	}
	assert.Equal(t, []string{"no_such_call"}, warned, "mmap2 is i386's: no warning")
	_, err = f.Compile()
	assert.NoError(t, err)
}

// TestHotSyscallsShortenPaths: on Docker's default profile, every call
// named hot is decided in no more instructions than without the names,
// most in fewer, and the longest paths do not grow.
func TestHotSyscallsShortenPaths(t *testing.T) {
	f := dockerDefaultFilter(t)
	f.SetHotSyscalls(map[string]float64{})
	cold, err := f.Compile()
	require.NoError(t, err)
	coldStats := pathStats(cold, f)
	rng := rand.New(rand.NewPCG(5, 5))
	names := ArchX86_64.Syscalls()
	for range 30 {
		hot := map[string]float64{}
		for range 1 + rng.IntN(12) {
			hot[names[rng.IntN(len(names))]] = 1 + 10*rng.Float64()
		}
		f.SetHotSyscalls(hot)
		p, err := f.Compile()
		require.NoError(t, err)
		st := pathStats(p, f)
		assert.LessOrEqual(t, st.argAllowedMax, coldStats.argAllowedMax, "%v", hot)
		assert.LessOrEqual(t, st.argDeniedMax, coldStats.argDeniedMax, "%v", hot)
		var withHot, without float64
		ec, eh := MustEmulator(cold), MustEmulator(p)
		for name, w := range hot {
			nr, _ := ArchX86_64.Syscall(name)
			withHot += w * float64(eh.Run(x86(nr)).Executed)
			without += w * float64(ec.Run(x86(nr)).Executed)
		}
		assert.LessOrEqual(t, withHot, without, "hot calls %v take longer when named", hot)
	}
}

// A value of 2^32 or more on a 32-bit ABI, where the kernel zero-extends
// arguments: the comparison of the zero-extended argument with the full
// value decides it for every argument (issue 12).
func TestWideValuesOn32BitABIs(t *testing.T) {
	i386 := func(nr int32, args ...uint64) Data {
		d := Data{Nr: nr, Arch: AuditArchI386}
		copy(d.Args[:], args)
		return d
	}
	// arg2 < 2^32 always holds on i386: it compiles, and allows everything
	// there; on x86_64 it still compares the high half.
	f := NewFilter(Errno(1), ArchX86_64, ArchI386)
	f.Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{Arg(2).Lt(1 << 32)}})
	require.NoError(t, f.Validate())
	for _, v := range []uint64{0, 5, 0xffffffff, 0xffffffff_ffffffff} {
		assert.Equal(t, ActAllow, both(t, f, i386(3, 0, 0, v)), "i386 read(%#x)", v)
	}
	assert.Equal(t, ActAllow, both(t, f, x86(0, 0, 0, 0xffffffff)))
	assert.Equal(t, Errno(1), both(t, f, x86(0, 0, 0, 1<<32)))
	lint := f.Lint()
	require.Len(t, lint, 1)
	assert.Contains(t, lint[0].Error(), "always holds on i386")

	// arg2 <= 0x1_00000005 allows 6 on i386 (the low half alone would not).
	g := NewFilter(Errno(1), ArchI386)
	g.Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{Arg(2).Le(0x1_00000005)}})
	assert.Equal(t, ActAllow, both(t, g, i386(3, 0, 0, 6)))

	// Each operator, with a value above the 32-bit range, on i386: always
	// or never, whatever the argument; Width32 (Arg32) still cuts the value.
	const wide = 0x1_00000005
	for _, tc := range []struct {
		c      Cond
		always bool
	}{
		{Arg(0).Eq(wide), false}, {Arg(0).Ne(wide), true},
		{Arg(0).Lt(wide), true}, {Arg(0).Le(wide), true},
		{Arg(0).Gt(wide), false}, {Arg(0).Ge(wide), false},
		{Arg(0).MaskedEq(1<<32|0xff, wide), false}, {Arg(0).MaskedNe(1<<32|0xff, wide), true},
	} {
		h := NewFilter(Errno(1), ArchX86_64, ArchI386)
		h.Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{tc.c}})
		require.NoError(t, h.Validate(), "%v on x86_64 and i386", tc.c)
		want := Errno(1)
		if tc.always {
			want = ActAllow
		}
		for _, v := range []uint64{0, 5, 6, 0xff, wide, 0xffffffff} {
			assert.Equal(t, want, both(t, h, i386(3, v)), "%v on i386 with arg0 = %#x", tc.c, v)
		}
		lint := h.Lint()
		require.Len(t, lint, 1, "%v", tc.c)
		if tc.always {
			assert.Contains(t, lint[0].Error(), "always holds on i386")
		} else {
			assert.Contains(t, lint[0].Error(), "never matches on i386")
		}
		// Alone on i386 a rule that never matches is an error.
		k := NewFilter(Errno(1), ArchI386)
		k.Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{tc.c}})
		if tc.always {
			assert.NoError(t, k.Validate())
		} else {
			assert.ErrorContains(t, k.Validate(), "no call can match")
		}
	}
	// Arg32 keeps its meaning: the low 32 bits, value cut to 32 bits.
	m := NewFilter(Errno(1), ArchI386)
	m.Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{Arg32(0).Eq(wide)}})
	assert.Equal(t, ActAllow, both(t, m, i386(3, 5)))
	assert.Empty(t, m.Lint())
}

// x32 calls pass 64-bit registers, and seccomp_data.args holds them
// whole: conditions on x32 compare 64 bits, as on x86_64.
func TestX32ComparesFullRegisters(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64, ArchX32)
	f.Add(Rule{Syscall: "socket", Action: ActAllow, Conds: []Cond{Arg(0).Eq(1)}})
	nr, _ := ArchX32.Syscall("socket")
	assert.Equal(t, ActAllow, both(t, f, x86(nr, 1)))
	assert.Equal(t, Errno(1), both(t, f, x86(nr, 1<<32|1)), "the high half counts")
	g := NewFilter(Errno(1), ArchX32)
	g.Add(Rule{Syscall: "socket", Action: ActAllow, Conds: []Cond{Arg(0).Lt(1 << 32)}})
	assert.Equal(t, ActAllow, both(t, g, x86(nr, 0xffffffff)))
	assert.Equal(t, Errno(1), both(t, g, x86(nr, 1<<32)), "not always true on x32")
	assert.Empty(t, g.Lint())
}
