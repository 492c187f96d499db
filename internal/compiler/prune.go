package compiler

import (
	"encoding/binary"
	"slices"
	"strings"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/asm"
	"github.com/seccomp-go/seccomp/internal/opcode"
	"github.com/seccomp-go/seccomp/internal/solve"
)

// Code no input reaches.
//
// The tests of an argument block are emitted one after the other, each
// jumping to the next when it fails. What a test can still see is what the
// tests before it left: after "arg2 > 128" failed, "arg2 > 256" always
// fails too. Rules that can never decide are left out before (package
// seccomp's plan), but a rule that decides for some calls can still hold a
// comparison whose one branch no input takes there, and code that only
// that branch leads to.
//
// prune follows every path through a block, as a conjunction of the
// comparisons taken on the words of seccomp_data (decided exactly by
// package solve), and marks what no path reaches: items (Dead) and
// branches of jumps (NoTrue, NoFalse). sweep, when the whole program is
// written, removes the dead items, and the shared returns that only
// branches no input takes lead to, and points those branches where the
// jump's other branch goes; the assembler points a branch no input takes
// where the other goes rather than through a long jump no input reaches.

// Bounds of prune's work on one block: beyond them it marks nothing.
const (
	pruneStates = 1 << 12 // states of the paths followed
	pruneSolver = 1 << 16 // nodes of the solver
)

// accState is what A holds: a word of seccomp_data (its offset / 4) ANDed
// with a mask.
type accState struct {
	known bool
	w     uint8
	m     uint32
}

// pruner holds prune's buffers.
type pruner struct {
	labels  map[string]int
	seen    map[string]bool
	reached []bool
	stack   []pruneState
	key     []byte
	on      []solve.Atom
}

// pruneState is a point of a path through a block.
type pruneState struct {
	i     int // the item, relative to the block's start
	acc   accState
	atoms []solve.Atom // the comparisons taken
}

