package seccomp

import (
	"errors"
	"math/rand/v2"
	"testing"
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
