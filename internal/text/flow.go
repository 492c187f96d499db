package text

import (
	"github.com/seccomp-go/seccomp/internal/opcode"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// What the accumulator is known to hold.
type aHolds uint8

const (
	aOther aHolds = iota // anything
	aNr                  // seccomp_data.nr
	aArch                // seccomp_data.arch
)

// maxArches bounds the set of arches the data flow tracks; beyond it,
// any arch is possible.
const maxArches = 32

// flowState is what the data flow knows on entry to an instruction.
type flowState struct {
	reached bool
	a       aHolds
	anyArch bool     // any arch token is possible
	arches  []uint32 // else the possible ones; shared, never modified
}

func (s *flowState) single() (uint32, bool) {
	if s.anyArch || len(s.arches) != 1 {
		return 0, false
	}
	return s.arches[0], true
}

func (s *flowState) mayBe(a uint32) bool {
	if s.anyArch {
		return true
	}
	for _, b := range s.arches {
		if a == b {
			return true
		}
	}
	return false
}

// order returns the byte order of seccomp_data (true: little-endian) that
// every arch token possible here names (its __AUDIT_ARCH_LE bit), and false
// when any token is possible, none is, or they differ.
func (s *flowState) order() (le, ok bool) {
	if s.anyArch || len(s.arches) == 0 {
		return false, false
	}
	le = s.arches[0]&uapi.AuditArchLE != 0
	for _, a := range s.arches[1:] {
		if (a&uapi.AuditArchLE != 0) != le {
			return false, false
		}
	}
	return le, true
}

// flow computes d.state with one forward pass: BPF jumps only forward, so
// every predecessor of an instruction comes before it.
func (d *printer) flow() {
	n := len(d.p)
	d.state = make([]flowState, n)
	if n == 0 {
		return
	}
	d.state[0] = flowState{reached: true, anyArch: true}
	for i, in := range d.p {
		st := d.state[i]
		if !st.reached {
			continue
		}
		switch in.Op {
		case opcode.RetK, opcode.RetA:
			continue
		case opcode.Ja:
			if t := uint64(i) + 1 + uint64(in.K); t < uint64(n) {
				d.join(int(t), st)
			}
			continue
		case opcode.JeqK, opcode.JeqX, opcode.JgtK, opcode.JgtX, opcode.JgeK, opcode.JgeX, opcode.JsetK, opcode.JsetX:
			sT, sF := st, st
			okT, okF := true, true
			if in.Op == opcode.JeqK && st.a == aArch {
				sT, okT = st.withArch(in.K)
				sF, okF = st.withoutArch(in.K)
			}
			if t := i + 1 + int(in.Jt); okT && t < n {
				d.join(t, sT)
			}
			if f := i + 1 + int(in.Jf); okF && f < n {
				d.join(f, sF)
			}
			continue
		case opcode.LdWAbs:
			switch in.K {
			case uapi.OffsetNr:
				st.a = aNr
			case uapi.OffsetArch:
				st.a = aArch
			default:
				st.a = aOther
			}
		case opcode.LdxLen, opcode.LdxImm, opcode.LdxMem, opcode.LdxMsh, opcode.St, opcode.Stx, opcode.Tax:
			// A unchanged.
		default:
			// Other loads into A, ALU operations, txa, unknown opcodes.
			st.a = aOther
		}
		if i+1 < n {
			d.join(i+1, st)
		}
	}
}

// join merges the state s flowing into instruction t.
func (d *printer) join(t int, s flowState) {
	dst := &d.state[t]
	if !dst.reached {
		*dst = s
		return
	}
	if dst.a != s.a {
		dst.a = aOther
	}
	if dst.anyArch || s.anyArch {
		dst.anyArch, dst.arches = true, nil
		return
	}
	var added []uint32
	for _, a := range s.arches {
		if !dst.mayBe(a) {
			added = append(added, a)
		}
	}
	if len(added) == 0 {
		return
	}
	union := append(append([]uint32(nil), dst.arches...), added...)
	if len(union) > maxArches {
		dst.anyArch, dst.arches = true, nil
		return
	}
	dst.arches = union
}

// withArch is s where arch == a, and false if that cannot be.
func (s flowState) withArch(a uint32) (flowState, bool) {
	if !s.mayBe(a) {
		return s, false
	}
	s.anyArch, s.arches = false, []uint32{a}
	return s, true
}

// withoutArch is s where arch != a, and false if that cannot be.
func (s flowState) withoutArch(a uint32) (flowState, bool) {
	if s.anyArch {
		return s, true
	}
	var rest []uint32
	for _, b := range s.arches {
		if b != a {
			rest = append(rest, b)
		}
	}
	s.arches = rest
	return s, len(rest) > 0
}
