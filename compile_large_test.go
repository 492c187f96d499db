package seccomp

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/seccomp-go/seccomp/internal/compiler"
)

// TestCompileLargeFilter: every x86_64 syscall with two 64-bit conditions
// compiles within the kernel's limit and means what the rules say.
func TestCompileLargeFilter(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64)
	for i, name := range ArchX86_64.Syscalls() {
		f.Add(Rule{Syscall: name, Action: ActAllow, Conds: []Cond{Arg(0).Eq(uint64(i)), Arg(1).Eq(uint64(i) << 32)}})
	}
	rng := rand.New(rand.NewPCG(5, 5))
	if !checkCompiled(t, f, func() func() (Data, bool) {
		k := 0
		return func() (Data, bool) { k++; return randInput(rng, f), k <= 20000 }
	}()) {
		t.Fatal(f.Validate())
	}
	p, _ := f.Compile()
	t.Logf("%d rules, %d instructions", len(f.Rules()), len(p))
	// Three conditions each is more than the kernel takes: a clear error.
	g := NewFilter(Errno(1), ArchX86_64)
	for i, name := range ArchX86_64.Syscalls() {
		g.Add(Rule{Syscall: name, Action: ActAllow, Conds: []Cond{Arg(0).Eq(uint64(i)), Arg(1).Eq(1), Arg(2).Ne(uint64(i))}})
	}
	_, err := g.Compile()
	var ce *CompileError
	if !errors.As(err, &ce) || ce.Instructions <= MaxInstructions {
		t.Fatalf("want a *CompileError, got %v", err)
	}
}

// TestCompileManyIntervals: rules by number far beyond the table make more
// intervals than the exact layout takes (compiler.MaxOptimalTree), so the
// search is split by weight instead; it still means what the rules say. A call with
// thousands of rules makes an argument block too long for the layout's
// counters; the result is a clear *CompileError, not a panic.
func TestCompileManyIntervals(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64, ArchX32)
	acts := []Action{ActAllow, Errno(2), ActLog}
	for i := range 3 * compiler.MaxOptimalTree {
		f.Add(Rule{Arch: ArchX86_64, Number: int32(1000 + 2*i), Action: acts[i%3]})
	}
	f.Add(Rule{Syscall: "personality", Action: ActAllow, Conds: []Cond{Arg(0).Eq(8)}})
	p, err := f.Compile()
	if err != nil {
		t.Fatal(err)
	}
	e := MustEmulator(p)
	for nr := int32(-2); nr < 1000+6*compiler.MaxOptimalTree+4; nr++ {
		for _, arch := range []*Arch{ArchX86_64, ArchX32} {
			d := Data{Nr: nr, Arch: arch.AuditArch}
			if arch == ArchX32 {
				d.Nr |= X32SyscallBit
			}
			d.Args[0] = uint64(nr) & 15
			if got, want := e.Action(d), f.Evaluate(d); got != want {
				t.Fatalf("%+v: program %v, rules %v", d, got, want)
			}
		}
	}
	t.Logf("%d rules, %d instructions", len(f.Rules()), len(p))

	g := NewFilter(Errno(1), ArchX86_64)
	for i := range 3000 {
		g.Add(Rule{Syscall: "ioctl", Action: ActAllow, Conds: []Cond{Arg(1).Eq(uint64(i)), Arg(2).Ne(uint64(i)), Arg(0).Gt(uint64(i) << 33)}})
	}
	_, err = g.Compile()
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("want a *CompileError, got %v", err)
	}
}
