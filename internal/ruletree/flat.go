package ruletree

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A call whose rules are all "flat" (each a single == condition, on the
// same argument compared on the same width) has a tree of a known shape:
// on 64 bits, a level of comparisons of the high word, largest first, each
// with a level of comparisons of the low word, largest first; on 32 bits,
// one level of comparisons of the value. Every rule adds one value (two
// nodes, or one node when its high word is already there), repeats one
// (redundant with the same action, refused with ErrExist with another),
// and the values never overlap. Merging such rules one by one into the
// linked levels costs a walk of the level per rule, which makes many
// thousands of them quadratic (as in libseccomp); flat keeps their values
// in a map instead and gives the same paths, decisions, priority and
// export. The first rule of another shape replays the rules through the
// tree (flatOff turns this off, for the tests that compare both).

// flatOff makes every call use the tree: the tests compare both ways.
var flatOff = false

// flat is the state of a call whose rules have all been flat.
type flat struct {
	arg    int
	narrow bool
	vals   map[uint64]flatRule // by value (its low 32 bits when narrow)
	his    map[uint32]int      // how many values have each high word (64 bits)
	added  []Rule              // the rules added, in order, to replay
}

type flatRule struct {
	action uint32
	rule   int
}

// flatShape returns the argument and width of r's only condition when r is
// flat on an ABI that is 32-bit when narrowABI.
func flatShape(r Rule, narrowABI bool) (arg int, narrow, ok bool) {
	if len(r.Conds) != 1 || r.Conds[0].Op != EQ {
		return 0, false, false
	}
	c := r.Conds[0]
	return c.Arg, c.Narrow || narrowABI, true
}

// addFlat adds r, flat, to a call that is flat or has no rule yet, and
// reports false when it cannot (r's shape differs from the call's).
func (s *Syscall) addFlat(r Rule) (bool, error) {
	if flatOff {
		return false, nil
	}
	arg, narrow, ok := flatShape(r, s.Narrow)
	switch {
	case !ok:
		return false, nil
	case s.flat == nil && s.hasRule:
		return false, nil // the tree has rules already
	case s.flat == nil:
		s.flat = &flat{arg: arg, narrow: narrow, vals: map[uint64]flatRule{}, his: map[uint32]int{}}
	case s.flat.arg != arg || s.flat.narrow != narrow:
		return false, nil
	}
	f := s.flat
	key := r.Conds[0].Datum
	nodes := 2
	if narrow {
		key, nodes = uint64(lo(key)), 1
	}
	s.made += nodes
	if v, ok := f.vals[key]; ok {
		if v.action != r.Action {
			return true, ErrExist
		}
		f.added = append(f.added, r) // redundant: the tree keeps the first
		return true, nil
	}
	f.added = append(f.added, r)
	f.vals[key] = flatRule{r.Action, r.Index}
	s.nodes++
	if !narrow {
		if f.his[hi(key)] == 0 {
			s.nodes++
		}
		f.his[hi(key)]++
	}
	s.hasRule = true
	s.updatePriority()
	return true, nil
}

// unflatten turns a flat call into its tree, replaying its rules.
func (s *Syscall) unflatten() {
	f := s.flat
	if f == nil {
		return
	}
	*s = Syscall{Narrow: s.Narrow, priority: s.priority &^ chainMask}
	for _, r := range f.added {
		if err := s.addTree(r); err != nil {
			panic(fmt.Sprintf("ruletree: replaying an accepted rule failed: %v", err))
		}
	}
}

// flatKeys returns the values of a flat call in the order the tree tries
// them: by high word, then low word, the largest first.
func (f *flat) keys() []uint64 {
	keys := make([]uint64, 0, len(f.vals))
	for k := range f.vals {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b uint64) int { return cmp.Compare(b, a) })
	return keys
}

func (f *flat) paths() []Path {
	out := make([]Path, 0, len(f.vals))
	for _, k := range f.keys() {
		v := f.vals[k]
		low := Test{Arg: f.arg, Op: EQ, Mask: 0xffffffff, Datum: lo(k), Holds: true}
		if f.narrow {
			out = append(out, Path{Tests: []Test{low}, Action: v.action, Rule: v.rule})
			continue
		}
		high := Test{Arg: f.arg, Hi: true, Op: EQ, Mask: 0xffffffff, Datum: hi(k), Holds: true}
		out = append(out, Path{Tests: []Test{high, low}, Action: v.action, Rule: v.rule})
	}
	return out
}

func (f *flat) decide(args *[6]uint64) (uint32, bool) {
	k := args[f.arg]
	if f.narrow {
		k = uint64(lo(k))
	}
	v, ok := f.vals[k]
	return v.action, ok
}

func (f *flat) writePFC(b *strings.Builder, indent int, wide bool, action func(uint32) string) {
	name := func(isHi bool) string {
		switch {
		case !wide:
			return fmt.Sprintf("$a%d", f.arg)
		case isHi:
			return fmt.Sprintf("$a%d.hi32", f.arg)
		}
		return fmt.Sprintf("$a%d.lo32", f.arg)
	}
	keys := f.keys()
	for i, k := range keys {
		in := indent
		if !f.narrow {
			if i == 0 || hi(keys[i-1]) != hi(k) {
				pad(b, indent)
				fmt.Fprintf(b, "if (%s == %d)\n", name(true), hi(k))
			}
			in++
		}
		pad(b, in)
		fmt.Fprintf(b, "if (%s == %d)\n", name(false), lo(k))
		pad(b, in+1)
		b.WriteString(action(f.vals[k].action))
	}
}
