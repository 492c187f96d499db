package compiler

import (
	"math"
	"sort"
	"sync"
)

// The shape of the search over system call numbers.
//
// A tree over the intervals of one audit arch token (see groupIntervals)
// is chosen in two steps. First the least possible longest path: the
// height of the best tree where each interval counts its own longest path
// (its cost; x32's intervals next to x86_64's count x32Slack less), found
// exactly by a dynamic programme over ranges of intervals. Then, among the
// trees that keep every interval within that bound, one that decides the
// hot system calls (SetHotSyscalls) in few comparisons: built top down,
// each range split where an estimate of the expected comparisons is least
// (the optimal alphabetic tree under a mix of hotness and cost weights)
// among the splits that keep both sides within the bound.
//
// So hot calls never cost any other call its bound on the longest path,
// and without hot calls the tree is the expected-comparisons tree under
// cost weights, within the least longest path.

// jeqSplit is what a tree's pick returns for three intervals that one jeq
// decides (see loneJeq).
const jeqSplit = -1

// loneJeq reports whether ivs is a lone number between two ranges with
// the same constant decision, which one jeq decides.
func loneJeq(ivs []interval) bool {
	return len(ivs) == 3 && ivs[1].lo == ivs[1].hi && ivs[0].constant() && ivs[2].constant() && ivs[0].action == ivs[2].action
}

// x32Slack is how many comparisons more than the bound an x32 interval
// may take in a tree shared with x86_64: x32 is rare (most kernels turn it
// off), so the tree serves x86_64 first.
const x32Slack = 3

// maxCost bounds the cost the layout counts for one interval.
const maxCost = 1 << 13

// MaxOptimalTree bounds the intervals the exact layout takes on: its time
// and memory grow with their square. Above it, each split balances the
// weight on both sides (split).
const MaxOptimalTree = 512

// hotShare is the part of the estimate's weight the hot calls take when
// there are any.
const hotShare = 0.75

// layoutPool keeps treeLayouts' buffers (tens of kilobytes each) from one
// compilation to the next.
var layoutPool = sync.Pool{New: func() any { return new(treeLayout) }}

// treeLayout holds what the choice of one tree's shape needs.
type treeLayout struct {
	ivs   []interval
	n     int
	eff   []int   // each interval's effCost, read often
	h     []int16 // h[i*n+j]: least longest path of a tree over i..j
	bound int     // h over all intervals

	// The estimate of one mix (optimal alphabetic tree costs).
	w     []float64 // prefix sums of the mix's weights
	est   []float64 // est[i*n+j]: expected comparisons below range i..j
	byEnd []float64 // byEnd[j*n+i] = est[i*n+j]
	root  []int16   // the split of the estimate's tree (Knuth's bound)
}

// layout chooses the shape of the search over the intervals, which cover
// a range of numbers in order: pick(i, j) is where the range of intervals
// i..j splits (the first interval of its right part, or jeqSplit), and
// height is the longest path through the tree.
func (c *compiler) layout(ivs []interval) (pick func(i, j int) int, height int) {
	var total, hot float64
	for _, iv := range ivs {
		total += iv.weight()
		hot += iv.hot
	}
	mix := func(w []float64, share float64) {
		for i, iv := range ivs {
			m := (1 - share) * iv.weight() / total
			if share > 0 {
				m += share * iv.hot / hot
			}
			w[i+1] = w[i] + m
		}
	}
	share := 0.0
	if hot > 0 {
		share = hotShare
	}
	n := len(ivs)
	if n > MaxOptimalTree {
		w := make([]float64, n+1)
		mix(w, share)
		pick = func(i, j int) int {
			if loneJeq(ivs[i : j+1]) {
				return jeqSplit
			}
			return i + split(w[i:j+2])
		}
		return pick, treeHeight(ivs, 0, n-1, pick)
	}
	l := layoutPool.Get().(*treeLayout)
	defer layoutPool.Put(l)
	l.reset(ivs)
	mix(l.w, share)
	l.estimate()
	picks := make(map[int]int, n)
	l.build(picks, 0, n-1, 0)
	pick = func(i, j int) int { return picks[i*n+j] }
	return pick, treeHeight(ivs, 0, n-1, pick)
}

// treeHeight returns the longest path through the tree pick shapes over
// intervals i..j: its comparisons and the cost of the interval where it
// ends.
func treeHeight(ivs []interval, i, j int, pick func(i, j int) int) int {
	if i == j {
		return ivs[i].cost
	}
	k := pick(i, j)
	if k == jeqSplit {
		return 1 + max(ivs[i].cost, ivs[i+1].cost, ivs[i+2].cost)
	}
	return 1 + max(treeHeight(ivs, i, k-1, pick), treeHeight(ivs, k, j, pick))
}

