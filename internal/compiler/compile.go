package compiler

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strconv"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/asm"
	"github.com/seccomp-go/seccomp/internal/cond"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Compile returns the program of f as a Source, labels unresolved.
//
// The program checks the audit arch first, then dispatches on the syscall
// number with a search over ranges of numbers that share a decision. The
// search has the least longest path any search over those ranges could
// have, counting each range's own code, and within that bound decides the
// hot system calls first. The alternatives of one argument become one
// search over its values. System calls whose decision does not depend on
// arguments are decided without loading an argument, in the shape the
// kernel's action cache recognises. The output is deterministic: the same
// filter gives the same program.
func Compile(f *Filter) *asm.Source {
	c := &compiler{f: f, rets: map[uint32]string{}}
	calls := 0
	for _, p := range f.Arches {
		calls += len(p.Keys)
	}
	c.src.Grow(calls/2 + 64) // a little more than Docker's profile takes
	c.program()
	c.sweep()
	return &c.src
}

type compiler struct {
	f   *Filter
	src asm.Source
	n   int // label counter

	// Returns are shared within chunks of the program: a jump to a return
	// goes to the copy at the end of its chunk, so that it stays within the
	// 255 instructions a conditional jump reaches.
	rets       map[uint32]string // return label of each action in this chunk
	order      []uint32          // those actions, in the order first used
	chunkStart int               // instruction count where the chunk began
	chunkItem  int               // index in src.Items where the chunk began

	costs map[blockID]int // blockCost's answers

	pr    pruner // prune's buffers, kept from one block to the next
	cubes int    // searches after a jset of flags (see lowTest)
}

// chunkSize bounds how far a chunk's code may run before its returns are
// emitted, so that jumps to them need no long jump.
const chunkSize = 200

func (c *compiler) label(prefix string) string {
	c.n++
	return prefix + strconv.Itoa(c.n)
}

// ret returns the label of the chunk's shared return of action a.
func (c *compiler) ret(a uint32) string {
	if l, ok := c.rets[a]; ok {
		return l
	}
	l := c.label("ret")
	c.rets[a] = l
	c.order = append(c.order, a)
	return l
}

// flush emits the chunk's shared returns. It must be called where the code
// before does not fall through.
func (c *compiler) flush() {
	// Jumps to the chunk's returns are all in the chunk: its labels are
	// made there.
	used := make(map[string]bool, len(c.order))
	for _, it := range c.src.Items[c.chunkItem:] {
		if it.IsJump {
			used[it.JT], used[it.JF] = true, true
		}
	}
	for _, a := range c.order {
		if !used[c.rets[a]] {
			continue // e.g. conditions that turned out to always hold
		}
		c.src.Label(c.rets[a])
		c.src.Add(bpf.RetConstant{Val: uint32(a)})
	}
	c.rets, c.order = map[uint32]string{}, nil
	c.chunkStart = c.src.Len()
	c.chunkItem = len(c.src.Items)
}

// maybeFlush flushes when the chunk has grown long; same rule as flush.
func (c *compiler) maybeFlush() {
	if c.src.Len()-c.chunkStart > chunkSize {
		c.flush()
	}
}

func (c *compiler) program() {
	s := &c.src
	c.rets = map[uint32]string{}
	s.Add(bpf.LoadAbsolute{Off: offsetArch, Size: 4})
	// One entry per audit arch token; x86_64 and x32 share one.
	type group struct {
		token    uint32
		native   *Arch // numbers below x32SyscallBit (or all, off x86)
		x32      *Arch
		entryLbl string
	}
	var groups []*group
	find := func(t uint32) *group {
		for _, g := range groups {
			if g.token == t {
				return g
			}
		}
		g := &group{token: t, entryLbl: c.label("arch")}
		groups = append(groups, g)
		return g
	}
	for _, p := range c.f.Arches {
		g := find(p.Token)
		if p.X32 {
			g.x32 = p
		} else {
			g.native = p
		}
	}
	for _, g := range groups {
		s.JumpIf(bpf.JumpEqual, uint32(g.token), g.entryLbl, "")
	}
	s.Add(bpf.RetConstant{Val: c.f.BadArch})
	for _, g := range groups {
		s.Label(g.entryLbl)
		s.Add(bpf.LoadAbsolute{Off: offsetNr, Size: 4})
		ivs := c.groupIntervals(g.token, g.native, g.x32)
		pick, _ := c.layout(ivs)
		c.node(ivs, 0, len(ivs)-1, pick)
		c.maybeFlush()
	}
	c.flush()
}

