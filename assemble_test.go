package seccomp

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/bpf"
)

func TestAssembleLabels(t *testing.T) {
	var s Source
	s.Add(bpf.LoadAbsolute{Off: OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, uint32(AuditArchX86_64), "kill", "")
	s.Add(bpf.LoadAbsolute{Off: OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpEqual, 1, "allow", "")
	s.JumpIf(bpf.JumpLessThan, 10, "errno", "kill")
	s.Label("allow")
	s.Add(bpf.RetConstant{Val: uint32(ActAllow)})
	s.Label("errno")
	s.Add(bpf.RetConstant{Val: uint32(Errno(1))})
	s.Label("kill")
	s.Add(bpf.RetConstant{Val: uint32(ActKillProcess)})
	assert.Equal(t, 8, s.Len())
	p, err := s.Assemble()
	require.NoError(t, err)
	// Independently written expected encoding.
	want := Program{
		{Op: 0x20, K: 4},
		{Op: 0x15, Jt: 0, Jf: 5, K: 0xc000003e}, // jne: jeq with swapped targets
		{Op: 0x20, K: 0},
		{Op: 0x15, Jt: 1, Jf: 0, K: 1},
		{Op: 0x35, Jt: 2, Jf: 1, K: 10}, // jlt: jge with swapped targets
		{Op: 0x06, K: 0x7fff0000},
		{Op: 0x06, K: 0x00050001},
		{Op: 0x06, K: 0x80000000},
	}
	assert.Equal(t, want, p)
	e := MustEmulator(p)
	assert.Equal(t, ActAllow, e.Action(Data{Arch: AuditArchX86_64, Nr: 1}))
	assert.Equal(t, Errno(1), e.Action(Data{Arch: AuditArchX86_64, Nr: 9}))
	assert.Equal(t, ActKillProcess, e.Action(Data{Arch: AuditArchX86_64, Nr: 10}))
	assert.Equal(t, ActKillProcess, e.Action(Data{Arch: AuditArchI386, Nr: 1}))
}

func TestAssembleErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func(s *Source)
		label string
		insn  int
	}{
		{"undefined", func(s *Source) { s.Jump("nowhere"); s.Add(bpf.RetA{}) }, "nowhere", 0},
		{"backward", func(s *Source) {
			s.Label("top")
			s.Add(bpf.RetA{})
			s.JumpIf(bpf.JumpEqual, 0, "top", "")
			s.Add(bpf.RetA{})
		}, "top", 1},
		{"to itself", func(s *Source) { s.Label("self"); s.Jump("self"); s.Add(bpf.RetA{}) }, "self", 0},
		{"duplicate", func(s *Source) { s.Label("x"); s.Add(bpf.RetA{}); s.Label("x"); s.Add(bpf.RetA{}) }, "x", -1},
		{"past the end", func(s *Source) { s.JumpIfX(bpf.JumpEqual, "", "end"); s.Add(bpf.RetA{}); s.Label("end") }, "end", 0},
		{"empty label", func(s *Source) { s.Label(""); s.Add(bpf.RetA{}) }, "", -1},
		{"numeric skip past the end", func(s *Source) { s.Add(bpf.Jump{Skip: 1}, bpf.RetA{}) }, "", 0},
		{"numeric cond skip past the end", func(s *Source) { s.Add(bpf.JumpIf{Cond: bpf.JumpEqual, SkipFalse: 2}, bpf.RetA{}) }, "", 0},
		{"unencodable instruction", func(s *Source) { s.Add(bpf.RetA{}, bpf.LoadAbsolute{Size: 3}) }, "", 1},
		{"unknown condition", func(s *Source) { s.JumpIf(bpf.JumpTest(99), 0, "", ""); s.Add(bpf.RetA{}) }, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Source
			tc.build(&s)
			_, err := s.Assemble()
			var ae *AssembleError
			require.True(t, errors.As(err, &ae), "got %v", err)
			assert.Equal(t, tc.label, ae.Label)
			assert.Equal(t, tc.insn, ae.Insn)
			if tc.label != "" {
				assert.Contains(t, err.Error(), `"`+tc.label+`"`)
			}
		})
	}
}

