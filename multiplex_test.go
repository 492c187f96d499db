package seccomp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The numbers of the multiplexed calls, from include/uapi/linux/net.h and
// ipc.h, written out here.
const (
	sysSocket, sysConnect = 1, 3
	ipcSemop, ipcShmat    = 1, 21
	ipcShmget             = 23
)

// muxCheck compiles f, and checks that the program and Evaluate both give
// want for each call.
func muxCheck(t *testing.T, f *Filter, cases map[Data]Action) {
	t.Helper()
	require.NoError(t, f.Validate())
	assert.Empty(t, f.Lint())
	p, err := f.Compile()
	require.NoError(t, err)
	e := MustEmulator(p)
	for d, want := range cases {
		assert.Equal(t, want, f.Evaluate(d), "Evaluate %+v", d)
		assert.Equal(t, want, e.Action(d), "program %+v", d)
		if f.Resolution() == ResolveStricter {
			assert.Equal(t, want, meaning(f, d), "meaning %+v", d)
		}
	}
}

func sc(a *Arch, name string, args ...uint64) Data {
	nr, ok := a.Syscall(name)
	if !ok {
		panic(name)
	}
	d := Data{Nr: nr, Arch: a.AuditArch}
	copy(d.Args[:], args)
	return d
}

// TestMultiplexingOff: by default a rule decides only the call it names.
func TestMultiplexingOff(t *testing.T) {
	f := NewFilter(Errno(1), ArchI386).AddSyscalls(ActAllow, "socket", "connect")
	muxCheck(t, f, map[Data]Action{
		sc(ArchI386, "socket", 2):                 ActAllow,
		sc(ArchI386, "socketcall", sysSocket, 0):  Errno(1),
		sc(ArchI386, "socketcall", sysConnect, 0): Errno(1),
	})
	assert.False(t, f.Multiplexing())
}

// TestMultiplexingStricter: through socketcall and ipc a call gets the
// strictest action its direct call can get for some arguments.
func TestMultiplexingStricter(t *testing.T) {
	// An allow-list: unconditional rules carry over; a conditional one
	// does not widen the multiplexer (the default decides).
	f := NewFilter(Errno(1), ArchI386, ArchS390X).SetMultiplexing(true).
		AddSyscalls(ActAllow, "connect", "shmget").
		Add(Rule{Syscall: "socket", Action: ActAllow, Conds: []Cond{Arg32(0).Ne(40)}})
	assert.True(t, f.Multiplexing())
	cases := map[Data]Action{}
	for _, a := range []*Arch{ArchI386, ArchS390X} {
		cases[sc(a, "socket", 2)] = ActAllow
		cases[sc(a, "socket", 40)] = Errno(1)
		cases[sc(a, "socketcall", sysConnect, 0x1000)] = ActAllow
		cases[sc(a, "socketcall", sysSocket, 0x1000)] = Errno(1) // the family is out of reach
		cases[sc(a, "socketcall", 2, 0x1000)] = Errno(1)         // bind: no rule
		cases[sc(a, "ipc", ipcShmget)] = ActAllow
		cases[sc(a, "ipc", 1<<16|ipcShmget)] = ActAllow // a version in the high half
		cases[sc(a, "ipc", ipcShmat)] = Errno(1)
	}
	// On s390x the registers are 64 bits: socketcall reads an int.
	cases[sc(ArchS390X, "socketcall", 1<<32|sysConnect)] = ActAllow
	cases[sc(ArchS390X, "socketcall", 1<<32|sysSocket)] = Errno(1)
	muxCheck(t, f, cases)

	// A deny-list: a conditional deny denies through the multiplexer,
	// whatever the arguments, and so does an unconditional one, whatever
	// the version bits of ipc.
	f = NewFilter(ActAllow, ArchI386, ArchPPC64LE).SetMultiplexing(true).
		Add(Rule{Syscall: "socket", Action: Errno(13), Conds: []Cond{Arg32(0).Eq(40)}},
			Rule{Syscall: "shmat", Action: ActKillProcess})
	cases = map[Data]Action{}
	for _, a := range []*Arch{ArchI386, ArchPPC64LE} {
		cases[sc(a, "socket", 2)] = ActAllow
		cases[sc(a, "socket", 40)] = Errno(13)
		cases[sc(a, "socketcall", sysSocket)] = Errno(13)
		cases[sc(a, "socketcall", sysConnect)] = ActAllow
		cases[sc(a, "ipc", ipcShmat)] = ActKillProcess
		cases[sc(a, "ipc", 0xffff0000|ipcShmat)] = ActKillProcess
		cases[sc(a, "ipc", ipcSemop)] = ActAllow
	}
	muxCheck(t, f, cases)

	// Several rules: the strictest wins, a rule on the multiplexer takes
	// part, and an arch without multiplexers is untouched.
	f = NewFilter(Errno(1), ArchI386, ArchX86_64).SetMultiplexing(true).
		AddSyscalls(ActAllow, "socket").
		Add(Rule{Syscall: "socket", Action: ActLog, Conds: []Cond{Arg32(0).Eq(1)}},
			Rule{Syscall: "socketcall", Action: Errno(22), Conds: []Cond{Arg32(0).Eq(sysConnect)}},
			Rule{Syscall: "connect", Action: ActAllow})
	muxCheck(t, f, map[Data]Action{
		sc(ArchI386, "socketcall", sysSocket):  ActLog,    // LOG ranks before ALLOW
		sc(ArchI386, "socketcall", sysConnect): Errno(22), // the socketcall rule ranks first
		sc(ArchI386, "socket", 2):              ActAllow,
		sc(ArchX86_64, "socket", 1):            ActLog,
		sc(ArchX86_64, "connect"):              ActAllow,
	})
	// ppc64 has no direct semop: a rule on it applies through ipc.
	f = NewFilter(Errno(1), ArchPPC64).SetMultiplexing(true).AddSyscalls(ActAllow, "semop")
	_, direct := ArchPPC64.Syscall("semop")
	require.False(t, direct)
	muxCheck(t, f, map[Data]Action{
		sc(ArchPPC64, "ipc", ipcSemop): ActAllow,
		sc(ArchPPC64, "ipc", ipcShmat): Errno(1),
	})
	// Without multiplexing that rule names no call of ppc64.
	assert.Error(t, NewFilter(Errno(1), ArchPPC64).AddSyscalls(ActAllow, "semop").Validate())
}

