package progen

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// Kind is what the generator meant a program to be. The kernel and the
// verifier decide what it is: a mutation can miss (a replaced jump may
// happen to fix a scratch read, say).
type Kind int

// The kinds of Case, one per load-time rule of the kernel plus valid
// programs, edge cases and noise.
const (
	Valid           Kind = iota // meant to be accepted
	ValidQuirk                  // accepted only thanks to the quirks of the scratch-memory check
	ValidEdge                   // accepted, at a limit of some rule
	BadLength                   // 0 or more than 4096 instructions
	BadOpcode                   // opcode outside the generic classic BPF allowlist, values > 0xff included
	ClassicOnly                 // classic BPF but not seccomp: MOD, LD H/B ABS, IND, MSH
	BadDivZero                  // DIV or MOD by the constant 0
	BadShift                    // LSH or RSH by a constant of 32 or more
	BadScratchIndex             // LD/LDX MEM, ST or STX with k >= 16
	BadScratchRead              // scratch cell read before the kernel knows it written
	BadJump                     // jump target past the last instruction
	NoReturn                    // last instruction is not RET K or RET A
	BadLoadOffset               // LD W ABS outside seccomp_data or unaligned
	Ancillary                   // LD W/H/B ABS with k >= SKF_AD_OFF, known and unknown codes
	Multi                       // several of the faults above at once
	Soup                        // random instructions, any fields
	NumKinds
)

var kindNames = [...]string{
	Valid: "valid", ValidQuirk: "valid-quirk", ValidEdge: "valid-edge", BadLength: "length",
	BadOpcode: "opcode", ClassicOnly: "classic-only", BadDivZero: "div-zero", BadShift: "shift",
	BadScratchIndex: "scratch-index", BadScratchRead: "scratch-read", BadJump: "jump-range",
	NoReturn: "no-return", BadLoadOffset: "load-offset", Ancillary: "ancillary", Multi: "multi", Soup: "soup",
}

