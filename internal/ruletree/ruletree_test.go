package ruletree

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

const (
	kill     = 0x00000000
	allow    = 0x7fff0000
	errnoAct = 0x00050000
)

func errno(n uint32) uint32 { return errnoAct | n }

func add(t *testing.T, s *Syscall, act uint32, conds ...Cond) {
	t.Helper()
	if err := s.Add(Rule{Action: act, Conds: conds}); err != nil {
		t.Fatalf("Add(%#x, %v): %v", act, conds, err)
	}
}

func decideOr(s *Syscall, args [6]uint64, def uint32) uint32 {
	if a, ok := s.Decide(&args); ok {
		return a
	}
	return def
}

// TestA2Order is libseccomp's own test 43-sim-a2_order (tests/43-sim-a2_order.c
// and .tests): its rules and expected results, on a 64-bit and a 32-bit ABI.
func TestA2Order(t *testing.T) {
	for _, narrow := range []bool{false, true} {
		read, write := New(narrow), New(narrow)
		add(t, read, allow, Cond{Arg: 2, Op: LE, Datum: 64})
		for i, v := range []uint64{128, 256, 512, 1024, 2048, 4096, 8192, 16384} {
			add(t, read, errno(uint32(5+i)), Cond{Arg: 2, Op: GT, Datum: v})
		}
		add(t, write, allow, Cond{Arg: 2, Op: GE, Datum: 32768})
		for i, v := range []uint64{128, 256, 512, 1024, 2048, 4096, 8192, 16384} {
			add(t, write, errno(uint32(5+i)), Cond{Arg: 2, Op: LT, Datum: v})
		}
		for _, c := range []struct {
			s    *Syscall
			a2   uint64
			want uint32
		}{
			{read, 30, allow}, {read, 64, allow}, {read, 65, kill}, {read, 128, kill},
			{read, 129, errno(5)}, {read, 250, errno(5)}, {read, 256, errno(5)},
			{read, 257, errno(6)}, {read, 512, errno(6)}, {read, 513, errno(7)},
			{read, 1024, errno(7)}, {read, 1025, errno(8)}, {read, 2048, errno(8)},
			{read, 2049, errno(9)}, {read, 4096, errno(9)}, {read, 4097, errno(10)},
			{read, 8000, errno(10)}, // the example
			{read, 8192, errno(10)}, {read, 8193, errno(11)}, {read, 16384, errno(11)},
			{read, 16385, errno(12)},
			{write, 65, errno(5)}, {write, 128, errno(6)}, {write, 129, errno(6)},
			{write, 250, errno(6)}, {write, 256, errno(7)}, {write, 257, errno(7)},
			{write, 512, errno(8)}, {write, 513, errno(8)}, {write, 1024, errno(9)},
			{write, 1025, errno(9)}, {write, 2048, errno(10)}, {write, 2049, errno(10)},
			{write, 4096, errno(11)}, {write, 4097, errno(11)}, {write, 8192, errno(12)},
			{write, 8193, errno(12)}, {write, 16384, kill}, {write, 16385, kill},
			{write, 32768, allow},
		} {
			name := "read"
			if c.s == write {
				name = "write"
			}
			if got := decideOr(c.s, [6]uint64{4, 0x856B008, c.a2}, kill); got != c.want {
				t.Errorf("narrow=%v: %s(a2=%d) = %#x, want %#x", narrow, name, c.a2, got, c.want)
			}
		}
	}
}

// Test64BitComparisons is libseccomp's test 49-sim-64b_comparisons.
func Test64BitComparisons(t *testing.T) {
	s := New(false)
	add(t, s, allow, Cond{Arg: 0, Op: LT, Datum: 0x123456789abc})
	for _, c := range []struct {
		a0   uint64
		want uint32
	}{
		{0, allow}, {0x123000000000, allow}, {0x1230f0000000, allow}, {0x123400000000, allow},
		{0x123450000000, allow}, {0x123460000000, kill}, {0x1234f0000000, kill},
		{0x123500000000, kill}, {0x1235f0000000, kill}, {0x123600000000, kill},
	} {
		if got := decideOr(s, [6]uint64{c.a0}, kill); got != c.want {
			t.Errorf("a0=%#x: %#x, want %#x", c.a0, got, c.want)
		}
	}
}