// TestMultiplexingLibseccomp: libseccomp's rule for the multiplexer, the
// condition on arg0 replaced by the call's number, the others kept.
func TestMultiplexingLibseccomp(t *testing.T) {
	f := NewFilter(Errno(1), ArchI386).SetMultiplexing(true).SetResolution(ResolveLibseccomp).
		Add(Rule{Syscall: "socket", Action: ActAllow, Conds: []Cond{Arg32(0).Ne(40), Arg32(2).Eq(0)}})
	muxCheck(t, f, map[Data]Action{
		sc(ArchI386, "socket", 40, 1, 0):       Errno(1),
		sc(ArchI386, "socket", 2, 1, 0):        ActAllow,
		sc(ArchI386, "socketcall", 1, 0x1000):  ActAllow, // any family: arg0 is the number now
		sc(ArchI386, "socketcall", 1, 0, 7):    Errno(1), // arg2 is socketcall's, compared all the same
		sc(ArchI386, "socketcall", 3, 0x1000):  Errno(1),
		sc(ArchI386, "socketcall", 41, 0x1000): Errno(1),
	})
	// Two rules whose conditions differ in arg0 only, with different
	// actions: the same rule for socketcall twice, which libseccomp
	// refuses (EEXIST).
	f = NewFilter(Errno(1), ArchI386).SetMultiplexing(true).SetResolution(ResolveLibseccomp).
		Add(Rule{Syscall: "socket", Action: ActAllow, Conds: []Cond{Arg32(0).Eq(2)}},
			Rule{Syscall: "socket", Action: Errno(13), Conds: []Cond{Arg32(0).Eq(10)}})
	err := f.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rule 1 (socketcall) on i386: libseccomp refuses the rule (EEXIST)")
	assert.NoError(t, f.SetMultiplexing(false).Validate())
}

// TestMultiplexingKeepsOtherArches: arches without multiplexers compile to
// the same program with multiplexing on.
func TestMultiplexingKeepsOtherArches(t *testing.T) {
	for _, a := range []*Arch{ArchX86_64, ArchAArch64, ArchRISCV64, ArchMIPS64} {
		mk := func(on bool) Program {
			p, err := NewFilter(Errno(1), a).SetMultiplexing(on).AddSyscalls(ActAllow, "socket", "connect", "shmget").Compile()
			require.NoError(t, err)
			return p
		}
		assert.Equal(t, mk(false), mk(true), a.Name)
	}
}