// interval is a range of syscall numbers [lo, hi] with one decision: a
// constant action, or the argument block of system call lo.
type interval struct {
	lo, hi uint32
	action uint32
	block  bool
	plan   *Arch

	sub *subtree // or the search over them (x32's, see groupIntervals)

	// What the tree's shape is chosen by (see weigh and layout): the
	// longest path the interval's own code takes, its return included,
	// and how hot its numbers are (the sum of their SetHotSyscalls
	// frequencies, each divided by the largest).
	cost    int
	hot     float64
	demoted bool // x32's numbers next to x86_64's: may take x32Slack more
}

// effCost is the cost the layout bounds: clamped to maxCost (a call with
// thousands of rules cannot compile anyway, see MaxInstructions), less
// x32Slack when demoted.
func (iv *interval) effCost() int {
	e := min(iv.cost, maxCost)
	if iv.demoted {
		e -= x32Slack
	}
	return e
}

// weight is 2 to the power of effCost: what the interval weighs in the
// layout's estimate, so that long paths sit near the root. Past 2^60 it
// decides everything anyway.
func (iv *interval) weight() float64 { return math.Ldexp(1, min(iv.effCost(), 60)) }

// constant reports whether the interval's code is a return.
func (iv *interval) constant() bool { return !iv.block && iv.sub == nil }

// intervals collects the decisions of numbers in order, merging
// neighbours with the same constant action.
type intervals []interval

func (ivs *intervals) push(iv interval) {
	if n := len(*ivs); n > 0 {
		last := &(*ivs)[n-1]
		if iv.constant() && last.constant() && last.action == iv.action && last.hi+1 == iv.lo {
			last.hi = iv.hi
			return
		}
	}
	*ivs = append(*ivs, iv)
}

// groupIntervals returns the decisions of every number under one audit
// arch token: for AUDIT_ARCH_X86_64, the x86_64 numbers below
// X32SyscallBit and the x32 numbers from it on, each side a bad arch when
// the filter does not cover it, so that one tree decides both and x32
// costs x86_64 no extra comparison.
func (c *compiler) groupIntervals(token uint32, native, x32 *Arch) []interval {
	var ivs intervals
	if token != auditArchX86_64 {
		c.planIntervals(&ivs, native, 0, 0xffffffff)
		return c.weigh(ivs, native)
	}
	bad := func(lo, hi uint32) { ivs.push(interval{lo: lo, hi: hi, action: c.f.BadArch}) }
	if native == nil {
		bad(0, x32SyscallBit-1)
		c.planIntervals(&ivs, x32, x32SyscallBit, 0xffffffff)
		return c.weigh(ivs, x32)
	}
	c.planIntervals(&ivs, native, 0, x32SyscallBit-1)
	switch {
	case x32 != nil:
		// x32's numbers are laid out on their own and hang off x86_64's
		// tree as one interval, demoted: x32 is rare (most kernels turn
		// it off), so the tree serves x86_64 first.
		var sub intervals
		c.planIntervals(&sub, x32, x32SyscallBit, 0xffffffff)
		t := &subtree{ivs: c.weigh(sub, x32)}
		var height int
		t.pick, height = c.layout(t.ivs)
		ivs = append(ivs, interval{lo: x32SyscallBit, hi: 0xffffffff, sub: t, cost: height, demoted: true})
	case c.f.MinusOne && c.f.Default != c.f.BadArch:
		// x32 numbers are a bad arch, but for -1 (SetNrMinusOneDefault).
		bad(x32SyscallBit, 0xfffffffe)
		ivs.push(interval{lo: 0xffffffff, hi: 0xffffffff, action: c.f.Default})
	default:
		bad(x32SyscallBit, 0xffffffff)
	}
	return c.weigh(ivs, native)
}

// subtree is a part of a tree laid out on its own.
type subtree struct {
	ivs  []interval
	pick func(i, j int) int
}