// TestOverlaps pins what libseccomp 2.5.4 does with overlapping rules of
// one call (bench/overlap_test.go checks the same against libseccomp).
func TestOverlaps(t *testing.T) {
	eq := func(arg int, v uint64) Cond { return Cond{Arg: arg, Op: EQ, Datum: v} }
	e1 := errno(1)
	type rule struct {
		act   uint32
		conds []Cond
	}
	for _, tc := range []struct {
		name  string
		rules []rule
		err   error
		want  uint32 // for read(2, 3)
	}{
		{"shorter rule first: the longer one is dropped", []rule{{kill, []Cond{eq(0, 2)}}, {e1, []Cond{eq(0, 2), eq(1, 3)}}}, nil, kill},
		{"longer rule first: refused", []rule{{e1, []Cond{eq(0, 2), eq(1, 3)}}, {kill, []Cond{eq(0, 2)}}}, ErrExist, 0},
		{"disjoint arguments: the higher index decides", []rule{{kill, []Cond{eq(0, 2)}}, {e1, []Cond{eq(1, 3)}}}, nil, e1},
		{"disjoint arguments, other order: the same", []rule{{e1, []Cond{eq(1, 3)}}, {kill, []Cond{eq(0, 2)}}}, nil, e1},
		{"same conditions: refused", []rule{{e1, []Cond{eq(0, 2)}}, {kill, []Cond{eq(0, 2)}}}, ErrExist, 0},
		{"unconditional first: the rest is dropped", []rule{{allow, nil}, {kill, []Cond{eq(0, 2)}}}, nil, allow},
		{"unconditional last: replaces the rest", []rule{{kill, []Cond{eq(0, 2)}}, {allow, nil}}, nil, allow},
		{"same rule twice", []rule{{kill, []Cond{eq(0, 2)}}, {kill, []Cond{eq(0, 2)}}}, nil, kill},
		{"shorter rule with the same action replaces the longer", []rule{{kill, []Cond{eq(0, 2), eq(1, 3)}}, {kill, []Cond{eq(0, 2)}}}, nil, kill},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(false)
			var err error
			for _, r := range tc.rules {
				if err = s.Add(Rule{Action: r.act, Conds: r.conds}); err != nil {
					break
				}
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err == nil {
				if got := decideOr(s, [6]uint64{2, 3}, allow+1); got != tc.want {
					t.Errorf("read(2, 3) = %#x, want %#x", got, tc.want)
				}
			}
		})
	}
}

func TestCheck(t *testing.T) {
	for _, r := range []Rule{
		{Conds: []Cond{{Arg: 6, Op: EQ}}},
		{Conds: []Cond{{Arg: 0, Op: 0}}},
		{Conds: []Cond{{Arg: 0, Op: 9}}},
		{Conds: []Cond{{Arg: 1, Op: EQ}, {Arg: 1, Op: NE}}},
	} {
		if err := New(false).Add(r); !errors.Is(err, ErrInvalid) {
			t.Errorf("%v: %v, want ErrInvalid", r, err)
		}
	}
}

// TestMaskedNoOp: a masked == whose mask has no bits in the words compared
// is no comparison at all: the rule is unconditional.
func TestMaskedNoOp(t *testing.T) {
	s := New(true)
	add(t, s, errno(1), Cond{Arg: 0, Op: MaskedEQ, Mask: 0xff00000000, Datum: 5})
	if p := s.Paths(); len(p) != 1 || len(p[0].Tests) != 0 {
		t.Errorf("paths %+v, want one unconditional", p)
	}
	s = New(false)
	add(t, s, errno(1), Cond{Arg: 0, Op: MaskedEQ, Mask: 0xff00000000, Datum: 0x500000000})
	if got := decideOr(s, [6]uint64{0x500000000}, kill); got != errno(1) {
		t.Errorf("wide masked: %#x", got)
	}
	if got := decideOr(s, [6]uint64{0x600000000}, kill); got != kill {
		t.Errorf("wide masked, other value: %#x", got)
	}
	// The datum is masked: libseccomp compares arg & mask with datum & mask.
	s = New(false)
	add(t, s, errno(1), Cond{Arg: 0, Op: MaskedEQ, Mask: 0xff00, Datum: 1000})
	if got := decideOr(s, [6]uint64{1000 & 0xff00}, kill); got != errno(1) {
		t.Errorf("masked datum: %#x", got)
	}
}

var allowNarrow = true

var ops = []Op{NE, LT, LE, EQ, GE, GT, MaskedEQ, MaskedNE}

var edges = []uint64{0, 1, 2, 0xff, 0x100, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1<<63 + 7, 1<<64 - 1}

func randValue(rng *rand.Rand) uint64 {
	v := edges[rng.IntN(len(edges))]
	switch rng.IntN(4) {
	case 0:
		v++
	case 1:
		v--
	case 2:
		v = rng.Uint64()
	}
	return v
}

func randRule(rng *rand.Rand, index int) Rule {
	acts := []uint32{kill, allow, errno(1), errno(2), 0x7ffc0000}
	r := Rule{Action: acts[rng.IntN(len(acts))], Index: index}
	args := rng.Perm(3)[:rng.IntN(4)]
	for _, a := range args {
		c := Cond{Arg: a, Op: ops[rng.IntN(len(ops))], Datum: randValue(rng), Narrow: rng.IntN(5) == 0 && allowNarrow}
		if c.Op == MaskedEQ || c.Op == MaskedNE {
			c.Mask = randValue(rng)
		}
		r.Conds = append(r.Conds, c)
	}
	return r
}

