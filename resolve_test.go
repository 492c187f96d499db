package seccomp

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/internal/ruletree"
)

// a2Order is libseccomp's test 43-sim-a2_order: rules on read's and
// write's third argument that overlap, with their expected results under
// libseccomp (tests/43-sim-a2_order.tests), on every arch.
func a2Order(arches ...*Arch) *Filter {
	f := NewFilter(ActKillThread, arches...)
	f.Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{Arg(2).Le(64)}})
	for i, v := range []uint64{128, 256, 512, 1024, 2048, 4096, 8192, 16384} {
		f.Add(Rule{Syscall: "read", Action: Errno(uint16(5 + i)), Conds: []Cond{Arg(2).Gt(v)}})
	}
	f.Add(Rule{Syscall: "write", Action: ActAllow, Conds: []Cond{Arg(2).Ge(32768)}})
	for i, v := range []uint64{128, 256, 512, 1024, 2048, 4096, 8192, 16384} {
		f.Add(Rule{Syscall: "write", Action: Errno(uint16(5 + i)), Conds: []Cond{Arg(2).Lt(v)}})
	}
	return f
}

func TestResolutionA2Order(t *testing.T) {
	type want struct {
		call       string
		a2         uint64
		lib, strct Action
	}
	cases := []want{
		{"read", 30, ActAllow, ActAllow}, {"read", 64, ActAllow, ActAllow}, {"read", 65, ActKillThread, ActKillThread},
		{"read", 128, ActKillThread, ActKillThread}, {"read", 129, Errno(5), Errno(5)}, {"read", 256, Errno(5), Errno(5)},
		{"read", 257, Errno(6), Errno(5)}, {"read", 1025, Errno(8), Errno(5)}, {"read", 4097, Errno(10), Errno(5)},
		{"read", 8000, Errno(10), Errno(5)}, {"read", 8193, Errno(11), Errno(5)}, {"read", 16385, Errno(12), Errno(5)},
		{"write", 65, Errno(5), Errno(5)}, {"write", 128, Errno(6), Errno(6)}, {"write", 250, Errno(6), Errno(6)},
		{"write", 512, Errno(8), Errno(8)}, {"write", 4097, Errno(11), Errno(11)}, {"write", 8193, Errno(12), Errno(12)},
		{"write", 16384, ActKillThread, ActKillThread}, {"write", 32768, ActAllow, ActAllow},
		// ERRNO(5) and ALLOW overlap nowhere on write; on read 30 is only <= 64.
	}
	for _, arches := range [][]*Arch{{ArchX86_64}, {ArchI386}, {ArchAArch64, ArchARM}} {
		for _, res := range []Resolution{ResolveLibseccomp, ResolveStricter} {
			f := a2Order(arches...).SetResolution(res)
			p, err := f.Compile()
			if err != nil {
				t.Fatalf("%v %v: %v", arches, res, err)
			}
			e := MustEmulator(p)
			for _, a := range arches {
				for _, c := range cases {
					nr, _ := a.Syscall(c.call)
					d := Data{Nr: nr, Arch: a.AuditArch, Args: [6]uint64{4, 0x856B008, c.a2}}
					w := c.lib
					if res == ResolveStricter {
						w = c.strct
					}
					if got := e.Action(d); got != w {
						t.Errorf("%s %v: %s(a2=%d): %v, want %v", a.Name, res, c.call, c.a2, got, w)
					}
					if got := f.Evaluate(d); got != w {
						t.Errorf("%s %v: Evaluate %s(a2=%d): %v, want %v", a.Name, res, c.call, c.a2, got, w)
					}
				}
			}
		}
	}
}

func TestResolutionDefault(t *testing.T) {
	f := NewFilter(ActAllow, ArchX86_64)
	if f.Resolution() != ResolveStricter {
		t.Errorf("default resolution %v", f.Resolution())
	}
	if ResolveLibseccomp.String() != "libseccomp" || ResolveStricter.String() != "stricter" {
		t.Error("names")
	}
}