// planIntervals appends the decisions of numbers lo..hi of p.
func (c *compiler) planIntervals(ivs *intervals, p *Arch, lo, hi uint32) {
	if cap(*ivs) == 0 {
		*ivs = make(intervals, 0, 2*len(p.Keys)+4)
	}
	// Gaps take the fallback: ENOSYS for the newer numbers in them, and
	// above the table.
	newer := p.Newer
	gap := func(from, to uint64) {
		if from > to {
			return
		}
		for len(newer) > 0 && uint64(uint32(newer[0])) < from {
			newer = newer[1:]
		}
		for len(newer) > 0 && uint64(uint32(newer[0])) <= to {
			n := uint64(uint32(newer[0]))
			newer = newer[1:]
			if n > from {
				ivs.push(interval{lo: uint32(from), hi: uint32(n - 1), action: c.fallback(p, uint32(from))})
			}
			ivs.push(interval{lo: uint32(n), hi: uint32(n), action: p.enosys()})
			if n == to {
				return
			}
			from = n + 1
		}
		max := uint64(p.Max)
		if c.f.ENOSYS && from <= max && to > max {
			ivs.push(interval{lo: uint32(from), hi: uint32(max), action: c.f.Default})
			from = max + 1
		}
		ivs.push(interval{lo: uint32(from), hi: uint32(to), action: c.fallback(p, uint32(from))})
	}
	next := uint64(lo)
	for _, nr := range p.Keys {
		u := uint32(nr)
		if u < lo || u > hi {
			continue
		}
		if uint64(u) > next {
			gap(next, uint64(u)-1)
		}
		if a, ok := c.constDecision(p, nr); ok {
			ivs.push(interval{lo: u, hi: u, action: a})
		} else {
			ivs.push(interval{lo: u, hi: u, block: true, plan: p})
		}
		next = uint64(u) + 1
	}
	gap(next, uint64(hi))
}

// fallback is what a call on plan p with number nr gets when no rule
// matches.
func (c *compiler) fallback(p *Arch, nr uint32) uint32 { return c.f.fallback(p, int32(nr)) }

// constDecision returns the action of system call nr on p when it does not
// depend on the arguments.
func (c *compiler) constDecision(p *Arch, nr int32) (uint32, bool) {
	rs := p.Calls[nr]
	first := 0 // rules are in the order they are tried
	if len(rs[first].Conds) == 0 {
		return rs[first].Action, true
	}
	return 0, false
}

// weigh sets what the layout needs of each interval: the longest path its
// own code takes (an x32 subtree's is set already), and the frequencies of
// p's hot system calls it holds.
func (c *compiler) weigh(ivs []interval, p *Arch) []interval {
	for i := range ivs {
		iv := &ivs[i]
		switch {
		case iv.block:
			iv.cost = c.blockCost(iv.plan, int32(iv.lo))
		case iv.sub == nil:
			iv.cost = 1
		}
	}
	if p == nil || p.X32 {
		return ivs
	}
	for _, h := range p.Hot { // in the order given: the same sums
		i, _ := slices.BinarySearchFunc(ivs, uint32(h.Nr), func(iv interval, nr uint32) int { return cmp.Compare(iv.hi, nr) })
		ivs[i].hot += h.Weight
	}
	return ivs
}

// node emits the search over intervals i..j of ivs, entered by falling
// through with the number in A, split where pick says. Its code never
// falls through at its end.
func (c *compiler) node(ivs []interval, i, j int, pick func(i, j int) int) {
	if i == j {
		if t := ivs[i].sub; t != nil {
			c.node(t.ivs, 0, len(t.ivs)-1, t.pick)
		} else if ivs[i].block {
			c.argBlock(ivs[i].plan, int32(ivs[i].lo))
		} else {
			c.src.Add(bpf.RetConstant{Val: uint32(ivs[i].action)})
		}
		return
	}
	k := pick(i, j)
	if k == jeqSplit {
		side, mid := ivs[i], ivs[i+1]
		if mid.block {
			c.src.JumpIf(bpf.JumpEqual, mid.lo, "", c.ret(side.action))
			c.argBlock(mid.plan, int32(mid.lo))
		} else {
			c.src.JumpIf(bpf.JumpEqual, mid.lo, c.ret(mid.action), c.ret(side.action))
		}
		return
	}
	constant := func(i, j int) bool { return i == j && ivs[i].constant() }
	var lt, rt string
	if constant(k, j) {
		rt = c.ret(ivs[k].action)
	} else {
		rt = c.label("ge")
	}
	if constant(i, k-1) {
		lt = c.ret(ivs[i].action)
	}
	c.src.JumpIf(bpf.JumpGreaterOrEqual, ivs[k].lo, rt, lt)
	if !constant(i, k-1) {
		c.node(ivs, i, k-1, pick)
		c.maybeFlush()
	}
	if !constant(k, j) {
		c.src.Label(rt)
		c.node(ivs, k, j, pick)
	}
}