func TestAssembleNumericSkipsSurviveLongJumps(t *testing.T) {
	// A numeric skip written by hand keeps pointing at the same instruction
	// when a long jump is inserted between the jump and its target.
	var s Source
	s.Add(bpf.LoadAbsolute{Off: 0, Size: 4})
	s.Add(bpf.JumpIf{Cond: bpf.JumpEqual, Val: 7, SkipTrue: 2}) // -> "seven"
	s.JumpIf(bpf.JumpEqual, 8, "far", "")
	s.Add(bpf.Jump{Skip: 1})
	s.Add(bpf.RetConstant{Val: 7}) // seven
	for i := 0; i < 400; i++ {
		s.Add(bpf.RetConstant{Val: 1000 + uint32(i)})
	}
	s.Label("far")
	s.Add(bpf.RetConstant{Val: 8})
	p, err := s.Assemble()
	require.NoError(t, err)
	assert.Equal(t, s.Len()+1, len(p), "one long jump inserted")
	e := MustEmulator(p)
	assert.Equal(t, Action(7), e.Action(Data{Nr: 7}))
	assert.Equal(t, Action(8), e.Action(Data{Nr: 8}))
	assert.Equal(t, Action(1000), e.Action(Data{Nr: 9}))
}

func TestAssembleLongJumpShapes(t *testing.T) {
	for _, tc := range []struct {
		name         string
		t, f         string
		extra        int
		wantT, wantF Action
	}{
		{"true far", "far", "", 1, 2, 1},
		{"false far", "", "far", 1, 1, 2},
		{"both far, different", "far", "far2", 2, 2, 3},
		{"both far, same", "far", "far", 1, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Source
			s.Add(bpf.LoadAbsolute{Off: 0, Size: 4})
			s.JumpIf(bpf.JumpEqual, 1, tc.t, tc.f)
			s.Add(bpf.RetConstant{Val: 1})
			for i := 0; i < 300; i++ {
				s.Add(bpf.RetConstant{Val: 0xdead})
			}
			s.Label("far")
			s.Add(bpf.RetConstant{Val: 2})
			s.Label("far2")
			s.Add(bpf.RetConstant{Val: 3})
			p, err := s.Assemble()
			require.NoError(t, err)
			assert.Equal(t, s.Len()+tc.extra, len(p))
			require.NoError(t, Verify(p))
			e := MustEmulator(p)
			assert.Equal(t, tc.wantT, e.Action(Data{Nr: 1}))
			assert.Equal(t, tc.wantF, e.Action(Data{Nr: 0}))
		})
	}
}

// TestAssembleRandomLong builds random chains of conditional jumps to random
// labels far apart and checks the assembled program against a direct
// interpretation of the source.
func TestAssembleRandomLong(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 200; iter++ {
		nJumps := 1 + rng.IntN(300)
		nRets := 1 + rng.IntN(600)
		// Source: ld [0]; nJumps conditional jumps (jeq #i -> ret label);
		// filler rets; then labelled rets.
		type jmp struct {
			val uint32
			t   int // target ret index, -1 = next
			f   int
		}
		var jumps []jmp
		var s Source
		s.Add(bpf.LoadAbsolute{Off: 0, Size: 4})
		for i := 0; i < nJumps; i++ {
			j := jmp{val: uint32(rng.IntN(nJumps + 5)), t: rng.IntN(nRets), f: -1}
			if rng.IntN(3) == 0 {
				j.f = rng.IntN(nRets)
			}
			jumps = append(jumps, j)
			f := ""
			if j.f >= 0 {
				f = "r" + itoa(j.f)
			}
			s.JumpIf(bpf.JumpEqual, j.val, "r"+itoa(j.t), f)
		}
		s.Add(bpf.RetConstant{Val: 0xffff})
		for i := 0; i < nRets; i++ {
			s.Label("r" + itoa(i))
			s.Add(bpf.RetConstant{Val: uint32(i)})
		}
		p, err := s.Assemble()
		require.NoError(t, err)
		require.NoError(t, Verify(p), "iteration %d", iter)
		e := MustEmulator(p)
		for k := 0; k < 20; k++ {
			nr := uint32(rng.IntN(nJumps + 5))
			want := uint32(0xffff)
			for _, j := range jumps {
				if nr == j.val {
					want = uint32(j.t)
					break
				}
				if j.f >= 0 {
					want = uint32(j.f)
					break
				}
			}
			assert.Equal(t, Action(want), e.Action(Data{Nr: int32(nr)}), "iteration %d nr %d", iter, nr)
		}
	}
}

func TestAssembleMaxSize(t *testing.T) {
	// A program of the kernel's maximum length whose first instruction
	// jumps to its last assembles and verifies.
	var s Source
	s.Add(bpf.LoadAbsolute{Off: 0, Size: 4})
	s.JumpIf(bpf.JumpEqual, 1, "last", "")
	for s.Len() < MaxInstructions-2 {
		s.Add(bpf.RetConstant{Val: uint32(ActKillProcess)})
	}
	s.Label("last")
	s.Add(bpf.RetConstant{Val: uint32(ActAllow)})
	p, err := s.Assemble()
	require.NoError(t, err)
	assert.Equal(t, MaxInstructions, len(p))
	require.NoError(t, Verify(p))
	assert.Equal(t, ActAllow, MustEmulator(p).Action(Data{Nr: 1}))
}
