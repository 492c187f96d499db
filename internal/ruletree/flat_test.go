package ruletree

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// randFlatRule returns a rule that is mostly flat (one == condition on
// argument 0, values from a small set so that they repeat, high words
// shared), sometimes on another argument or width, or of another shape.
func randFlatRule(rng *rand.Rand, index int) Rule {
	acts := []uint32{allow, errno(1), errno(2)}
	r := Rule{Action: acts[rng.IntN(len(acts))], Index: index}
	v := uint64(rng.IntN(40)) | uint64(rng.IntN(3))<<32
	c := Cond{Arg: 0, Op: EQ, Datum: v}
	switch rng.IntN(150) {
	case 0:
		c.Arg = 1
	case 1:
		c.Narrow = true
	case 2:
		return randRule(rng, index)
	case 3:
		return Rule{Action: r.Action, Index: index} // unconditional
	}
	r.Conds = []Cond{c}
	return r
}

// addAll adds the rules as a caller does: a refused rule is reported and
// the call replayed from the accepted ones.
func addAll(narrow bool, rules []Rule) (*Syscall, []error) {
	s := New(narrow)
	var accepted []Rule
	var errs []error
	for _, r := range rules {
		err := s.Add(r)
		errs = append(errs, err)
		if err != nil {
			s = Replay(narrow, 0, accepted)
			continue
		}
		accepted = append(accepted, r)
	}
	return s, errs
}

// TestFlatAgreesWithTree: a call of flat rules (and of rules that stop
// being flat) gives the same errors, paths, decisions, priority and export
// with the map as with the tree.
func TestFlatAgreesWithTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	flats := 0
	for i := range 3000 {
		narrow := i%4 == 0
		var rules []Rule
		for j := range 1 + rng.IntN(60) {
			rules = append(rules, randFlatRule(rng, j))
		}
		fast, errsFast := addAll(narrow, rules)
		flatOff = true
		tree, errsTree := addAll(narrow, rules)
		flatOff = false
		if fast.flat != nil {
			flats++
		}
		for k := range errsFast {
			if (errsFast[k] == nil) != (errsTree[k] == nil) || errsFast[k] != nil && !errors.Is(errsFast[k], errsTree[k]) {
				t.Fatalf("rule %d (%+v): %v with the map, %v with the tree", k, rules[k], errsFast[k], errsTree[k])
			}
		}
		if got, want := fast.Paths(), tree.Paths(); !reflect.DeepEqual(got, want) {
			t.Fatalf("paths differ:\n%+v\n%+v", got, want)
		}
		if fast.Priority() != tree.Priority() || fast.HasRule() != tree.HasRule() {
			t.Fatalf("priority %#x %v, tree %#x %v", fast.Priority(), fast.HasRule(), tree.Priority(), tree.HasRule())
		}
		var b1, b2 strings.Builder
		fast.WritePFC(&b1, 1, "write", 1, !narrow, func(a uint32) string { return "action\n" })
		tree.WritePFC(&b2, 1, "write", 1, !narrow, func(a uint32) string { return "action\n" })
		if b1.String() != b2.String() {
			t.Fatalf("PFC differs:\n%s\n%s", b1.String(), b2.String())
		}
		for range 40 {
			var args [6]uint64
			args[0] = uint64(rng.IntN(42)) | uint64(rng.IntN(4))<<32
			args[1] = uint64(rng.IntN(42))
			a1, ok1 := fast.Decide(&args)
			a2, ok2 := tree.Decide(&args)
			if a1 != a2 || ok1 != ok2 {
				t.Fatalf("%#x: %v %#x with the map, %v %#x with the tree", args, ok1, a1, ok2, a2)
			}
		}
		// Adding one more rule of any shape to each keeps them alike.
		extra := randRule(rng, 1000)
		e1, e2 := fast.Add(extra), tree.Add(extra)
		if (e1 == nil) != (e2 == nil) {
			t.Fatalf("extra rule %+v: %v, %v", extra, e1, e2)
		}
		if e1 == nil && !reflect.DeepEqual(fast.Paths(), tree.Paths()) {
			t.Fatalf("paths differ after the extra rule %+v", extra)
		}
	}
	if flats < 500 {
		t.Errorf("only %d calls stayed flat", flats)
	}
}

// BenchmarkFlat: 100,000 rules arg0 == k on one call, merged.
func BenchmarkFlat(b *testing.B) {
	for b.Loop() {
		s := New(false)
		for k := range 100000 {
			if err := s.Add(Rule{Action: allow, Index: k, Conds: []Cond{{Arg: 0, Op: EQ, Datum: uint64(k)}}}); err != nil {
				b.Fatal(err)
			}
		}
		if len(s.Paths()) != 100000 {
			b.Fatal("paths")
		}
	}
}
