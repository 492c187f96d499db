package compiler

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seccomp-go/seccomp/internal/solve"
)

// randIntervals returns n intervals over consecutive numbers with random
// costs, constant actions that sometimes repeat (so that loneJeq applies),
// hotness on some and the last few demoted.
func randIntervals(rng *rand.Rand, n int) []interval {
	ivs := make([]interval, n)
	next := uint32(0)
	for i := range ivs {
		iv := &ivs[i]
		iv.lo = next
		if rng.IntN(2) == 0 {
			iv.hi = next // a lone number
		} else {
			iv.hi = next + uint32(rng.IntN(5))
		}
		next = iv.hi + 1
		iv.cost = 1
		switch rng.IntN(4) {
		case 0:
			iv.block, iv.cost = true, 2+rng.IntN(10)
		default:
			iv.action = uint32(rng.IntN(3))
			if i > 0 && ivs[i-1].constant() && ivs[i-1].action == iv.action {
				iv.action = (iv.action + 1) % 3 // push would have merged them
			}
		}
		if rng.IntN(3) == 0 {
			iv.hot = float64(1 + rng.IntN(10))
		}
	}
	if rng.IntN(3) == 0 {
		for i := max(0, n-1-rng.IntN(2)); i < n; i++ {
			ivs[i].demoted, ivs[i].hot = true, 0
		}
	}
	return ivs
}

// minHeight is the least longest path of any tree over ivs[i..j], by
// trying every split (and the one jeq where it applies).
func minHeight(ivs []interval, eff []int, i, j int) int {
	if i == j {
		return eff[i]
	}
	best := 1 << 30
	for k := i + 1; k <= j; k++ {
		best = min(best, 1+max(minHeight(ivs, eff, i, k-1), minHeight(ivs, eff, k, j)))
	}
	if j == i+2 && loneJeq(ivs[i:j+1]) {
		best = min(best, 1+max(eff[i], eff[i+1], eff[i+2]))
	}
	return best
}

// depths walks the tree pick shapes over ivs[i..j] and calls leaf for each
// interval with its depth.
func depths(t *testing.T, ivs []interval, i, j, d int, pick func(i, j int) int, leaf func(i, d int)) {
	if i == j {
		leaf(i, d)
		return
	}
	k := pick(i, j)
	if k == jeqSplit {
		require.True(t, loneJeq(ivs[i:j+1]), "jeq split of %d..%d, which one jeq cannot decide", i, j)
		for x := i; x <= j; x++ {
			leaf(x, d+1)
		}
		return
	}
	require.True(t, k > i && k <= j, "split %d of range %d..%d", k, i, j)
	depths(t, ivs, i, k-1, d+1, pick, leaf)
	depths(t, ivs, k, j, d+1, pick, leaf)
}

func TestLayoutHeightsAreLeast(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	for range 2000 {
		ivs := randIntervals(rng, 1+rng.IntN(8))
		l := new(treeLayout)
		l.reset(ivs)
		n := len(ivs)
		for i := range n {
			for j := i; j < n; j++ {
				require.Equal(t, minHeight(ivs, l.eff, i, j), int(l.h[i*n+j]), "range %d..%d of %+v", i, j, ivs)
			}
		}
	}
}

// TestLayoutKeepsBound: whatever the hot calls, every interval ends
// within the least longest path (x32's within x32Slack more), and hot
// calls are decided in no more comparisons, on the whole, than where
// nothing is hot.
func TestLayoutKeepsBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	c := &compiler{}
	worse := 0
	const runs = 500
	for range runs {
		ivs := randIntervals(rng, 1+rng.IntN(300))
		l := new(treeLayout)
		l.reset(ivs)
		pick, height := c.layout(ivs)
		hotCost := 0.0
		most := 0
		depths(t, ivs, 0, len(ivs)-1, 0, pick, func(i, d int) {
			require.LessOrEqual(t, d+l.eff[i], l.bound, "interval %d at depth %d", i, d)
			hotCost += float64(d) * ivs[i].hot
			most = max(most, d+ivs[i].cost)
		})
		assert.Equal(t, most, height, "height")
		cold := make([]interval, len(ivs))
		copy(cold, ivs)
		for i := range cold {
			cold[i].hot = 0
		}
		coldPick, _ := c.layout(cold)
		coldCost := 0.0
		depths(t, ivs, 0, len(ivs)-1, 0, coldPick, func(i, d int) { coldCost += float64(d) * ivs[i].hot })
		if hotCost > coldCost {
			worse++
		}
	}
	// The estimate is a heuristic under the bound: allow rare losses.
	assert.LessOrEqual(t, worse, runs/50, "hot calls cost more comparisons with their weights than without in %d of %d layouts", worse, runs)
}

