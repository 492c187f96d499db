package analyze

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/seccomp-go/seccomp"
)

// From paths to decisions.
//
// Each path's atoms are first made canonical word by word: the least and
// greatest values the word can take replace the unmasked comparisons, and
// every atom the others imply (with the run's given conditions) is dropped.
// Then the two words of a 64-bit field are lifted, where they can be, into
// a set of 64-bit intervals (hi == 0 && lo < 3 is arg0 < 3) and 64-bit
// masks; what cannot be lifted stays a condition on a half (arg0.lo). Paths
// with the same action are then merged while two of them differ in one
// field only and the union of that field's conditions is again a condition
// of the same form: intervals unite, a mask and its negation cancel, and
// "a fails, or a holds and b fails" becomes "a and b do not both hold".
// Every step keeps the exact set of inputs.

type iv struct{ lo, hi uint64 }

// mcons is v & m == k, or v & m != k when neg, on a whole field.
type mcons struct {
	m, k uint64
	neg  bool
}

// fcons is what a conjunction says about one field: its value is in set,
// meets every mask condition, and its halves meet every residual atom.
type fcons struct {
	part  Part // WholeField, or LowHalf when set is on the low half only
	set   []iv
	masks []mcons
	words []atom
}

// conj is a conjunction of conditions on the input.
type conj struct {
	f     [numFields]*fcons // nil: no condition on the field
	comps []catom

	fk [numFields]string // keys of f
	ck string            // key of comps
}

func (c *conj) rekey() {
	for i, f := range c.f {
		c.fk[i] = f.key()
	}
	var b []byte
	for _, x := range c.comps {
		b = x.appendKey(b)
	}
	c.ck = string(b)
}

func fieldMax(f Field) uint64 {
	if f.Wide() {
		return 1<<64 - 1
	}
	return 0xffffffff
}

// partMax is the largest value of a part of field f.
func partMax(f Field, p Part) uint64 {
	if p == LowHalf {
		return 0xffffffff
	}
	return fieldMax(f)
}

func isFull(set []iv, f Field, p Part) bool {
	return len(set) == 1 && set[0].lo == 0 && set[0].hi == partMax(f, p)
}