func TestLibseccompResolutionProblems(t *testing.T) {
	base := func() *Filter { return NewFilter(ActAllow, ArchX86_64).SetResolution(ResolveLibseccomp) }
	for _, tc := range []struct {
		name  string
		rules []Rule
		err   string // in Validate's error; "" for none
		warn  string // in Lint
	}{
		{"same conditions, other action", []Rule{
			{Syscall: "read", Action: Errno(1), Conds: []Cond{Arg(0).Eq(2)}},
			{Syscall: "read", Action: ActKillProcess, Conds: []Cond{Arg(0).Eq(2)}},
		}, "rule 1 (read) on x86_64: libseccomp refuses the rule (EEXIST)", ""},
		{"longer rule first", []Rule{
			{Syscall: "read", Action: Errno(1), Conds: []Cond{Arg(0).Eq(2), Arg(1).Eq(3)}},
			{Syscall: "read", Action: ActKillProcess, Conds: []Cond{Arg(0).Eq(2)}},
		}, "EEXIST", ""},
		{"two conditions on one argument", []Rule{
			{Syscall: "read", Action: Errno(1), Conds: []Cond{Arg(0).Gt(2), Arg(0).Lt(9)}},
		}, "two conditions on argument 0", ""},
		{"masked value outside the mask", []Rule{
			{Syscall: "read", Action: Errno(1), Conds: []Cond{Arg(0).MaskedEq(0xff00, 1000)}},
		}, "libseccomp compares with the value masked (0x300)", ""},
		{"no call can match: a warning", []Rule{
			{Syscall: "read", Action: Errno(1), Conds: []Cond{Arg(0).Lt(0)}},
		}, "", "no call can match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base().Add(tc.rules...)
			err := f.Validate()
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("Validate: %v, want %q", err, tc.err)
			}
			var p *Problem
			if err != nil && !errors.As(err, &p) {
				t.Errorf("not a *Problem: %T", err)
			}
			if tc.warn != "" {
				lint := f.Lint()
				if len(lint) == 0 || !strings.Contains(lint[0].Error(), tc.warn) {
					t.Errorf("Lint: %v, want %q", lint, tc.warn)
				}
			}
			// The same rules are valid by the stricter resolution, but
			// for the ones it refuses as well.
		})
	}
}

// TestLibseccompResolutionAgrees: on random filters in libseccomp's
// resolution, the compiled program agrees with Evaluate, and Evaluate with
// the tree of the call's rules walked directly.
func TestLibseccompResolutionAgrees(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 150
	}
	rng := rand.New(rand.NewPCG(3, 4))
	compiled, refused, calls := 0, 0, 0
	for range n {
		f := libseccompFilter(randFilter(rng))
		if f.Validate() != nil {
			refused++
			continue
		}
		k := 0
		ok := checkCompiled(t, f, func() (Data, bool) {
			k++
			d := randInput(rng, f)
			if k <= 100 {
				if want, ok := treeDecides(f, d); ok {
					calls++
					if got := f.Evaluate(d); got != want {
						t.Fatalf("%+v: Evaluate %v, the tree %v\nrules %+v", d, got, want, f.Rules())
					}
				}
			}
			return d, k <= 100
		})
		if ok {
			compiled++
		}
	}
	t.Logf("%d random filters: %d compiled and agreed, %d refused; %d calls checked against the tree", n, compiled, refused, calls)
	if compiled < n/3 {
		t.Fatalf("only %d of %d compiled", compiled, n)
	}
}