func TestFlagCube(t *testing.T) {
	pts := func(vs ...uint64) []span {
		var s []span
		for _, v := range vs {
			s = append(s, span{v, v})
		}
		return s
	}
	for _, tc := range []struct {
		spans []span
		m     uint32
		rest  []span
		ok    bool
	}{
		// Docker's personality values: PER_LINUX, PER_LINUX32, UNAME26
		// and their union, and 0xffffffff (query).
		{pts(0, 8, 0x20000, 0x20008, 0xffffffff), 0x20008, pts(0xffffffff), true},
		{pts(0, 1, 2, 3), 3, nil, true},
		{pts(0, 1, 2, 3, 4, 5, 6, 7), 7, nil, true},
		{pts(0, 1, 2), 0, nil, false},                    // fewer than four values
		{pts(0, 1, 2, 4), 0, nil, false},                 // 3 and the others are missing
		{pts(1, 2, 3, 5), 0, nil, false},                 // no zero
		{[]span{{0, 3}, {8, 8}, {9, 11}}, 0, nil, false}, // lone 8 only
		// A range covering some combinations counts as holding them.
		{append([]span{{0, 1}}, pts(2, 3, 8, 9, 10, 11)...), 0xb, []span{{0, 1}}, true},
	} {
		m, rest, ok := flagCube(tc.spans)
		assert.Equal(t, tc.ok, ok, "%v", tc.spans)
		if ok {
			assert.Equal(t, tc.m, m, "%v", tc.spans)
			assert.Equal(t, tc.rest, rest, "%v", tc.spans)
		}
	}
}

// plainSat decides plain comparisons as the solver does.
func TestPlainSat(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	ks := []uint32{0, 1, 2, 3, 0xfffffffe, 0xffffffff}
	for range 20000 {
		var as []solve.Atom
		for range 1 + rng.IntN(5) {
			a := solve.Atom{M: 0xffffffff, Op: solve.Op(rng.IntN(2)), K: ks[rng.IntN(len(ks))], Neg: rng.IntN(2) == 0}
			if rng.IntN(3) == 0 {
				a.K = rng.Uint32()
			}
			as = append(as, a)
		}
		ok, plain := plainSat(as)
		require.True(t, plain)
		s := &solve.Solver{Budget: 1 << 20}
		require.Equal(t, s.Satisfiable(as) == solve.Sat, ok, "%+v", as)
	}
	_, plain := plainSat([]solve.Atom{{M: 0xff, Op: solve.OpEq}})
	require.False(t, plain)
}

// flagCubeQuadratic is flagCube as it was first written: it leaves out the
// point with the most bits (the largest of those) one at a time,
// recomputing the bits of the rest each time. flagCube must agree with it.
func flagCubeQuadratic(spans []span) (m uint32, rest []span, ok bool) {
	var pts []uint32
	for _, sp := range spans {
		if sp.lo == sp.hi {
			pts = append(pts, uint32(sp.lo))
		}
	}
	in := func(v uint32) bool {
		for _, sp := range spans {
			if sp.lo <= uint64(v) && uint64(v) <= sp.hi {
				return true
			}
		}
		return false
	}
	for len(pts) >= 4 {
		m = 0
		for _, p := range pts {
			m |= p
		}
		if bits.OnesCount32(m) <= maxCubeBits {
			all := true
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
		worst := 0
		for i, p := range pts {
			if bits.OnesCount32(p) > bits.OnesCount32(pts[worst]) || bits.OnesCount32(p) == bits.OnesCount32(pts[worst]) && p > pts[worst] {
				worst = i
			}
		}
		pts = slices.Delete(pts, worst, worst+1)
	}
	return 0, nil, false
}

// TestFlagCubeAgrees: the linearithmic flagCube finds what the first,
// quadratic one finds, on random sets of values and ranges.
func TestFlagCubeAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	cubes := 0
	for range 20000 {
		var vals []uint64
		bitsPool := []uint32{1, 2, 4, 8, 0x10, 0x800, 0x20000, 0x80000000}
		for range rng.IntN(40) {
			var v uint32
			for _, b := range bitsPool {
				if rng.IntN(3) == 0 {
					v |= b
				}
			}
			if rng.IntN(10) == 0 {
				v = rng.Uint32()
			}
			vals = append(vals, uint64(v))
		}
		if rng.IntN(2) == 0 {
			// Every combination of a few bits, maybe missing one.
			var m uint32
			for range 2 + rng.IntN(3) {
				m |= bitsPool[rng.IntN(len(bitsPool))]
			}
			skip := rng.IntN(40)
			k := 0
			for sub := m; ; sub = (sub - 1) & m {
				if k != skip {
					vals = append(vals, uint64(sub))
				}
				k++
				if sub == 0 {
					break
				}
			}
		}
		slices.Sort(vals)
		vals = slices.Compact(vals)
		var spans []span
		for _, v := range vals {
			if len(spans) > 0 && spans[len(spans)-1].hi+1 >= v {
				continue
			}
			hi := v
			if rng.IntN(8) == 0 {
				hi = v + uint64(rng.IntN(5))
			}
			spans = append(spans, span{v, hi})
		}
		// Disjoint and sorted.
		for i := 1; i < len(spans); i++ {
			if spans[i].lo <= spans[i-1].hi {
				spans = spans[:i]
				break
			}
		}
		m1, r1, ok1 := flagCube(spans)
		m2, r2, ok2 := flagCubeQuadratic(spans)
		if ok1 != ok2 || m1 != m2 || !slices.Equal(r1, r2) {
			t.Fatalf("%v: flagCube %#x %v %v, the first one %#x %v %v", spans, m1, r1, ok1, m2, r2, ok2)
		}
		if ok1 {
			cubes++
		}
	}
	if cubes < 500 {
		t.Errorf("only %d cubes found", cubes)
	}
}