// reset sets l up for ivs, reusing its buffers.
func (l *treeLayout) reset(ivs []interval) {
	n := len(ivs)
	grow := func(s []int16) []int16 {
		if cap(s) < n*n {
			return make([]int16, n*n)
		}
		return s[:n*n]
	}
	l.ivs, l.n = ivs, n
	l.h, l.root = grow(l.h), grow(l.root)
	if cap(l.est) < n*n {
		l.est, l.byEnd, l.w = make([]float64, n*n), make([]float64, n*n), make([]float64, n+1)
	}
	l.est, l.byEnd, l.w = l.est[:n*n], l.byEnd[:n*n], l.w[:n+1]
	l.eff = l.eff[:0]
	for _, iv := range ivs {
		l.eff = append(l.eff, iv.effCost()) // clamped: heights fit an int16
	}
	l.heights()
	l.bound = int(l.h[n-1])
}

// heights fills h: h(i,i) is the interval's own cost; a range's is one
// more than the larger of its two sides' at the best split, or one more
// than its intervals' costs where one jeq decides it. The left side's
// height only grows with the split and the right side's only shrinks, so
// the best split is where they cross.
func (l *treeLayout) heights() {
	n := l.n
	for i := range n {
		l.h[i*n+i] = int16(l.eff[i])
	}
	// By rows from the bottom, so that h(k,j) is known for k > i; along a
	// row the crossing only moves right.
	for i := n - 2; i >= 0; i-- {
		lo := i + 1 // the least k in i+1..j with h(i,k-1) >= h(k,j)
		for j := i + 1; j < n; j++ {
			for lo < j && l.h[i*n+lo-1] < l.h[lo*n+j] {
				lo++
			}
			best := max(l.h[i*n+lo-1], l.h[lo*n+j])
			if lo > i+1 {
				best = min(best, max(l.h[i*n+lo-2], l.h[(lo-1)*n+j]))
			}
			best++
			if j == i+2 && loneJeq(l.ivs[i:j+1]) {
				best = min(best, 1+int16(max(l.eff[i], l.eff[i+1], l.eff[i+2])))
			}
			l.h[i*n+j] = best
		}
	}
}

// estimate fills est and root for the weights w: the classic dynamic
// programme for optimal alphabetic search trees, with Knuth's bound on
// where the best split of a range lies, and one comparison for the ranges
// that loneJeq decides.
func (l *treeLayout) estimate() {
	n, w, est, byEnd, root := l.n, l.w, l.est, l.byEnd, l.root
	for i := range n {
		root[i*n+i], est[i*n+i], byEnd[i*n+i] = int16(i), 0, 0
	}
	// By rows from the bottom: est(k, j) and root(i+1, j) are known for
	// k > i, est(i, k-1) and root(i, j-1) earlier in the row.
	for i := n - 2; i >= 0; i-- {
		row, next := est[i*n:i*n+n], root[(i+1)*n:(i+1)*n+n]
		for j := i + 1; j < n; j++ {
			lo := max(int(root[i*n+j-1]), i+1)
			hi := min(int(next[j]), j)
			best, bestK := math.Inf(1), lo
			col := byEnd[j*n : j*n+n] // est(k, j) for every k
			for k := lo; k <= hi; k++ {
				if v := row[k-1] + col[k]; v < best {
					best, bestK = v, k
				}
			}
			weight := w[j+1] - w[i]
			best += weight
			if j == i+2 && loneJeq(l.ivs[i:j+1]) {
				best = min(best, weight)
			}
			row[j], byEnd[j*n+i], root[i*n+j] = best, best, int16(bestK)
		}
	}
}

// build chooses the splits of range i..j, whose tree starts at depth d
// (comparisons above it), into picks (key i*n+j), keeping every interval
// within the bound.
func (l *treeLayout) build(picks map[int]int, i, j, d int) {
	n := l.n
	if i == j {
		return
	}
	if j-i == 2 && loneJeq(l.ivs[i:j+1]) && 1+max(l.eff[i], l.eff[i+1], l.eff[i+2]) <= l.bound-d {
		picks[i*n+j] = jeqSplit
		return
	}
	// The feasible splits are a run: the left side's height grows with
	// k, the right side's shrinks. h(i, j) <= bound-d says it is not
	// empty.
	room := int16(l.bound - d - 1) // what each side may take below its split
	kmin := i + 1 + sort.Search(j-i, func(x int) bool { return l.h[(i+1+x)*n+j] <= room })
	kmax := i + sort.Search(j-i, func(x int) bool { return l.h[i*n+i+x] > room })
	if kmin > kmax {
		panic("seccomp: internal error: no split keeps the layout's bound")
	}
	best, bestEst := kmin, math.Inf(1)
	for k := kmin; k <= kmax; k++ {
		if e := l.est[i*n+k-1] + l.est[k*n+j]; e < bestEst {
			best, bestEst = k, e
		}
	}
	picks[i*n+j] = best
	l.build(picks, i, best-1, d+1)
	l.build(picks, best, j, d+1)
}

// split returns where a range of intervals whose weights have the prefix
// sums w splits when it is too big for the exact layout: between 1 and
// len(w)-2, where the weights on both sides are most even.
func split(w []float64) int {
	n := len(w) - 1
	best, bestW := 1, math.Inf(1)
	for k := 1; k < n; k++ {
		m := max(w[k]-w[0], w[n]-w[k])
		if m < bestW {
			best, bestW = k, m
		}
		if w[k]-w[0] >= w[n]-w[k] {
			break // the left side only grows from here
		}
	}
	return best
}