// blockCost estimates the longest path through the argument block of
// system call nr on p, its return included.
func (c *compiler) blockCost(p *Arch, nr int32) int {
	if n, ok := c.costs[blockID{p, nr}]; ok {
		return n
	}
	tests, _ := c.blockTests(p, nr)
	n := 1
	for _, t := range tests {
		if t.rule != nil {
			// The conditions' code is straight: its length bounds any
			// path through it.
			scratch := compiler{f: c.f}
			scratch.conds(t.rule, uapi.LittleEndian(p.Order), "fail")
			n += scratch.src.Len()
			continue
		}
		spans := unionSpans(t.spans)
		d := 1 // the load of the low word
		if spans[len(spans)-1].hi <= 0xffffffff {
			d += lowDepth(spans)
		} else {
			d += searchDepth(lowSpans(spans, "", ""))
		}
		if !t.key.width32 {
			d += 2
		}
		n += d
	}
	if c.costs == nil {
		c.costs = map[blockID]int{}
	}
	c.costs[blockID{p, nr}] = n
	return n
}

type blockID struct {
	p  *Arch
	nr int32
}

// searchDepth returns the most comparisons search makes over vs (whose
// leaves, if any, count as none).
func searchDepth(vs []vspan) int {
	if len(vs) == 1 {
		return 0
	}
	if loneValue(vs) {
		return 1
	}
	mid := len(vs) / 2
	return 1 + max(searchDepth(vs[:mid]), searchDepth(vs[mid:]))
}

// argBlock emits the rules of system call nr on p, most important action
// first. Rules of one action are alternatives whose order does not matter:
// those that are a single comparison on the same argument are merged into
// one set of values, tested with one load of each half and a balanced
// search over the boundaries of the set (see set); the others are emitted
// one by one, each rule's conditions jumping to the next test when one
// fails.
func (c *compiler) argBlock(p *Arch, nr int32) {
	start, cubes := len(c.src.Items), c.cubes
	if c.emitBlock(p, nr) && c.cubes == cubes {
		// One search over the values of one argument: every part of it
		// is reached (the ranges it splits are never empty).
		return
	}
	c.prune(start)
}

// emitBlock emits the argument block of system call nr on p (see
// argBlock), and reports whether it is one test of a set of values.
func (c *compiler) emitBlock(p *Arch, nr int32) (oneSet bool) {
	le := uapi.LittleEndian(p.Order)
	all, final := c.blockTests(p, nr)
	var tests []*test
	for _, t := range all {
		if t.rule == nil {
			if t.spans = unionSpans(t.spans); len(t.spans) == 0 {
				continue // no value matches (Validate rejects such rules)
			}
		}
		tests = append(tests, t)
	}
	if len(tests) == 0 {
		c.src.Add(bpf.RetConstant{Val: final})
		return false
	}
	oneSet = len(tests) == 1 && tests[0].rule == nil
	for i, t := range tests {
		// When the test fails, try the next one; after the last, take the
		// shared return of the final action.
		var fail string
		if i == len(tests)-1 {
			fail = c.ret(final)
		} else {
			fail = c.label("next")
		}
		if t.rule == nil {
			spans := t.spans
			if spans[0].lo == 0 && spans[0].hi == t.key.max() {
				// Every value matches: the test decides, those after it cannot.
				c.src.Add(bpf.RetConstant{Val: t.action})
				return oneSet
			}
			c.set(t.key, spans, le, c.ret(t.action), fail)
		} else {
			before := len(c.src.Items)
			c.conds(t.rule, le, fail)
			if len(c.src.Items) == before {
				// The conditions always hold (say a masked compare that
				// cannot fail): the rule decides, the rules after it cannot.
				c.src.Add(bpf.RetConstant{Val: t.action})
				return false
			}
			// All conditions held: return the action, by jumping to its
			// shared return straight from the last comparison where possible.
			if c.src.FallsThroughLast() {
				c.src.RetargetFallthrough(c.ret(t.action))
			} else {
				c.src.Add(bpf.RetConstant{Val: t.action})
			}
		}
		if i < len(tests)-1 {
			c.src.Label(fail)
		}
	}
	return oneSet
}

// test is one test of an argument block: a set of values of one argument,
// or one rule's conditions.
type test struct {
	action uint32
	key    setKey
	spans  []span      // for a set
	rule   []cond.Cond // otherwise
}