// normalize returns nil for a field without conditions.
func (c *fcons) normalize(f Field) *fcons {
	if c == nil {
		return nil
	}
	if isFull(c.set, f, c.part) {
		c.part, c.set = WholeField, []iv{{0, fieldMax(f)}}
	}
	if isFull(c.set, f, WholeField) && len(c.masks) == 0 && len(c.words) == 0 {
		return nil
	}
	slices.SortFunc(c.masks, func(a, b mcons) int {
		switch {
		case a.m != b.m:
			return cmpU64(a.m, b.m)
		case a.k != b.k:
			return cmpU64(a.k, b.k)
		case a.neg != b.neg:
			if a.neg {
				return 1
			}
			return -1
		}
		return 0
	})
	c.masks = slices.Compact(c.masks)
	return c
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// unionSets returns the union of two sorted sets of disjoint, non-adjacent
// intervals, in the same form.
func unionSets(a, b []iv) []iv {
	all := append(append([]iv(nil), a...), b...)
	slices.SortFunc(all, func(x, y iv) int { return cmpU64(x.lo, y.lo) })
	var out []iv
	for _, x := range all {
		if n := len(out); n > 0 && (out[n-1].hi == 1<<64-1 || x.lo <= out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}

// minus returns set without the values lo..hi.
func minus(set []iv, lo, hi uint64) []iv {
	var out []iv
	for _, x := range set {
		if x.hi < lo || x.lo > hi {
			out = append(out, x)
			continue
		}
		if x.lo < lo {
			out = append(out, iv{x.lo, lo - 1})
		}
		if x.hi > hi {
			out = append(out, iv{hi + 1, x.hi})
		}
	}
	return out
}

// simplifier turns paths into decisions.
type simplifier struct {
	e     *engine
	given []atom
}

// canonWord returns the canonical atoms of one word: as on the word, with
// the given atoms g as context. ok is false when no value satisfies them.
func (s *simplifier) canonWord(as, g []atom) (out []atom, ok bool) {
	all := append(append([]atom(nil), g...), as...)
	var lo, hi uint32
	var a1, a2 answer
	s.e.limited(func() answer { lo, a1 = s.e.sol.search(all, false); return a1 })
	if a1 == unsat {
		return nil, false
	}
	s.e.limited(func() answer { hi, a2 = s.e.sol.search(all, true); return a2 })
	if a1 != sat || a2 != sat {
		return dedupe(as), true
	}
	w := as[0].w
	var cands []atom
	if lo == hi {
		cands = []atom{{w: w, m: 0xffffffff, op: opEq, k: lo}}
	} else {
		if lo > 0 {
			cands = append(cands, atom{w: w, m: 0xffffffff, op: opGt, k: lo - 1})
		}
		if hi < 0xffffffff {
			cands = append(cands, atom{w: w, m: 0xffffffff, op: opGt, k: hi, neg: true})
		}
		for _, a := range dedupe(as) {
			if !a.plain() || (a.op == opEq && a.neg) {
				cands = append(cands, a)
			}
		}
	}
	// Drop what the rest implies: the bounds first, so that the program's
	// own comparisons are kept where they say the same.
	keep := make([]bool, len(cands))
	for i := range keep {
		keep[i] = true
	}
	for i, c := range cands {
		ctx := append([]atom(nil), g...)
		for j, o := range cands {
			if j != i && keep[j] {
				ctx = append(ctx, o)
			}
		}
		if s.e.limited(func() answer {
			if s.e.sol.implies(ctx, c) {
				return unsat
			}
			return sat
		}) == unsat {
			keep[i] = false
		}
	}
	for i, c := range cands {
		if keep[i] {
			out = append(out, c)
		}
	}
	return out, true
}

func dedupe(as []atom) []atom {
	var out []atom
	for _, a := range as {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// wordInfo sorts the canonical atoms of one word.
type wordInfo struct {
	lo, hi   uint32 // from the unmasked comparisons
	bounds   []atom // those comparisons
	ne       []atom // unmasked !=
	masks    []atom // masked == and !=, bit tests
	residual []atom // masked <, >, ...
}

func infoOf(as []atom) wordInfo {
	wi := wordInfo{hi: 0xffffffff}
	for _, a := range as {
		switch {
		case a.plain() && a.op == opEq && !a.neg:
			wi.lo, wi.hi = max(wi.lo, a.k), min(wi.hi, a.k)
			wi.bounds = append(wi.bounds, a)
		case a.plain() && a.op == opEq:
			wi.ne = append(wi.ne, a)
		case a.plain() && a.op == opGt && !a.neg:
			wi.lo = max(wi.lo, a.k+1)
			wi.bounds = append(wi.bounds, a)
		case a.plain() && a.op == opGt:
			wi.hi = min(wi.hi, a.k)
			wi.bounds = append(wi.bounds, a)
		case a.op == opEq, a.op == opSet:
			wi.masks = append(wi.masks, a)
		default:
			wi.residual = append(wi.residual, a)
		}
	}
	return wi
}

func (wi *wordInfo) unbounded() bool { return wi.lo == 0 && wi.hi == 0xffffffff }

// maskOf lifts a masked atom of a half (shift 0 or 32) to a whole field.
func maskOf(a atom, shift uint) mcons {
	if a.op == opSet { // w & m != 0
		return mcons{m: uint64(a.m) << shift, neg: !a.neg}
	}
	return mcons{m: uint64(a.m) << shift, k: uint64(a.k) << shift, neg: a.neg}
}

// lift builds the conditions on field f from the canonical atoms of its
// words.
func lift(f Field, lo, hi []atom) *fcons {
	if len(lo) == 0 && len(hi) == 0 {
		return nil
	}
	c := &fcons{}
	L := infoOf(lo)
	for _, a := range L.masks {
		c.masks = append(c.masks, maskOf(a, 0))
	}
	c.words = append(c.words, L.residual...)
	if !f.Wide() {
		c.set = []iv{{uint64(L.lo), uint64(L.hi)}}
		for _, a := range L.ne {
			c.set = minus(c.set, uint64(a.k), uint64(a.k))
		}
		return c.normalize(f)
	}
	H := infoOf(hi)
	for _, a := range H.masks {
		c.masks = append(c.masks, maskOf(a, 32))
	}
	c.words = append(c.words, H.residual...)
	switch {
	case H.lo == H.hi:
		base := uint64(H.lo) << 32
		c.set = []iv{{base | uint64(L.lo), base | uint64(L.hi)}}
		for _, a := range L.ne {
			c.set = minus(c.set, base|uint64(a.k), base|uint64(a.k))
		}
		c.words = append(c.words, H.ne...)
	case L.unbounded() && len(L.ne) == 0:
		c.set = []iv{{uint64(H.lo) << 32, uint64(H.hi)<<32 | 0xffffffff}}
		for _, a := range H.ne {
			c.set = minus(c.set, uint64(a.k)<<32, uint64(a.k)<<32|0xffffffff)
		}
	case H.unbounded() && len(H.ne) == 0:
		// Conditions on the low half only: a set of low halves.
		c.part = LowHalf
		c.set = []iv{{uint64(L.lo), uint64(L.hi)}}
		for _, a := range L.ne {
			c.set = minus(c.set, uint64(a.k), uint64(a.k))
		}
	default:
		c.set = []iv{{0, fieldMax(f)}}
		c.words = append(c.words, H.bounds...)
		c.words = append(c.words, H.ne...)
		c.words = append(c.words, L.bounds...)
		c.words = append(c.words, L.ne...)
	}
	if len(c.set) == 0 {
		// Not reachable for canonical atoms (the solver found a value).
		c.set = []iv{{1, 0}}
	}
	return c.normalize(f)
}

// conjOf returns the conjunction of a path in lifted form, or false when
// no input satisfies it.
func (s *simplifier) conjOf(p *path) (*conj, bool) {
	var byWord [numWords][]atom
	for _, a := range p.atoms {
		byWord[a.w] = append(byWord[a.w], a)
	}
	var canon [numWords][]atom
	for w := range byWord {
		if len(byWord[w]) == 0 {
			continue
		}
		g := onWord(nil, s.given, word(w))
		out, ok := s.canonWord(byWord[w], g)
		if !ok {
			return nil, false
		}
		canon[w] = out
	}
	c := &conj{comps: p.comps}
	c.f[FieldNr] = lift(FieldNr, canon[0], nil)
	c.f[FieldArch] = lift(FieldArch, canon[1], nil)
	for f := FieldIP; f < numFields; f++ {
		lw := word(2 * (int(f) - 1))
		c.f[f] = lift(f, canon[lw], canon[lw+1])
	}
	c.rekey()
	return c, true
}

// keys of conditions, to find conjunctions that differ in one place.

func (c *fcons) key() string {
	if c == nil {
		return "*"
	}
	var b strings.Builder
	if c.part == LowHalf {
		b.WriteString("lo:")
	}
	for _, x := range c.set {
		fmt.Fprintf(&b, "%x-%x,", x.lo, x.hi)
	}
	b.WriteByte('|')
	for _, m := range c.masks {
		fmt.Fprintf(&b, "%x/%x/%t,", m.m, m.k, m.neg)
	}
	b.WriteByte('|')
	var buf []byte
	for _, a := range c.words {
		buf = a.appendKey(buf)
	}
	b.Write(buf)
	return b.String()
}

func (v val) appendKey(b []byte) []byte {
	switch v.kind {
	case vConst:
		b = append(b, 'c')
		return strconv.AppendUint(b, uint64(v.c), 16)
	case vWord:
		b = append(b, 'w')
		b = strconv.AppendUint(b, uint64(v.w), 16)
		b = append(b, '&')
		return strconv.AppendUint(b, uint64(v.m), 16)
	}
	b = append(b, 'e')
	return strconv.AppendUint(b, uint64(v.e.id), 16)
}

func (v val) key() string { return string(v.appendKey(nil)) }

func (c catom) appendKey(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(c.jop), 16)
	b = append(b, ':')
	b = c.a.appendKey(b)
	b = append(b, ':')
	b = c.b.appendKey(b)
	if c.neg {
		b = append(b, '!')
	}
	return append(b, ';')
}

func (c catom) key() string { return string(c.appendKey(nil)) }

func (a atom) appendKey(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(a.w), 16)
	b = append(b, '&')
	b = strconv.AppendUint(b, uint64(a.m), 16)
	b = append(b, byte('0'+a.op))
	b = strconv.AppendUint(b, uint64(a.k), 16)
	if a.neg {
		b = append(b, '!')
	}
	return append(b, ',')
}

// keyWithout is the key of every part of c but field skip (numFields
// skips nothing, numFields+1 skips the computed conditions).
func (c *conj) keyWithout(skip int) string {
	var b strings.Builder
	for f := range c.f {
		if f != skip {
			b.WriteString(c.fk[f])
		}
		b.WriteByte(';')
	}
	if skip != int(numFields)+1 {
		b.WriteString(c.ck)
	}
	return b.String()
}

func (c *conj) empty() bool {
	for _, f := range c.f {
		if f != nil {
			return false
		}
	}
	return len(c.comps) == 0
}

func sameAtoms(a, b []atom) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func sameMasks(a, b []mcons) bool { return slices.Equal(a, b) }

// unionField returns a condition on field f equivalent to "a or b", when
// there is one.
func unionField(f Field, a, b *fcons, chains bool) (*fcons, bool) {
	if a == nil || b == nil {
		return nil, true
	}
	if sameMasks(a.masks, b.masks) && sameAtoms(a.words, b.words) {
		var set []iv
		part := a.part
		switch {
		case isFull(a.set, f, a.part) || isFull(b.set, f, b.part):
			part, set = WholeField, []iv{{0, fieldMax(f)}}
		case a.part != b.part:
			return nil, false
		default:
			set = unionSets(a.set, b.set)
		}
		c := &fcons{part: part, set: set, masks: a.masks, words: a.words}
		return c.normalize(f), true
	}
	if a.part != b.part || !slices.Equal(a.set, b.set) || !sameAtoms(a.words, b.words) {
		return nil, false
	}
	onlyA, onlyB := maskDiff(a.masks, b.masks), maskDiff(b.masks, a.masks)
	common := maskCommon(a.masks, b.masks)
	// x or not x.
	if len(onlyA) == 1 && len(onlyB) == 1 && onlyA[0].m == onlyB[0].m && onlyA[0].k == onlyB[0].k && onlyA[0].neg != onlyB[0].neg {
		c := &fcons{part: a.part, set: a.set, masks: common, words: a.words}
		return c.normalize(f), true
	}
	// (x fails) or (x holds and y fails): x and y do not both hold.
	for _, sw := range [2]bool{false, true} {
		if !chains {
			break
		}
		p, q := onlyA, onlyB
		if sw {
			p, q = q, p
		}
		if len(p) != 1 || len(q) != 2 || !p[0].neg {
			continue
		}
		x, y := q[0], q[1]
		if x.neg {
			x, y = y, x
		}
		if x.neg || !y.neg || x.m != p[0].m || x.k != p[0].k || x.m&y.m != 0 {
			continue
		}
		c := &fcons{part: a.part, set: a.set, masks: append(common, mcons{m: x.m | y.m, k: x.k | y.k, neg: true}), words: a.words}
		return c.normalize(f), true
	}
	return nil, false
}

func maskDiff(a, b []mcons) []mcons {
	var out []mcons
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func maskCommon(a, b []mcons) []mcons {
	var out []mcons
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// unionComps merges conjunctions equal but for one computed condition,
// negated in one of them.
func unionComps(a, b []catom) ([]catom, bool) {
	if len(a) != len(b) {
		return nil, false
	}
	diff := -1
	for i := range a {
		if a[i].key() == b[i].key() {
			continue
		}
		if diff >= 0 || !a[i].sameTest(b[i]) || a[i].neg == b[i].neg {
			return nil, false
		}
		diff = i
	}
	if diff < 0 {
		return a, true
	}
	return slices.Delete(slices.Clone(a), diff, diff+1), true
}

// merge merges the conjunctions of one decision as far as it can: first
// with the unions that keep conditions apart, then also joining chains of
// masks (which could hide a later x-or-not-x).
func merge(cs []*conj) []*conj {
	cs = mergePass(cs, false)
	return mergePass(cs, true)
}

func mergePass(cs []*conj, chains bool) []*conj {
	for changed := true; changed && len(cs) > 1; {
		changed = false
		for skip := 0; skip <= int(numFields)+1 && len(cs) > 1; skip++ {
			buckets := map[string][]*conj{}
			var order []string
			for _, c := range cs {
				k := c.keyWithout(skip)
				if _, ok := buckets[k]; !ok {
					order = append(order, k)
				}
				buckets[k] = append(buckets[k], c)
			}
			var out []*conj
			for _, k := range order {
				b := buckets[k]
				switch {
				case len(b) == 1:
				case skip < int(numFields):
					var ch bool
					b, ch = mergeField(b, Field(skip), chains)
					changed = changed || ch
				case skip == int(numFields):
					b, changed = b[:1], true // identical
				default:
					b2, ch := mergeComps(b)
					b, changed = b2, changed || ch
				}
				out = append(out, b...)
			}
			cs = out
		}
	}
	return cs
}

// with returns a copy of c with field f set to fc.
func (c *conj) with(f Field, fc *fcons) *conj {
	n := *c
	n.f[f] = fc
	n.fk[f] = fc.key()
	return &n
}

// mergeField merges conjunctions that differ in field f only.
func mergeField(cs []*conj, f Field, chains bool) ([]*conj, bool) {
	for _, c := range cs {
		if c.f[f] == nil {
			return []*conj{c}, true // no condition on f: it covers the others
		}
	}
	changed := false
	// Unite the sets of those with the same masks and residual atoms.
	groups := map[string][]*conj{}
	var order []string
	for _, c := range cs {
		fc := c.f[f]
		var b []byte
		b = append(b, byte('0'+fc.part))
		for _, m := range fc.masks {
			b = strconv.AppendUint(b, m.m, 16)
			b = append(b, '/')
			b = strconv.AppendUint(b, m.k, 16)
			if m.neg {
				b = append(b, '!')
			}
			b = append(b, ',')
		}
		b = append(b, '|')
		for _, a := range fc.words {
			b = a.appendKey(b)
		}
		k := string(b)
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c)
	}
	var out []*conj
	for _, k := range order {
		g := groups[k]
		if len(g) == 1 {
			out = append(out, g[0])
			continue
		}
		var set []iv
		for _, c := range g {
			set = unionSets(set, c.f[f].set)
		}
		first := g[0].f[f]
		fc := (&fcons{part: first.part, set: set, masks: first.masks, words: first.words}).normalize(f)
		out = append(out, g[0].with(f, fc))
		changed = true
		if fc == nil {
			return []*conj{out[len(out)-1]}, true
		}
	}
	// x or not x: find the partner with one mask negated.
	index := map[string]int{}
	for i, c := range out {
		index[c.fk[f]] = i
	}
	dead := make([]bool, len(out))
	for i, c := range out {
		if dead[i] {
			continue
		}
		fc := c.f[f]
		for m := range fc.masks {
			alt := &fcons{part: fc.part, set: fc.set, masks: slices.Clone(fc.masks), words: fc.words}
			alt.masks[m].neg = !alt.masks[m].neg
			alt = alt.normalize(f)
			j, ok := index[alt.key()]
			if !ok || j == i || dead[j] || !sameAtoms(out[j].f[f].words, fc.words) {
				continue
			}
			rest := &fcons{part: fc.part, set: fc.set, masks: slices.Delete(slices.Clone(fc.masks), m, m+1), words: fc.words}
			out[i] = c.with(f, rest.normalize(f))
			dead[j] = true
			changed = true
			break
		}
	}
	if changed {
		var live []*conj
		for i, c := range out {
			if !dead[i] {
				live = append(live, c)
			}
		}
		return live, true
	}
	// Chains of masks, pairwise, on few conjunctions.
	if !chains || len(out) > 64 {
		return out, false
	}
	dead = make([]bool, len(out))
	for i := range out {
		for j := i + 1; j < len(out) && !dead[i]; j++ {
			if dead[j] {
				continue
			}
			if u, ok := unionField(f, out[i].f[f], out[j].f[f], true); ok {
				out[i] = out[i].with(f, u)
				dead[j] = true
				changed = true
			}
		}
	}
	var live []*conj
	for i, c := range out {
		if !dead[i] {
			live = append(live, c)
		}
	}
	return live, changed
}

// mergeComps merges conjunctions equal but for computed conditions.
func mergeComps(cs []*conj) ([]*conj, bool) {
	changed := false
	dead := make([]bool, len(cs))
	for i := range cs {
		for j := i + 1; j < len(cs) && !dead[i]; j++ {
			if dead[j] {
				continue
			}
			if u, ok := unionComps(cs[i].comps, cs[j].comps); ok {
				n := *cs[i]
				n.comps = u
				n.rekey()
				cs[i] = &n
				dead[j] = true
				changed = true
			}
		}
	}
	var live []*conj
	for i, c := range cs {
		if !dead[i] {
			live = append(live, c)
		}
	}
	return live, changed
}

// pointsToSplit is the most values a hole in a set may have to be printed
// as != conditions rather than as a range.
const pointsToSplit = 4

// maxSplit is the most alternatives one set is split into.
const maxSplit = 16

// condsOf prints a conjunction as conditions: one alternative, or one per
// interval of a field's values when that says it with fewer conditions
// (arg0 == 1 || arg0 == 2 rather than arg0 >= 1 && arg0 < 3).
func condsOf(c *conj) [][]Cond {
	alts := [][]Cond{nil}
	split := false
	for fi, fc := range c.f {
		if fc == nil {
			continue
		}
		f := Field(fi)
		var own [][]Cond
		whole := setConds(f, fc.part, fc.set)
		if pts := points(fc.set); !split && len(pts) > 1 {
			split = true
			for _, p := range pts {
				own = append(own, []Cond{{Field: f, Part: fc.part, Op: OpEq, Value: p}})
			}
		} else if !split && len(fc.set) > 1 && len(fc.set) <= maxSplit {
			var parts [][]Cond
			n := 0
			for _, x := range fc.set {
				p := setConds(f, fc.part, []iv{x})
				parts = append(parts, p)
				n += len(p)
			}
			if n <= len(whole) {
				split = true
				own = parts
			}
		}
		if own == nil {
			own = [][]Cond{whole}
		}
		rest := restConds(f, fc)
		var next [][]Cond
		for _, a := range alts {
			for _, o := range own {
				x := append(append(append([]Cond(nil), a...), o...), rest...)
				next = append(next, x)
			}
		}
		alts = next
	}
	for i := range c.comps {
		x := c.comps[i]
		for j := range alts {
			alts[j] = append(alts[j], Cond{comp: &x})
		}
	}
	return alts
}

// points returns the values of a set that is best printed as values: at
// most 8 of them, in intervals of one or two.
func points(set []iv) []uint64 {
	const maxPoints = 8
	var out []uint64
	for _, x := range set {
		if x.hi-x.lo > 1 {
			return nil
		}
		out = append(out, x.lo)
		if x.hi != x.lo {
			out = append(out, x.hi)
		}
		if len(out) > maxPoints {
			return nil
		}
	}
	return out
}

// setConds prints "value in set" as a conjunction: the bounds of its hull
// and the holes in it.
func setConds(f Field, part Part, set []iv) []Cond {
	if len(set) == 0 || isFull(set, f, part) {
		return nil
	}
	lo, hi := set[0].lo, set[len(set)-1].hi
	if lo == hi {
		return []Cond{{Field: f, Part: part, Op: OpEq, Value: lo}}
	}
	var out []Cond
	if lo > 0 {
		out = append(out, Cond{Field: f, Part: part, Op: OpGe, Value: lo})
	}
	if hi < partMax(f, part) {
		out = append(out, Cond{Field: f, Part: part, Op: OpLt, Value: hi + 1})
	}
	for i := 1; i < len(set); i++ {
		a, b := set[i-1].hi+1, set[i].lo-1
		if b-a < pointsToSplit {
			for v := a; ; v++ {
				out = append(out, Cond{Field: f, Part: part, Op: OpNe, Value: v})
				if v == b {
					break
				}
			}
		} else {
			out = append(out, Cond{Field: f, Part: part, Op: OpOut, Value: a, Value2: b})
		}
	}
	return out
}

// restConds prints the masks and residual atoms of a field.
func restConds(f Field, fc *fcons) []Cond {
	var out []Cond
	// Masked equalities combine into one.
	var em, ek uint64
	for _, m := range fc.masks {
		if !m.neg {
			em, ek = em|m.m, ek|m.k
		}
	}
	if em != 0 {
		out = append(out, maskCond(f, em, ek, false))
	}
	for _, m := range fc.masks {
		if m.neg {
			out = append(out, maskCond(f, m.m, m.k, true))
		}
	}
	for _, a := range fc.words {
		out = append(out, atomCond(a))
	}
	return out
}

func maskCond(f Field, m, k uint64, neg bool) Cond {
	op := OpEq
	if neg {
		op = OpNe
	}
	if m == fieldMax(f) {
		return Cond{Field: f, Op: op, Value: k}
	}
	return Cond{Field: f, Mask: m, Op: op, Value: k}
}

// atomCond prints an atom on a word.
func atomCond(a atom) Cond {
	c := Cond{Field: a.w.field(), Part: a.w.part(), Value: uint64(a.k)}
	if a.m != 0xffffffff {
		c.Mask = uint64(a.m)
	}
	switch a.op {
	case opEq:
		c.Op = OpEq
		if a.neg {
			c.Op = OpNe
		}
	case opGt:
		c.Op = OpGt
		if a.neg {
			c.Op = OpLe
		}
		if c.Mask == 0 { // prefer >= and <, as the intervals print
			if !a.neg {
				c.Op, c.Value = OpGe, uint64(a.k)+1
			} else if a.k < 0xffffffff {
				c.Op, c.Value = OpLt, uint64(a.k)+1
			}
		}
	case opSet:
		c.Mask, c.Value, c.Op = uint64(a.m), 0, OpNe
		if a.neg {
			c.Op = OpEq
		}
	}
	return c
}

// actKey identifies what a path returns.
func (p *path) actKey() string {
	if p.from != nil {
		return p.from.actKey() + ">" + p.to.actKey()
	}
	if p.retA != nil {
		return "A" + p.retA.key()
	}
	return fmt.Sprintf("K%08x", uint32(p.action))
}

// decisions turns the paths of one run into decisions. Runs with the same
// paths (and given conditions) share the work.
func (s *simplifier) decisions(paths []path) []Decision {
	var b []byte
	for _, a := range s.given {
		b = a.appendKey(b)
	}
	for i := range paths {
		p := &paths[i]
		b = append(b, '|')
		b = append(b, p.actKey()...)
		if p.noCache == "" {
			b = append(b, '+')
		}
		for _, a := range p.atoms {
			b = a.appendKey(b)
		}
		for _, c := range p.comps {
			b = c.appendKey(b)
		}
	}
	if ds, ok := s.e.memo[string(b)]; ok {
		return slices.Clone(ds)
	}
	ds, _ := s.compute(paths, true)
	s.e.memo[string(b)] = ds
	return slices.Clone(ds)
}

// compute returns the decisions of paths and a path of each. With
// otherwise, the decision to print as "otherwise" comes last.
func (s *simplifier) compute(paths []path, otherwise bool) ([]Decision, []*path) {
	type group struct {
		p     *path
		cs    []*conj
		cache bool
		n     int
	}
	var groups []*group
	byKey := map[string]*group{}
	for i := range paths {
		p := &paths[i]
		c, ok := s.conjOf(p)
		if !ok {
			continue
		}
		k := p.actKey()
		g := byKey[k]
		if g == nil {
			g = &group{p: p, cache: true}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.cs = append(g.cs, c)
		g.cache = g.cache && p.noCache == ""
		g.n++
	}
	out := make([]Decision, 0, len(groups))
	reps := make([]*path, 0, len(groups))
	for _, g := range groups {
		reps = append(reps, g.p)
		d := Decision{Action: g.p.action, ret: g.p.retA}
		if g.p.retA != nil {
			d.Action = 0
			d.Computed = g.p.retA.text()
			if strings.Contains(d.Computed, "…") {
				d.Computed = "(computed)"
			}
		}
		cs := merge(g.cs)
		for _, c := range cs {
			if c.empty() {
				d.When = nil
				break
			}
			d.When = append(d.When, condsOf(c)...)
		}
		d.Cacheable = g.cache && len(groups) == 1 && g.n == 1
		out = append(out, d)
	}
	if len(out) > 1 && otherwise {
		// The decision with the most conditions is the one to print as
		// "otherwise"; between equals the one with the most negative
		// conditions (!=, not in), then the strictest action.
		best := 0
		for i := range out {
			wi, wb := weight(&out[i]), weight(&out[best])
			ni, nb := negatives(&out[i]), negatives(&out[best])
			if wi > wb || wi == wb && (ni > nb || ni == nb && stricter(&out[i], &out[best])) {
				best = i
			}
		}
		d, p := out[best], reps[best]
		out = append(slices.Delete(out, best, best+1), d)
		reps = append(slices.Delete(reps, best, best+1), p)
		out[len(out)-1].Otherwise = true
	}
	return out, reps
}

func weight(d *Decision) int {
	n := 0
	for _, w := range d.When {
		n += len(w)
	}
	return n
}

func negatives(d *Decision) int {
	n := 0
	for _, w := range d.When {
		for _, c := range w {
			if c.Op == OpNe || c.Op == OpOut {
				n++
			}
		}
	}
	return n
}

func stricter(a, b *Decision) bool {
	if a.ret != nil || b.ret != nil {
		return false
	}
	return a.Action.Effective().Precedes(b.Action.Effective())
}

// Decision is what a filter does for a set of inputs: the action it
// returns, and the conditions under which it does.
type Decision struct {
	// Action is the value the program returns, as it returns it (data
	// bits the kernel ignores included).
	Action seccomp.Action
	// Computed, when not empty, is the expression of the input that the
	// program returns (RET A of a computed value); Action is then 0.
	Computed string
	// When lists alternatives: the decision is taken for the inputs on
	// which every condition of one alternative holds. Nil means always.
	When [][]Cond
	// Otherwise is set on the last of several decisions: the one taken
	// when no other is, so that its conditions need not be printed.
	Otherwise bool
	// Cacheable reports that the kernel's action cache (Linux 5.11) serves
	// the call: the decision is ALLOW for every input, reached only through
	// the instructions the cache's emulator follows.
	Cacheable bool

	ret *val
}

// Holds reports whether the decision is taken for d.
func (d *Decision) Holds(data *seccomp.Data) bool {
	if d.When == nil {
		return true
	}
	for _, w := range d.When {
		if All(w, data) {
			return true
		}
	}
	return false
}

// Value returns the action the decision returns for data: Action, or the
// computed value.
func (d *Decision) Value(data *seccomp.Data) seccomp.Action {
	if d.ret == nil {
		return d.Action
	}
	w := wordsOf(data)
	return seccomp.Action(d.ret.eval(&w, map[*node]uint32{}))
}

// ActionString prints the action as Action.RawString does (ALLOW,
// ERRNO(1), ALLOW|0x5 ...), or "(computed: EXPR)".
func (d *Decision) ActionString() string {
	if d.ret != nil {
		if d.Computed == "(computed)" {
			return d.Computed
		}
		return "(computed: " + d.Computed + ")"
	}
	return d.Action.RawString()
}

// String prints the decision on one line: "ALLOW", "ERRNO(1) when
// arg0 == 2 || arg0 == 3".
func (d Decision) String() string {
	if d.When == nil {
		return d.ActionString()
	}
	alts := make([]string, len(d.When))
	for i, w := range d.When {
		alts[i] = Join(w)
		if len(d.When) > 1 && len(w) > 1 {
			alts[i] = "(" + alts[i] + ")"
		}
	}
	return d.ActionString() + " when " + strings.Join(alts, " || ")
}
