package seccomp

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/seccomp-go/seccomp/internal/compiler"
	"github.com/seccomp-go/seccomp/internal/cond"
)

// TestFirstSubset: the lookup by sets of conditions finds the rule the scan
// of every rule before finds, with conditions repeated, in any order, and
// more than maxSubsetConds of them.
func TestFirstSubset(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pool := []cond.Cond{
		{Arg: 0, Op: cond.Eq, Value: 1}, {Arg: 0, Op: cond.Eq, Value: 2}, {Arg: 1, Op: cond.Lt, Value: 7},
		{Arg: 1, Op: cond.Lt, Value: 7, Width32: true}, {Arg: 2, Op: cond.MaskedEq, Mask: 3, Value: 1},
		{Arg: 3, Op: cond.Ne, Value: 0}, {Arg: 4, Op: cond.Ge, Value: 9}, {Arg: 5, Op: cond.Gt, Value: 1},
		{Arg: 5, Op: cond.Le, Value: 100}, {Arg: 2, Op: cond.MaskedNe, Mask: 4, Value: 0}, {Arg: 0, Op: cond.Eq, Value: 3},
	}
	for range 500 {
		var rs []compiler.Rule
		first := map[string]int{}
		for i := range 1 + rng.IntN(40) {
			var cs []cond.Cond
			for range rng.IntN(12) {
				cs = append(cs, pool[rng.IntN(len(pool))])
			}
			want := -1
			for j, q := range rs {
				if cond.Subset(q.Conds, cs) {
					want = j
					break
				}
			}
			if got := firstSubset(rs, cs, first); got != want {
				t.Fatalf("rule %d %v: firstSubset %d, the scan %d", i, cs, got, want)
			}
			if key, ok := condSetKey(cs); ok {
				if _, seen := first[key]; !seen {
					first[key] = i
				}
			}
			rs = append(rs, compiler.Rule{Index: i, Conds: cs})
		}
	}
}

// TestPlanShared: Validate, Lint, Evaluate and Compile share one plan,
// in any order, and a change to the filter plans it again.
func TestPlanShared(t *testing.T) {
	mk := func() *Filter {
		f := NewFilter(Errno(1), ArchX86_64)
		f.AddSyscalls(ActAllow, "read", "write")
		f.Add(Rule{Syscall: "openat", Action: ActAllow, Conds: []Cond{Arg(2).MaskedEq(3, 0)}})
		f.Add(Rule{Syscall: "openat", Action: ActAllow, Conds: []Cond{Arg(2).MaskedEq(3, 0), Arg(0).Eq(1)}}) // shadowed
		return f
	}
	fresh, err := mk().Compile()
	if err != nil {
		t.Fatal(err)
	}
	f := mk()
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	lint := f.Lint()
	if len(lint) != 1 {
		t.Fatalf("lint: %v", lint)
	}
	lint[0].Reason = "changed by the caller"
	if f.Lint()[0].Reason == "changed by the caller" {
		t.Error("a caller's change to a problem changed the filter's")
	}
	nr, _ := ArchX86_64.Syscall("read")
	if a := f.Evaluate(Data{Nr: nr, Arch: AuditArchX86_64}); a != ActAllow {
		t.Errorf("read: %v", a)
	}
	for range 2 {
		p, err := f.Compile()
		if err != nil || !slices.Equal(p, fresh) {
			t.Fatalf("compiled after Validate, Lint and Evaluate: %v (%v)", err, !slices.Equal(p, fresh))
		}
	}
	f.AddSyscalls(ActKillProcess, "read")
	if a := f.Evaluate(Data{Nr: nr, Arch: AuditArchX86_64}); a != ActKillProcess {
		t.Errorf("read after a change: %v", a)
	}
}