// blockTests returns the tests of the argument block of system call nr on
// p in order, and the action when none passes.
func (c *compiler) blockTests(p *Arch, nr int32) ([]*test, uint32) {
	final := c.fallback(p, uint32(nr))
	var conditional []Rule
	for _, r := range p.Calls[nr] {
		if len(r.Conds) == 0 {
			final = r.Action // rules after it can never decide
			break
		}
		conditional = append(conditional, r)
	}
	var tests []*test
	for i := 0; i < len(conditional); {
		j := i
		for j < len(conditional) && conditional[j].Action == conditional[i].Action {
			j++
		}
		sets := map[setKey]*test{}
		var order []*test
		for _, r := range conditional[i:j] {
			if k, sp, ok := condSpans(r.Conds); ok {
				if t := sets[k]; t != nil {
					t.spans = append(t.spans, sp...)
					continue
				}
				t := &test{action: r.Action, key: k, spans: sp}
				sets[k] = t
				order = append(order, t)
				continue
			}
			order = append(order, &test{action: r.Action, rule: r.Conds})
		}
		tests = append(tests, order...)
		i = j
	}
	return tests, final
}

// setKey names the value an argument set is about: one argument, all 64
// bits or only the low 32.
type setKey struct {
	arg     int
	width32 bool
}

func (k setKey) max() uint64 {
	if k.width32 {
		return 0xffffffff
	}
	return 1<<64 - 1
}

// span is a range of values [lo, hi].
type span struct{ lo, hi uint64 }

// condSpans reports whether conds is a single comparison that holds on a
// union of ranges of one argument's value, and returns them.
func condSpans(conds []cond.Cond) (setKey, []span, bool) {
	if len(conds) != 1 {
		return setKey{}, nil, false
	}
	cd := conds[0]
	k := setKey{arg: cd.Arg, width32: cd.Width32}
	v, top := cd.Value, k.max()
	if v > top {
		return setKey{}, nil, false
	}
	var sp []span
	switch cd.Op {
	case cond.Eq:
		sp = []span{{v, v}}
	case cond.Ne:
		if v > 0 {
			sp = append(sp, span{0, v - 1})
		}
		if v < top {
			sp = append(sp, span{v + 1, top})
		}
	case cond.Lt:
		if v > 0 {
			sp = []span{{0, v - 1}}
		}
	case cond.Le:
		sp = []span{{0, v}}
	case cond.Gt:
		if v < top {
			sp = []span{{v + 1, top}}
		}
	case cond.Ge:
		sp = []span{{v, top}}
	default:
		return setKey{}, nil, false
	}
	return k, sp, true
}

// unionSpans returns the union of sp as sorted, disjoint, non-adjacent
// ranges.
func unionSpans(sp []span) []span {
	sp = slices.Clone(sp)
	slices.SortFunc(sp, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	var out []span
	for _, s := range sp {
		if n := len(out); n > 0 && (s.lo <= out[n-1].hi || s.lo == out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, s.hi)
			continue
		}
		out = append(out, s)
	}
	return out
}

// vspan is a range of 32-bit values [lo, hi] in a search: a jump to label
// to, or (when leaf is set) code that decides the values in it.
type vspan struct {
	lo, hi uint32
	to     string
	leaf   func()
}

// set emits a test of whether the argument of k is in spans (sorted,
// disjoint, not empty, not everything): jump to in or to out. For 64-bit
// arguments it searches over the high word first; each high word that is
// only partly in the set then searches over the low word.
func (c *compiler) set(k setKey, spans []span, le bool, in, out string) {
	loOff, hiOff := uapi.ArgHalves(k.arg, le)
	s := &c.src
	if k.width32 {
		c.lowTest(loOff, spans, in, out)
		return
	}
	// Split the set at high-word boundaries.
	var items []vspan
	var part []span // low-word ranges of the high word being built
	partHi := uint32(0)
	endPart := func() {
		if part == nil {
			return
		}
		low := part
		items = append(items, vspan{lo: partHi, hi: partHi, leaf: func() {
			c.lowTest(loOff, low, in, out)
		}})
		part = nil
	}
	push := func(lo, hi uint32, to string) {
		if n := len(items); n > 0 && items[n-1].leaf == nil && items[n-1].to == to && items[n-1].hi+1 == lo {
			items[n-1].hi = hi
			return
		}
		items = append(items, vspan{lo: lo, hi: hi, to: to})
	}
	addPart := func(h uint32, lo, hi uint32) {
		if part != nil && partHi != h {
			endPart()
		}
		if part == nil && len(items) > 0 {
			if last := items[len(items)-1].hi; last+1 < h {
				push(last+1, h-1, out)
			}
		} else if part == nil && h > 0 {
			push(0, h-1, out)
		}
		partHi = h
		part = append(part, span{uint64(lo), uint64(hi)})
	}
	full := func(lo, hi uint32) {
		endPart()
		if n := len(items); n > 0 && items[n-1].hi+1 < lo {
			push(items[n-1].hi+1, lo-1, out)
		} else if n == 0 && lo > 0 {
			push(0, lo-1, out)
		}
		push(lo, hi, in)
	}
	for _, sp := range spans {
		ah, al := uint32(sp.lo>>32), uint32(sp.lo)
		bh, bl := uint32(sp.hi>>32), uint32(sp.hi)
		if ah == bh {
			if al == 0 && bl == 0xffffffff {
				full(ah, ah)
			} else {
				addPart(ah, al, bl)
			}
			continue
		}
		first := ah
		if al != 0 {
			addPart(ah, al, 0xffffffff)
			first = ah + 1
		}
		last := bh
		if bl != 0xffffffff {
			last = bh - 1
		}
		if first <= last {
			full(first, last)
		}
		if bl != 0xffffffff {
			addPart(bh, 0, bl)
		}
	}
	endPart()
	if last := items[len(items)-1].hi; last != 0xffffffff {
		push(last+1, 0xffffffff, out)
	}
	s.Add(bpf.LoadAbsolute{Off: hiOff, Size: 4})
	c.search(items)
}