// holds is what a condition means (on 64 or 32 bits).
func holds(c Cond, v uint64, narrow bool) bool {
	d, m := c.Datum, c.Mask
	if narrow || c.Narrow {
		v, d, m = v&0xffffffff, d&0xffffffff, m&0xffffffff
	}
	switch c.Op {
	case NE:
		return v != d
	case LT:
		return v < d
	case LE:
		return v <= d
	case EQ:
		return v == d
	case GE:
		return v >= d
	case GT:
		return v > d
	case MaskedEQ:
		return v&m == d&m
	case MaskedNE:
		return v&m != d&m
	}
	return false
}

// TestRandom checks, on random rule sets: the paths decide as the tree
// does; a single rule means what its conditions say; and Replay rebuilds
// the same tree. (Several rules need not mean the union of what they say:
// libseccomp's merge can reach one rule's continuation from another's
// branch. bench/compat_test.go compares the trees with libseccomp's.)
func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	trees, refused, loops := 0, 0, 0
	for i := range 4000 {
		narrow := i%3 == 0
		s := New(narrow)
		var rules []Rule
		for j := range 1 + rng.IntN(6) {
			r := randRule(rng, j)
			if err := s.Add(r); err != nil {
				if !errors.Is(err, ErrExist) && !errors.Is(err, ErrLoop) {
					t.Fatal(err)
				}
				if errors.Is(err, ErrLoop) {
					loops++
				} else {
					refused++
				}
				s = Replay(narrow, 0, rules)
				continue
			}
			rules = append(rules, r)
		}
		trees++
		paths := s.Paths()
		again := Replay(narrow, 0, rules)
		var b1, b2 strings.Builder
		s.WritePFC(&b1, 0, "x", 1, !narrow, func(a uint32) string { return "" })
		again.WritePFC(&b2, 0, "x", 1, !narrow, func(a uint32) string { return "" })
		if b1.String() != b2.String() {
			t.Fatalf("replay differs:\n%s\n%s", b1.String(), b2.String())
		}
		for range 50 {
			var args [6]uint64
			for k := range 3 {
				args[k] = randValue(rng)
				if len(rules) > 0 && rng.IntN(2) == 0 {
					r := rules[rng.IntN(len(rules))]
					for _, c := range r.Conds {
						if c.Arg == k {
							args[k] = c.Datum + uint64(rng.IntN(3)) - 1
						}
					}
				}
			}
			got, ok := s.Decide(&args)
			var viaPaths uint32
			found := false
			for _, p := range paths {
				if p.Holds(&args) {
					viaPaths, found = p.Action, true
					if p.Action != got {
						t.Fatalf("path of rule %d says %#x, tree %#x", p.Rule, p.Action, got)
					}
					break
				}
			}
			if found != ok || found && viaPaths != got {
				t.Fatalf("paths %v %#x, tree %v %#x", found, viaPaths, ok, got)
			}
			if len(rules) == 1 {
				want := true
				for _, c := range rules[0].Conds {
					want = want && holds(c, args[c.Arg], narrow)
				}
				if want != ok || ok && got != rules[0].Action {
					t.Fatalf("single rule %+v: tree %v %#x for %#x", rules[0], ok, got, args)
				}
			}
		}
	}
	t.Logf("%d trees, %d rules refused (EEXIST), %d that make libseccomp loop", trees, refused, loops)
}

// FuzzAdd: any sequence of rules is merged or refused, never loops or
// panics, and the tree's paths decide as the tree does.
func FuzzAdd(f *testing.F) {
	for seed := uint64(0); seed < 16; seed++ {
		f.Add(seed, seed%3 == 0)
	}
	f.Fuzz(func(t *testing.T, seed uint64, narrow bool) {
		rng := rand.New(rand.NewPCG(seed, 9))
		s := New(narrow)
		var rules []Rule
		for j := range 1 + rng.IntN(8) {
			r := randRule(rng, j)
			if err := s.Add(r); err != nil {
				if !errors.Is(err, ErrExist) && !errors.Is(err, ErrLoop) && !errors.Is(err, ErrInvalid) {
					t.Fatal(err)
				}
				s = Replay(narrow, 0, rules)
				continue
			}
			rules = append(rules, r)
		}
		paths := s.Paths()
		for range 20 {
			var args [6]uint64
			for k := range 3 {
				args[k] = randValue(rng)
			}
			got, ok := s.Decide(&args)
			found := false
			for _, p := range paths {
				if p.Holds(&args) {
					if p.Action != got || !ok {
						t.Fatalf("path %+v says %#x, the tree %v %#x", p, p.Action, ok, got)
					}
					found = true
					break
				}
			}
			if found != ok {
				t.Fatalf("no path for what the tree decides (%v %#x)", ok, got)
			}
		}
	})
}