// treeDecides builds the tree of d's system call from f's rules and walks
// it; false when d is not a call of a covered arch.
func treeDecides(f *Filter, d Data) (Action, bool) {
	var a *Arch
	for _, b := range f.Arches() {
		if b.AuditArch == d.Arch && (d.Arch != AuditArchX86_64 || (uint32(d.Nr) >= X32SyscallBit) == (b == ArchX32)) {
			a = b
		}
	}
	if a == nil {
		return 0, false
	}
	w32 := !a.AuditArch.Is64Bit()
	tree := ruletree.New(w32)
	for _, r := range f.Rules() {
		if r.Arch != nil && r.Arch != a {
			continue
		}
		nr := r.Number
		known := true
		if r.Syscall != "" {
			nr, known = a.Syscall(r.Syscall)
		}
		// With multiplexing, libseccomp's rule for the multiplexer: arg0
		// == the call's number (compared as libseccomp compares arguments
		// on the arch), the conditions on arg0 dropped, the others kept.
		name := r.Syscall
		if name == "" {
			name, _ = a.SyscallName(r.Number)
		}
		mux, sub, muxed := a.table.MultiplexedBy(name)
		viaMux := f.multiplex && muxed && mux == d.Nr
		if !viaMux && (!known || nr != d.Nr) {
			continue
		}
		tr := ruletree.Rule{Action: uint32(r.Action)}
		if viaMux {
			tr.Conds = append(tr.Conds, ruletree.Cond{Arg: 0, Op: ruletree.EQ, Datum: uint64(sub), Narrow: a.WordSize() == 32})
		}
		for _, c := range r.Conds {
			if viaMux && c.Arg == 0 {
				continue
			}
			n := c.internal().Normalize(w32)
			tr.Conds = append(tr.Conds, ruletree.Cond{Arg: n.Arg, Op: libseccompOps[Op(n.Op)], Mask: n.Mask, Datum: n.Value, Narrow: n.Width32})
		}
		if err := tree.Add(tr); err != nil {
			return 0, false // Validate accepted the filter: not reached
		}
	}
	if act, ok := tree.Decide(&d.Args); ok {
		return Action(act), true
	}
	if f.enosys && uint32(d.Nr) > uint32(a.MaxSyscall()) {
		return enosysIn(a), true
	}
	if name, ok := a.SyscallName(d.Nr); ok && f.enosysAfter != (Release{}) {
		if since, _ := a.SyscallSince(name); f.enosysAfter.Before(since) {
			return enosysIn(a), true
		}
	}
	return f.DefaultAction(), true
}

// libseccompFilter returns f in libseccomp's resolution, with its rules
// made acceptable to libseccomp: one condition per argument, masked
// values within their masks.
func libseccompFilter(f *Filter) *Filter {
	g := NewFilter(f.DefaultAction(), f.Arches()...).SetBadArchAction(f.BadArchAction()).
		SetUnknownSyscallENOSYS(f.enosys).SetENOSYSAfter(f.enosysAfter).SetNrMinusOneDefault(f.minusOne).
		SetResolution(ResolveLibseccomp).SetMultiplexing(f.multiplex)
	g.hot = f.hot
	for _, r := range f.Rules() {
		var seen [6]bool
		var conds []Cond
		for _, c := range r.Conds {
			if c.Arg < 0 || c.Arg > 5 || seen[c.Arg] {
				continue
			}
			seen[c.Arg] = true
			if c.Op == OpMaskedEq {
				c.Value &= c.Mask
			}
			conds = append(conds, c)
		}
		r.Conds = conds
		g.Add(r)
	}
	return g
}

// TestPathConds: the conditions pathConds makes of a path's tests hold
// exactly when the tests pass, and it says a path no value takes is one.
func TestPathConds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	words := []uint32{0, 1, 2, 3, 0x7fffffff, 0xfffffffe, 0xffffffff}
	ops := []ruletree.Op{ruletree.EQ, ruletree.GT, ruletree.GE, ruletree.MaskedEQ}
	for range 20000 {
		var tests []ruletree.Test
		for range 1 + rng.IntN(4) {
			tt := ruletree.Test{Arg: rng.IntN(2), Hi: rng.IntN(2) == 0, Op: ops[rng.IntN(len(ops))],
				Mask: 0xffffffff, Datum: words[rng.IntN(len(words))], Holds: rng.IntN(2) == 0}
			if tt.Op == ruletree.MaskedEQ {
				tt.Mask = words[rng.IntN(len(words))]
				tt.Datum &= tt.Mask
			}
			tests = append(tests, tt)
		}
		path := ruletree.Path{Tests: tests}
		conds, ok := pathConds(tests)
		for range 200 {
			var args [6]uint64
			for a := range 2 {
				args[a] = uint64(words[rng.IntN(len(words))])<<32 | uint64(words[rng.IntN(len(words))])
				if rng.IntN(3) == 0 {
					args[a] += uint64(rng.IntN(3)) - 1
				}
			}
			want := path.Holds(&args)
			got := ok
			for _, c := range conds {
				got = got && c.internal().Holds(&args)
			}
			if got != want {
				t.Fatalf("tests %+v: conditions %v (ok %v) say %v for %#x, the tests %v", tests, conds, ok, got, args[:2], want)
			}
		}
	}
}