// lowSpans returns the 32-bit search that jumps to in for the values in
// spans (sorted, disjoint, within 0..0xffffffff) and to out for the others.
func lowSpans(spans []span, in, out string) []vspan {
	var vs []vspan
	next := uint64(0)
	for _, sp := range spans {
		if sp.lo > next {
			vs = append(vs, vspan{lo: uint32(next), hi: uint32(sp.lo - 1), to: out})
		}
		vs = append(vs, vspan{lo: uint32(sp.lo), hi: uint32(sp.hi), to: in})
		next = sp.hi + 1
	}
	if next <= 0xffffffff {
		vs = append(vs, vspan{lo: uint32(next), hi: 0xffffffff, to: out})
	}
	return vs
}

// loneValue reports whether vs is one value between two ranges that go
// to the same place, which one jeq decides.
func loneValue(vs []vspan) bool {
	return len(vs) == 3 && vs[1].lo == vs[1].hi && vs[0].leaf == nil && vs[2].leaf == nil && vs[0].to == vs[2].to
}

// lowTest loads the 32-bit word at off and jumps to in when it is in
// spans (sorted, disjoint, within 0..0xffffffff), to out when not. When
// spans hold every combination of some flag bits (flagCube), one jset
// decides those values before the search over the rest.
func (c *compiler) lowTest(off uint32, spans []span, in, out string) {
	c.src.Add(bpf.LoadAbsolute{Off: off, Size: 4})
	if m, rest, ok := flagCube(spans); ok {
		if len(rest) == 0 {
			c.src.JumpIf(bpf.JumpBitsSet, ^m, out, in)
			return
		}
		next := c.label("notflags")
		c.cubes++ // a search after a jset: parts of it may be left to values the jset took
		c.src.JumpIf(bpf.JumpBitsSet, ^m, next, in)
		c.src.Label(next)
		spans = rest
	}
	c.search(lowSpans(spans, in, out))
}

// lowDepth returns the most comparisons lowTest makes over spans.
func lowDepth(spans []span) int {
	if _, rest, ok := flagCube(spans); ok {
		if len(rest) == 0 {
			return 1
		}
		return 1 + searchDepth(lowSpans(rest, "", ""))
	}
	return searchDepth(lowSpans(spans, "", ""))
}