func (k Kind) String() string {
	if k >= 0 && k < NumKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

var kindWeights = [NumKinds]int{
	Valid: 26, ValidQuirk: 6, ValidEdge: 8, BadLength: 2, BadOpcode: 7, ClassicOnly: 5, BadDivZero: 3,
	BadShift: 3, BadScratchIndex: 4, BadScratchRead: 8, BadJump: 7, NoReturn: 4, BadLoadOffset: 5,
	Ancillary: 4, Multi: 4, Soup: 4,
}

// Case returns a program for a verifier test, valid or broken, and the kind
// the generator aimed at. Over many cases every kind, every opcode byte and
// every load-time rule of the kernel comes up.
func (g *Gen) Case() ([]bpf.RawInstruction, Kind) {
	total := 0
	for _, w := range kindWeights {
		total += w
	}
	x := g.intn(total)
	k := Valid
	for i, w := range kindWeights {
		if x < w {
			k = Kind(i)
			break
		}
		x -= w
	}
	return g.Kind(k), k
}

// Kind returns a program of kind k.
func (g *Gen) Kind(k Kind) []bpf.RawInstruction {
	switch k {
	case Valid:
		return g.Valid(Config{Len: g.Length(), Junk: 0.02})
	case ValidQuirk:
		return g.quirk()
	case ValidEdge:
		return g.edge()
	case BadLength:
		return g.badLength()
	case Multi:
		p := g.base()
		for range 2 + g.intn(2) {
			p = g.mutate(p, Kind(int(BadOpcode)+g.intn(int(Ancillary-BadOpcode)+1)))
		}
		return p
	case Soup:
		return g.soup()
	}
	return g.mutate(g.base(), k)
}

// base is a valid program to break, at least 2 instructions long.
func (g *Gen) base() []bpf.RawInstruction {
	n := g.Length()
	if n > 1024 && g.chance(0.7) {
		n = 2 + g.intn(64)
	}
	return g.Valid(Config{Len: min(max(n, 2), MaxInsns-8), Junk: 0.02})
}

func (g *Gen) quirk() []bpf.RawInstruction {
	if g.chance(0.5) {
		return g.Valid(Config{Len: 2 + g.intn(60), Quirks: true, Junk: 0.02})
	}
	// Hand-made shapes, each embedded in front of a valid tail:
	k := uint32(g.intn(MemWords))
	var pre []bpf.RawInstruction
	switch g.intn(4) {
	case 0: // a read right after an unconditional jump that skips it: dead, never written
		pre = []bpf.RawInstruction{{Op: OpJa, K: 1}, {Op: pick(g, OpLdMem, OpLdxMem), K: k}}
	case 1: // a read after a RET inherits the state before the RET
		pre = []bpf.RawInstruction{{Op: pick(g, OpSt, OpStx), K: k}, {Op: OpRetK, K: g.Action()}, {Op: OpLdMem, K: k}}
	case 2: // a conditional jump whose both targets skip the read
		pre = []bpf.RawInstruction{{Op: OpLdWAbs, K: 0}, {Op: OpJeqK, Jt: 1, Jf: 1, K: g.u32()}, {Op: OpLdxMem, K: k}}
	default: // written on both branches, read after the join
		pre = []bpf.RawInstruction{
			{Op: OpLdWAbs, K: 16}, {Op: OpJgtK, Jt: 0, Jf: 2, K: g.u32()},
			{Op: OpSt, K: k}, {Op: OpJa, K: 1}, {Op: OpStx, K: k},
			{Op: OpLdMem, K: k},
		}
	}
	return append(pre, g.Valid(Config{Len: 1 + g.intn(30), Junk: 0.02})...)
}

func (g *Gen) edge() []bpf.RawInstruction {
	switch g.intn(9) {
	case 0: // exactly BPF_MAXINSNS
		return g.Valid(Config{Len: MaxInsns, Junk: 0.02})
	case 1: // a single RET
		return []bpf.RawInstruction{pick(g, bpf.RawInstruction{Op: OpRetK, K: g.Action()}, bpf.RawInstruction{Op: OpRetA})}
	}
	which := g.intn(7)
	for range 100 {
		p := g.base()
		n := len(p)
		pc := g.intn(n - 1)
		switch which {
		case 0: // JA to the last instruction exactly
			p[pc] = bpf.RawInstruction{Op: OpJa, K: uint32(n - pc - 2)}
		case 1: // conditional to the last instruction exactly
			pc = max(pc, n-256)
			r := uint8(n - pc - 2)
			p[pc] = bpf.RawInstruction{Op: pick(g, OpJeqK, OpJgtX, OpJgeK, OpJsetX), Jt: pick(g, r, 0, uint8(g.intn(int(r)+1))), Jf: r, K: g.u32()}
			if g.chance(0.5) {
				p[pc].Jt, p[pc].Jf = p[pc].Jf, p[pc].Jt
			}
		case 2:
			p[pc] = bpf.RawInstruction{Op: pick(g, OpLshK, OpRshK), K: 31}
		case 3:
			p[pc] = bpf.RawInstruction{Op: pick(g, OpSt, OpStx), K: 15}
		case 4:
			p[pc] = bpf.RawInstruction{Op: OpLdWAbs, K: 60}
		case 5:
			p[pc] = bpf.RawInstruction{Op: OpDivK, K: pick[uint32](g, 1, 0xffffffff, 0x80000000)}
		default: // unused fields full of bits everywhere
			for i := range p {
				p[i] = g.junk(p[i])
			}
		}
		// The replaced instruction may have been the only writer of a cell
		// a later read needs, or a jump whose targets mattered: try again.
		if ScratchOK(p) {
			return p
		}
	}
	return g.Valid(Config{Len: g.Length(), Junk: 0.5})
}

// ScratchOK reports whether p passes the kernel's scratch-memory check
// (check_load_and_stores): every read of M[k] is at an instruction where the
// analysis considers M[k] written. Jumps out of range and indexes of 16 or
// more make it false too.
func ScratchOK(p []bpf.RawInstruction) bool {
	valid, ok := ScratchValid(p)
	if !ok {
		return false
	}
	for pc, in := range p {
		if (in.Op == OpLdMem || in.Op == OpLdxMem) && valid[pc]&(1<<in.K) == 0 {
			return false
		}
	}
	return true
}

func (g *Gen) badLength() []bpf.RawInstruction {
	switch g.intn(4) {
	case 0:
		return nil
	case 1:
		return []bpf.RawInstruction{}
	default:
		n := MaxInsns + 1 + pick(g, 0, 0, g.intn(8), g.intn(200))
		return g.Valid(Config{Len: n})
	}
}

// mutate breaks p (len >= 2) as kind k says.
func (g *Gen) mutate(p []bpf.RawInstruction, k Kind) []bpf.RawInstruction {
	n := len(p)
	pc := g.intn(n) // any instruction, the last one included
	switch k {
	case BadOpcode:
		var op uint16
		switch g.intn(6) {
		case 0, 1: // any byte: every one of the 256 comes up, valid or not
			op = uint16(g.intn(256))
		case 2: // a byte outside the allowlist
			for op = uint16(g.intn(256)); ClassicAllowed(op); op = uint16(g.intn(256)) {
			}
		case 3: // a valid low byte with high bits set
			op = pick(g, SeccompOpcodes...) | uint16(1+g.intn(255))<<8
		case 4:
			op = uint16(g.intn(0x10000))
		default:
			op = pick(g, OpRetX, 0x21, 0x8c, 0x0f, 0x17, 0xb2, 0xff, 0x1f, 0x27)
		}
		p[pc].Op = op
	case ClassicOnly:
		op := pick(g, ClassicOnlyOpcodes...)
		in := bpf.RawInstruction{Op: op, K: uint32(4 * g.intn(16))}
		switch op {
		case OpModK:
			in.K = 1 + g.u32()%0xfffffffe
		case OpLdHAbs, OpLdBAbs:
			in.K = pick(g, in.K, in.K+uint32(g.intn(4)), SkfAdOff+uint32(4*g.intn(16)))
		}
		p[pc] = in
	case BadDivZero:
		p[pc] = bpf.RawInstruction{Op: pick(g, OpDivK, OpDivK, OpModK)}
	case BadShift:
		p[pc] = bpf.RawInstruction{Op: pick(g, OpLshK, OpRshK), K: pick(g, 32, 33, 63, 64, 0x80000000, 0xffffffff, 32+g.u32()%0xffffffdf)}
	case BadScratchIndex:
		p[pc] = bpf.RawInstruction{Op: pick(g, OpLdMem, OpLdxMem, OpSt, OpStx), K: pick(g, 16, 17, 31, 32, 255, 0x10000, 0xffffffff, 16+g.u32()%0xffffffef)}
	case BadScratchRead:
		return g.badScratchRead(p)
	case BadJump:
		if g.chance(0.4) {
			k := uint32(n - pc - 1) // target n exactly
			switch g.intn(4) {
			case 0:
				k += uint32(g.intn(100))
			case 1:
				k = pick[uint32](g, 0xffffffff, 0x80000000, 0xfffffffe, 1<<16)
			}
			p[pc] = bpf.RawInstruction{Op: OpJa, K: k}
		} else {
			pc = max(pc, n-256)
			out := n - pc - 1 // offset that lands on n exactly
			in := bpf.RawInstruction{Op: pick(g, OpJeqK, OpJeqX, OpJgtK, OpJgtX, OpJgeK, OpJgeX, OpJsetK, OpJsetX), K: g.u32()}
			bad := uint8(min(out+pick(g, 0, 0, g.intn(256)), 255))
			ok := uint8(g.intn(max(out, 1)))
			switch g.intn(3) {
			case 0:
				in.Jt, in.Jf = bad, ok
			case 1:
				in.Jt, in.Jf = ok, bad
			default:
				in.Jt, in.Jf = bad, bad
			}
			p[pc] = in
		}
	case NoReturn:
		last := &p[n-1]
		switch g.intn(4) {
		case 0: // any seccomp opcode but a RET
			for last.Op = pick(g, SeccompOpcodes...); last.Op == OpRetK || last.Op == OpRetA; last.Op = pick(g, SeccompOpcodes...) {
			}
		case 1:
			last.Op = pick(g, OpLdImm, OpTax, OpTxa, OpAddK, OpNeg)
		case 2:
			last.Op = OpRetX
		default: // a RET followed by one more instruction
			p = append(p, bpf.RawInstruction{Op: pick(g, OpLdImm, OpLdxImm, OpTax, OpSt), K: uint32(g.intn(MemWords))})
		}
		if last.Op == OpSt || last.Op == OpStx || last.Op == OpLdMem || last.Op == OpLdxMem {
			last.K &= 15
		}
	case BadLoadOffset:
		p[pc] = bpf.RawInstruction{Op: OpLdWAbs, K: pick(g, 64, 65, 68, 62, 61, 1, 2, 3, 6, 0x100, 0x7fffffff, SkfAdOff-4, SkfAdOff-1, 64+g.u32()%(SkfAdOff-64))}
	case Ancillary:
		var k uint32
		if g.chance(0.5) {
			k = SkfAdOff + uint32(4*g.intn(16)) // known ancillary codes
		} else {
			k = pick(g, SkfAdOff+64, SkfAdOff+1, SkfAdOff+2, SkfAdOff+3, SkfAdOff+62, 0xfffffffc, 0xffffffff, SkfAdOff+64+g.u32()%(0x1000-64))
		}
		p[pc] = bpf.RawInstruction{Op: pick(g, OpLdWAbs, OpLdWAbs, OpLdHAbs, OpLdBAbs), K: k}
	}
	return p
}

// badScratchRead puts a read of a cell that the kernel's analysis does not
// consider written, in one of the ways that trips real filters.
func (g *Gen) badScratchRead(p []bpf.RawInstruction) []bpf.RawInstruction {
	op := pick(g, OpLdMem, OpLdxMem)
	switch g.intn(5) {
	case 0: // the first instruction reads
		return append([]bpf.RawInstruction{{Op: op, K: uint32(g.intn(MemWords))}}, p...)
	case 1: // written on only one branch, read after the join
		k := uint32(g.intn(MemWords))
		pre := []bpf.RawInstruction{
			{Op: OpLdWAbs, K: uint32(4 * g.intn(16))}, {Op: pick(g, OpJeqK, OpJsetK), Jt: 0, Jf: 1, K: g.u32()},
			{Op: OpSt, K: k}, {Op: op, K: k},
		}
		if g.chance(0.5) {
			pre[1].Jt, pre[1].Jf = 1, 0
		}
		return append(pre, p...)
	case 2: // a read after a RET, with the cell never written before it
		k := uint32(g.intn(MemWords))
		return append([]bpf.RawInstruction{{Op: OpRetK, K: g.Action()}, {Op: op, K: k}}, p...)
	}
	// Somewhere in p: a cell the analysis says is not written there.
	valid, ok := ScratchValid(p)
	if ok {
		for range 20 {
			pc := g.intn(len(p) - 1)
			if valid[pc] != 0xffff {
				for {
					k := uint32(g.intn(MemWords))
					if valid[pc]&(1<<k) == 0 {
						p[pc] = bpf.RawInstruction{Op: op, K: k}
						return p
					}
				}
			}
		}
	}
	return append([]bpf.RawInstruction{{Op: op, K: uint32(g.intn(MemWords))}}, p...)
}

// soup is a short program of random instructions: opcodes from the
// allowlists most of the time, fields anything.
func (g *Gen) soup() []bpf.RawInstruction {
	n := 1 + g.intn(48)
	p := make([]bpf.RawInstruction, n)
	for i := range p {
		in := &p[i]
		switch x := g.intn(10); {
		case x < 7:
			in.Op = pick(g, SeccompOpcodes...)
		case x < 8:
			in.Op = pick(g, ClassicOnlyOpcodes...)
		default:
			in.Op = uint16(g.intn(256))
		}
		room := n - i - 1
		in.Jt = uint8(g.intn(min(room+2, 256)))
		in.Jf = uint8(g.intn(min(room+2, 256)))
		switch g.intn(4) {
		case 0:
			in.K = uint32(g.intn(room + 2))
		case 1:
			in.K = uint32(g.intn(20))
		case 2:
			in.K = uint32(4 * g.intn(17))
		default:
			in.K = g.interesting()
		}
	}
	if g.chance(0.7) {
		p[n-1] = bpf.RawInstruction{Op: pick(g, OpRetK, OpRetA), K: g.Action()}
	}
	return p
}
