package compiler

import (
	"math/rand/v2"
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