// flagCube looks in spans (sorted, disjoint, 32-bit) for every
// combination of a few flag bits m, zero included, when at least four of
// them are lone values of spans: a set like {0, 8, 0x20000, 0x20008} is
// "no bit outside 0x20008", one jset instead of a search over four
// values. It returns m and the spans without the lone values it covers.
func flagCube(spans []span) (m uint32, rest []span, ok bool) {
	var pts []uint32
	for _, sp := range spans {
		if sp.lo == sp.hi {
			pts = append(pts, uint32(sp.lo))
		}
	}
	in := func(v uint32) bool {
		_, found := slices.BinarySearchFunc(spans, uint64(v), func(sp span, v uint64) int {
			if sp.hi < v {
				return -1
			}
			if sp.lo > v {
				return 1
			}
			return 0
		})
		return found
	}
	// The points are left out one by one, the one with the most bits (the
	// largest of those) first, until the rest make a cube: in that order,
	// the rest after t of them are left out is a suffix, whose bits are
	// the OR of the suffix.
	slices.SortFunc(pts, func(a, b uint32) int {
		if c := cmp.Compare(bits.OnesCount32(b), bits.OnesCount32(a)); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})
	suffix := make([]uint32, len(pts)+1)
	for i := len(pts) - 1; i >= 0; i-- {
		suffix[i] = suffix[i+1] | pts[i]
	}
	for t := 0; len(pts)-t >= 4; t++ {
		m = suffix[t]
		if bits.OnesCount32(m) > maxCubeBits {
			continue
		}
		all := true
		// Every submask of m, m itself first, down to zero.
		for sub := m; ; sub = (sub - 1) & m {
			if !in(sub) {
				all = false
				break
			}
			if sub == 0 {
				break
			}
		}
		if all {
			for _, sp := range spans {
				if sp.lo != sp.hi || uint32(sp.lo)&^m != 0 {
					rest = append(rest, sp)
				}
			}
			return m, rest, true
		}
	}
	return 0, nil, false
}

// maxCubeBits bounds the flag bits flagCube looks at: the set must hold
// 2 to their power values.
const maxCubeBits = 8

// search emits a balanced binary search over vs, which cover 0..0xffffffff
// in order, entered with the value in A. Its code never falls through.
func (c *compiler) search(vs []vspan) {
	s := &c.src
	if len(vs) == 1 {
		if vs[0].leaf != nil {
			vs[0].leaf()
		} else {
			s.Jump(vs[0].to)
		}
		return
	}
	if loneValue(vs) {
		if vs[1].leaf == nil {
			s.JumpIf(bpf.JumpEqual, vs[1].lo, vs[1].to, vs[0].to)
			return
		}
		s.JumpIf(bpf.JumpNotEqual, vs[1].lo, vs[0].to, "")
		vs[1].leaf()
		return
	}
	mid := len(vs) / 2
	left, right := vs[:mid], vs[mid:]
	constant := func(part []vspan) bool { return len(part) == 1 && part[0].leaf == nil }
	var lt, rt string
	if constant(right) {
		rt = right[0].to
	} else {
		rt = c.label("sge")
	}
	if constant(left) {
		lt = left[0].to
	}
	s.JumpIf(bpf.JumpGreaterOrEqual, right[0].lo, rt, lt)
	if !constant(left) {
		c.search(left)
	}
	if !constant(right) {
		s.Label(rt)
		c.search(right)
	}
}

// word says which 32-bit word of seccomp_data A holds.
type word struct {
	valid bool
	off   uint32
}