// prune marks what no input reaches in the block that starts at item
// start and runs to the end of the items (see above). Its code is entered
// at its first item; it never falls through its end.
func (c *compiler) prune(start int) {
	items := c.src.Items[start:]
	pr := &c.pr
	if pr.labels == nil {
		pr.labels, pr.seen = map[string]int{}, map[string]bool{}
	}
	clear(pr.labels)
	clear(pr.seen)
	labels, seen := pr.labels, pr.seen
	branches := false
	for i := range items {
		switch it := &items[i]; {
		case it.IsLabel():
			labels[it.Label] = i
		case it.IsJump && it.Op != opcode.Ja:
			branches = true
		}
	}
	if !branches {
		return // one path: every item on it is reached
	}
	n := len(items)
	pr.reached = append(pr.reached[:0], make([]bool, 3*n)...)
	reached, takenT, takenF := pr.reached[:n], pr.reached[n:2*n], pr.reached[2*n:]
	sol := &solve.Solver{Budget: pruneSolver}
	stack := append(pr.stack[:0], pruneState{i: 0})
	defer func() { pr.stack = stack[:0] }()
	key := pr.key[:0]
	defer func() { pr.key = key[:0] }()
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		// A state seen before leads where it led then.
		key = stateKey(key[:0], &st)
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		if len(seen) > pruneStates {
			return // too many: mark nothing
		}
		for st.i < len(items) {
			it := &items[st.i]
			if it.IsLabel() {
				st.i++
				continue
			}
			reached[st.i] = true
			if !it.IsJump {
				switch in := it.Insn.(type) {
				case bpf.LoadAbsolute:
					if in.Size != 4 {
						return
					}
					st.acc = accState{known: true, w: uint8(in.Off / 4), m: 0xffffffff}
				case bpf.ALUOpConstant:
					if in.Op != bpf.ALUOpAnd || !st.acc.known {
						return
					}
					st.acc.m &= in.Val
				case bpf.RetConstant:
					st.i = len(items) // the path ends
					continue
				default:
					return // not code the compiler writes: mark nothing
				}
				st.i++
				continue
			}
			ifTrue, ifFalse := it.Targets()
			if it.Op == opcode.Ja {
				next, ok := labels[ifTrue]
				if !ok {
					st.i = len(items) // out of the block: a shared return
					continue
				}
				st.i = next
				continue
			}
			if !st.acc.known || it.Op&opcode.SrcX != 0 {
				return
			}
			at, decided := solve.JumpAtom(it.Op, st.acc.w, st.acc.m, it.K)
			var follow [2]bool
			var on []solve.Atom // the comparisons taken on the word, if any
			if decided < 0 {
				on = solve.OnWord(pr.on[:0], st.atoms, st.acc.w)
				pr.on = on
			}
			for b, branch := range [2]solve.Atom{at, at.Not()} {
				switch {
				case decided >= 0:
					follow[b] = decided == 1-b // 1: always taken (b 0), 0: never
				case len(on) == 0 && branch.M == 0xffffffff:
					follow[b] = true // a plain comparison, alone, holds for some value and fails for another
				default:
					all := append(on[:len(on):len(on)], branch)
					if ok, plain := plainSat(all); plain {
						follow[b] = ok
					} else {
						follow[b] = sol.Satisfiable(all) != solve.Unsat
					}
				}
			}
			if sol.Budget <= 0 {
				return
			}
			targets := [2]string{ifTrue, ifFalse}
			for b := 1; b >= 0; b-- {
				if !follow[b] {
					continue
				}
				if b == 0 {
					takenT[st.i] = true
				} else {
					takenF[st.i] = true
				}
				next := st.i + 1
				if t := targets[b]; t != "" {
					var ok bool
					if next, ok = labels[t]; !ok {
						continue // a shared return
					}
				}
				ns := pruneState{i: next, acc: st.acc, atoms: st.atoms}
				if decided < 0 {
					branch := at
					if b == 1 {
						branch = at.Not()
					}
					ns.atoms = append(slices.Clip(st.atoms), branch)
					slices.SortFunc(ns.atoms, compareAtoms)
					ns.atoms = slices.Compact(ns.atoms)
				}
				stack = append(stack, ns)
			}
			st.i = len(items) // continued on the stack
		}
	}
	for i := range items {
		it := &items[i]
		if it.IsLabel() {
			continue
		}
		it.Dead = !reached[i]
		if it.IsJump && it.Op != opcode.Ja && reached[i] {
			it.NoTrue, it.NoFalse = !takenT[i], !takenF[i]
		}
	}
}

// plainSat decides atoms on one word that are all plain comparisons (==,
// !=, >, <=; see solve.Atom.Plain), what the searches over values test,
// without the solver: the values they allow are a range less some points.
// plain is false when an atom is not plain.
func plainSat(as []solve.Atom) (ok, plain bool) {
	lo, hi := uint64(0), uint64(0xffffffff)
	for _, a := range as {
		if !a.Plain() {
			return false, false
		}
		k := uint64(a.K)
		switch {
		case a.Op == solve.OpEq && !a.Neg:
			lo, hi = max(lo, k), min(hi, k)
		case a.Op == solve.OpGt && !a.Neg:
			lo = max(lo, k+1)
		case a.Op == solve.OpGt:
			hi = min(hi, k)
		}
	}
	if lo > hi {
		return false, true
	}
	// The values lo..hi that no != excludes: more than the points
	// excluded, or one of them not excluded.
	n := uint64(0)
	for i, a := range as {
		if a.Op != solve.OpEq || !a.Neg || uint64(a.K) < lo || uint64(a.K) > hi {
			continue
		}
		dup := false
		for _, b := range as[:i] {
			dup = dup || b.Op == solve.OpEq && b.Neg && b.K == a.K
		}
		if !dup {
			n++
		}
	}
	return n <= hi-lo, true
}

// stateKey appends the encoding of st to b.
func stateKey(b []byte, st *pruneState) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(st.i))
	if st.acc.known {
		b = append(b, 1, st.acc.w)
		b = binary.LittleEndian.AppendUint32(b, st.acc.m)
	}
	for _, a := range st.atoms {
		neg := byte(0)
		if a.Neg {
			neg = 1
		}
		b = append(b, a.W, byte(a.Op), neg)
		b = binary.LittleEndian.AppendUint32(b, a.M)
		b = binary.LittleEndian.AppendUint32(b, a.K)
	}
	return b
}

func compareAtoms(a, b solve.Atom) int {
	switch {
	case a.W != b.W:
		return int(a.W) - int(b.W)
	case a.Op != b.Op:
		return int(a.Op) - int(b.Op)
	case a.M != b.M:
		return cmpU32(a.M, b.M)
	case a.K != b.K:
		return cmpU32(a.K, b.K)
	case a.Neg != b.Neg:
		if a.Neg {
			return 1
		}
		return -1
	}
	return 0
}

func cmpU32(a, b uint32) int {
	if a < b {
		return -1
	}
	return 1
}

// sweep removes what prune found no input reaches, once the whole program
// is written: dead items, the shared returns that only branches no input
// takes lead to, and the labels of neither; a branch no input takes that
// led to removed code goes where the jump's other branch goes, and a jump
// whose branches then go to the same place becomes a JA, or nothing when
// that is the next instruction.
func (c *compiler) sweep() {
	items := c.src.Items
	any := false
	for i := range items {
		if items[i].Dead || items[i].NoTrue || items[i].NoFalse {
			any = true
			break
		}
	}
	if !any {
		return
	}
	// The labels branches some input takes lead to.
	live := map[string]bool{}
	for i := range items {
		it := &items[i]
		if !it.IsJump || it.Dead {
			continue
		}
		ifTrue, ifFalse := it.Targets()
		if it.Op == opcode.Ja || !it.NoTrue {
			live[ifTrue] = true
		}
		if it.Op != opcode.Ja && !it.NoFalse {
			live[ifFalse] = true
		}
	}
	// A shared return that no live branch leads to is dead: it follows
	// code that does not fall through.
	for i := 1; i < len(items); i++ {
		if _, ok := items[i].Insn.(bpf.RetConstant); ok && items[i-1].IsLabel() && strings.HasPrefix(items[i-1].Label, "ret") && !live[items[i-1].Label] {
			items[i].Dead = true
		}
	}
	// Labels whose instruction is dead.
	gone := map[string]bool{}
	for i := range items {
		if !items[i].IsLabel() {
			continue
		}
		j := i
		for j < len(items) && items[j].IsLabel() {
			j++
		}
		if j < len(items) && items[j].Dead {
			gone[items[i].Label] = true
		}
	}
	out := items[:0]
	for _, it := range items {
		switch {
		case it.Dead:
			continue
		case it.IsLabel() && gone[it.Label]:
			continue
		case it.IsJump && it.Op != opcode.Ja:
			ifTrue, ifFalse := it.Targets()
			retargeted := false
			if it.NoTrue && gone[ifTrue] {
				ifTrue, retargeted = ifFalse, true
			}
			if it.NoFalse && gone[ifFalse] {
				ifFalse, retargeted = ifTrue, true
			}
			if retargeted && ifTrue == ifFalse {
				if ifTrue == "" {
					continue // a jump to the next instruction either way
				}
				it = asm.Item{IsJump: true, Op: opcode.Ja, JT: ifTrue}
			} else if it.Swap {
				it.JT, it.JF = ifFalse, ifTrue
			} else {
				it.JT, it.JF = ifTrue, ifFalse
			}
		}
		it.Dead = false // NoTrue and NoFalse stay, for the assembler's long jumps
		out = append(out, it)
	}
	c.src.Items = out
	c.src.Recount()
}