// conds emits the conditions of one rule: fall through when all hold, jump
// to fail when one does not. Conditions on the same argument are kept
// together so each half is loaded once where possible.
func (c *compiler) conds(conds []cond.Cond, le bool, fail string) {
	s := &c.src
	var acc word
	load := func(off uint32) {
		if acc.valid && acc.off == off {
			return
		}
		s.Add(bpf.LoadAbsolute{Off: off, Size: 4})
		acc = word{valid: true, off: off}
	}
	ordered := make([]cond.Cond, len(conds))
	copy(ordered, conds)
	sortConds(ordered)
	for _, cd := range ordered {
		loOff, hiOff := uapi.ArgHalves(cd.Arg, le)
		vlo, vhi := uint32(cd.Value), uint32(cd.Value>>32)
		mlo, mhi := uint32(cd.Mask), uint32(cd.Mask>>32)
		if cd.Width32 {
			load(loOff)
			if c.cmp32(cd.Op, vlo, mlo, fail, "") {
				acc.valid = false
			}
			continue
		}
		switch cd.Op {
		case cond.Eq:
			load(hiOff)
			s.JumpIf(bpf.JumpNotEqual, vhi, fail, "")
			load(loOff)
			s.JumpIf(bpf.JumpNotEqual, vlo, fail, "")
		case cond.Ne:
			pass := c.label("pass")
			load(hiOff)
			s.JumpIf(bpf.JumpNotEqual, vhi, pass, "")
			load(loOff)
			s.JumpIf(bpf.JumpEqual, vlo, fail, "")
			s.Label(pass)
			acc.valid = false
		case cond.Gt, cond.Ge, cond.Lt, cond.Le:
			// Decide on the high words; only when they are equal do the low
			// words decide.
			pass := c.label("pass")
			above, below := pass, fail // where hi > vhi and hi < vhi lead
			if cd.Op == cond.Lt || cd.Op == cond.Le {
				above, below = fail, pass
			}
			load(hiOff)
			switch vhi {
			case 0:
				s.JumpIf(bpf.JumpNotEqual, 0, above, "")
			case 0xffffffff:
				s.JumpIf(bpf.JumpNotEqual, vhi, below, "")
			default:
				s.JumpIf(bpf.JumpGreaterThan, vhi, above, "")
				s.JumpIf(bpf.JumpNotEqual, vhi, below, "")
			}
			load(loOff)
			c.cmp32(cd.Op, vlo, 0, fail, "")
			s.Label(pass)
			acc.valid = false
		case cond.MaskedEq:
			if mhi != 0 {
				load(hiOff)
				if c.cmp32(cond.MaskedEq, vhi, mhi, fail, "") {
					acc.valid = false
				}
			}
			if mlo != 0 {
				load(loOff)
				if c.cmp32(cond.MaskedEq, vlo, mlo, fail, "") {
					acc.valid = false
				}
			}
		case cond.MaskedNe:
			switch {
			case mhi == 0 && vhi != 0:
				// The high half always differs: the condition always holds.
			case mlo == 0 && vlo != 0:
			case mhi == 0:
				load(loOff)
				if c.cmp32(cond.MaskedNe, vlo, mlo, fail, "") {
					acc.valid = false
				}
			case mlo == 0:
				load(hiOff)
				if c.cmp32(cond.MaskedNe, vhi, mhi, fail, "") {
					acc.valid = false
				}
			default:
				pass := c.label("pass")
				load(hiOff)
				c.cmp32(cond.MaskedNe, vhi, mhi, "", pass) // differs: holds
				load(loOff)
				c.cmp32(cond.MaskedNe, vlo, mlo, fail, "")
				s.Label(pass)
				acc.valid = false
			}
		}
	}
}

// cmp32 emits a 32-bit comparison of A with v (and mask m for the masked
// operators): jump to fail when the condition does not hold, else continue.
// For cond.MaskedNe with a non-empty pass label, jump to pass when it holds
// and continue when it does not. It reports whether it changed A.
func (c *compiler) cmp32(op cond.Op, v, m uint32, fail, pass string) bool {
	s := &c.src
	switch op {
	case cond.Eq:
		s.JumpIf(bpf.JumpNotEqual, v, fail, "")
	case cond.Ne:
		s.JumpIf(bpf.JumpEqual, v, fail, "")
	case cond.Lt:
		s.JumpIf(bpf.JumpGreaterOrEqual, v, fail, "")
	case cond.Le:
		s.JumpIf(bpf.JumpGreaterThan, v, fail, "")
	case cond.Gt:
		s.JumpIf(bpf.JumpLessOrEqual, v, fail, "")
	case cond.Ge:
		s.JumpIf(bpf.JumpLessThan, v, fail, "")
	case cond.MaskedEq, cond.MaskedNe:
		eq := op == cond.MaskedEq
		if pass != "" { // MaskedNe, jumping on success
			if v == 0 {
				s.JumpIf(bpf.JumpBitsSet, m, pass, "")
				return false
			}
			c.and(m)
			s.JumpIf(bpf.JumpNotEqual, v, pass, "")
			return m != 0xffffffff
		}
		if v == 0 {
			if eq {
				s.JumpIf(bpf.JumpBitsSet, m, fail, "")
			} else {
				s.JumpIf(bpf.JumpBitsNotSet, m, fail, "")
			}
			return false
		}
		c.and(m)
		if eq {
			s.JumpIf(bpf.JumpNotEqual, v, fail, "")
		} else {
			s.JumpIf(bpf.JumpEqual, v, fail, "")
		}
		return m != 0xffffffff
	}
	return false
}

func (c *compiler) and(m uint32) {
	if m != 0xffffffff {
		c.src.Add(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: m})
	}
}

// sortConds orders conditions by argument, 64-bit ones before 32-bit ones
// (a 64-bit condition ends with the low word loaded, which a following
// 32-bit condition can use), keeping the given order otherwise.
func sortConds(cs []cond.Cond) {
	key := func(c cond.Cond) int {
		k := c.Arg * 2
		if c.Width32 {
			k++
		}
		return k
	}
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && key(cs[j-1]) > key(cs[j]); j-- {
			cs[j-1], cs[j] = cs[j], cs[j-1]
		}
	}
}
