package progen

import "golang.org/x/net/bpf"

// Config shapes a valid program.
type Config struct {
	// Len is the number of instructions, at least 1.
	Len int
	// Pool, when set, makes the program data-driven: most instructions load
	// seccomp_data words and compare them with the pool's constants, so that
	// inputs drawn from the same pool take both sides of the branches.
	Pool *Pool
	// Junk is the probability that an instruction carries random bits in
	// the fields its opcode does not use (jt/jf of non-jumps, k of RET A,
	// TAX and others); the kernel ignores them.
	Junk float64
	// Quirks makes the generator read scratch memory where only the quirks
	// of the kernel's check make it legal: right after a jump that nothing
	// else targets, and right after a RET with the cell written before it.
	Quirks bool
	// Rets bounds the number of distinct RET K values (0 means 6).
	Rets int
}

// Valid returns a program built to pass every load-time check of the
// kernel: known opcodes only, jumps inside the program, scratch memory
// written before it is read (by the kernel's own forward analysis), a RET at
// the end. It may contain dead code.
func (g *Gen) Valid(cfg Config) []bpf.RawInstruction {
	n := max(cfg.Len, 1)
	b := &builder{g: g, cfg: cfg, p: make([]bpf.RawInstruction, n), masks: make([]uint16, n), lastLoad: -1}
	for i := range b.masks {
		b.masks[i] = 0xffff
	}
	nr := cfg.Rets
	if nr <= 0 {
		nr = 6
	}
	for range 1 + g.intn(nr) {
		b.rets = append(b.rets, g.retValue(cfg.Pool))
	}
	for pc := range n {
		b.valid &= b.masks[pc]
		var in bpf.RawInstruction
		switch {
		case pc == n-1:
			in = b.ret()
		case b.quirkNext && cfg.Quirks && b.valid != 0:
			in = b.quirkRead()
		default:
			in = b.insn(pc)
		}
		b.quirkNext = false
		b.apply(pc, in)
		if g.chance(cfg.Junk) {
			in = g.junk(in)
		}
		b.p[pc] = in
	}
	return b.p
}

type builder struct {
	g         *Gen
	cfg       Config
	p         []bpf.RawInstruction
	masks     []uint16
	valid     uint16
	rets      []uint32
	lastLoad  int // offset of the seccomp_data word last loaded into A, or -1
	quirkNext bool
}

// apply updates the scratch-memory state as check_load_and_stores does.
func (b *builder) apply(pc int, in bpf.RawInstruction) {
	switch op := in.Op; {
	case op == OpSt || op == OpStx:
		b.valid |= 1 << (in.K & 15)
	case op == OpJa:
		b.masks[pc+1+int(in.K)] &= b.valid
		b.valid = 0xffff
		b.quirkNext = b.masks[pc+1] == 0xffff
	case IsCondJump(op):
		b.masks[pc+1+int(in.Jt)] &= b.valid
		b.masks[pc+1+int(in.Jf)] &= b.valid
		b.valid = 0xffff
		b.quirkNext = b.masks[pc+1] == 0xffff
	case op == OpRetK || op == OpRetA:
		b.quirkNext = b.valid != 0
	}
}

// quirkRead is a scratch read that only the kernel's quirks allow: any cell
// right after a jump nobody else targets, or an inherited cell after a RET.
func (b *builder) quirkRead() bpf.RawInstruction {
	k := uint32(b.g.intn(MemWords))
	if b.valid != 0xffff {
		k = b.setBit(b.valid)
	}
	return bpf.RawInstruction{Op: pick(b.g, OpLdMem, OpLdxMem), K: k}
}

func (b *builder) setBit(v uint16) uint32 {
	for {
		k := uint32(b.g.intn(MemWords))
		if v&(1<<k) != 0 {
			return k
		}
	}
}

func (b *builder) insn(pc int) bpf.RawInstruction {
	g := b.g
	room := len(b.p) - pc - 2 // largest jump offset that stays inside
	emu := b.cfg.Pool != nil
	type choice struct {
		w int
		f func() bpf.RawInstruction
	}
	w := func(general, data int) int {
		if emu {
			return data
		}
		return general
	}
	choices := []choice{
		{w(10, 22), b.ldAbs},
		{w(4, 3), func() bpf.RawInstruction { b.lastLoad = -1; return bpf.RawInstruction{Op: OpLdImm, K: b.constant()} }},
		{w(4, 4), func() bpf.RawInstruction { return bpf.RawInstruction{Op: OpLdxImm, K: b.constant()} }},
		{w(2, 1), func() bpf.RawInstruction {
			op := pick(g, OpLdLen, OpLdxLen)
			if op == OpLdLen {
				b.lastLoad = -1
			}
			return bpf.RawInstruction{Op: op}
		}},
		{w(6, 5), b.ldMem},
		{w(6, 5), func() bpf.RawInstruction {
			return bpf.RawInstruction{Op: pick(g, OpSt, OpStx), K: uint32(g.intn(MemWords))}
		}},
		{w(12, 10), b.aluK},
		{w(8, 8), b.aluX},
		{w(4, 5), func() bpf.RawInstruction {
			op := pick(g, OpTax, OpTxa)
			if op == OpTxa {
				b.lastLoad = -1
			}
			return bpf.RawInstruction{Op: op}
		}},
		{w(4, 3), func() bpf.RawInstruction { return bpf.RawInstruction{Op: OpJa, K: uint32(b.jumpOff(room))} }},
		{w(12, 20), func() bpf.RawInstruction {
			op := pick(g, OpJeqK, OpJeqK, OpJgtK, OpJgeK, OpJsetK)
			r := min(room, 255)
			return bpf.RawInstruction{Op: op, Jt: uint8(b.jumpOff(r)), Jf: uint8(b.jumpOff(r)), K: b.constant()}
		}},
		{w(5, 6), func() bpf.RawInstruction {
			op := pick(g, OpJeqX, OpJgtX, OpJgeX, OpJsetX)
			r := min(room, 255)
			return bpf.RawInstruction{Op: op, Jt: uint8(b.jumpOff(r)), Jf: uint8(b.jumpOff(r))}
		}},
		{w(3, 3), func() bpf.RawInstruction { return b.ret() }},
	}
	total := 0
	for _, c := range choices {
		total += c.w
	}
	x := g.intn(total)
	for _, c := range choices {
		if x < c.w {
			return c.f()
		}
		x -= c.w
	}
	panic("unreachable")
}

// jumpOff returns a forward offset in [0, room].
func (b *builder) jumpOff(room int) int {
	g := b.g
	if room <= 0 {
		return 0
	}
	switch x := g.intn(10); {
	case x < 5:
		return g.intn(min(room, 4) + 1)
	case x < 8:
		return g.intn(room + 1)
	case x < 9:
		return room
	default:
		return 0
	}
}

func (b *builder) ldAbs() bpf.RawInstruction {
	g := b.g
	var off int
	if b.cfg.Pool != nil {
		switch x := g.intn(100); {
		case x < 25:
			off = 0
		case x < 32:
			off = 4
		case x < 42:
			off = 8 + 4*g.intn(2)
		default:
			off = 16 + 4*g.intn(12)
		}
	} else {
		off = 4 * g.intn(16)
	}
	b.lastLoad = off
	return bpf.RawInstruction{Op: OpLdWAbs, K: uint32(off)}
}

func (b *builder) ldMem() bpf.RawInstruction {
	if b.valid == 0 {
		return bpf.RawInstruction{Op: pick(b.g, OpSt, OpStx), K: uint32(b.g.intn(MemWords))}
	}
	op := pick(b.g, OpLdMem, OpLdxMem)
	if op == OpLdMem {
		b.lastLoad = -1
	}
	return bpf.RawInstruction{Op: op, K: b.setBit(b.valid)}
}

func (b *builder) aluK() bpf.RawInstruction {
	g := b.g
	op := pick(g, OpAddK, OpSubK, OpMulK, OpDivK, OpOrK, OpAndK, OpXorK, OpLshK, OpRshK, OpNeg)
	in := bpf.RawInstruction{Op: op}
	switch op {
	case OpDivK:
		for in.K == 0 {
			in.K = b.g.interesting()
		}
	case OpLshK, OpRshK:
		in.K = uint32(g.intn(32))
	case OpNeg:
	default:
		in.K = b.constant()
	}
	if op == OpAndK && g.chance(0.5) {
		in.K = pick[uint32](g, 0xff, 0xffff, 0xfff, 0xffff0000, 0x0fffffff, 1, 0x80000000)
	}
	b.lastLoad = -1
	return in
}

func (b *builder) aluX() bpf.RawInstruction {
	b.lastLoad = -1
	return bpf.RawInstruction{Op: pick(b.g, OpAddX, OpSubX, OpMulX, OpDivX, OpOrX, OpAndX, OpXorX, OpLshX, OpRshX)}
}

func (b *builder) ret() bpf.RawInstruction {
	g := b.g
	if g.chance(0.25) {
		return bpf.RawInstruction{Op: OpRetA}
	}
	k := pick(g, b.rets...)
	if b.cfg.Pool == nil && g.chance(0.1) {
		k = g.Action()
	}
	return bpf.RawInstruction{Op: OpRetK, K: k}
}

// constant returns a K for a compare or ALU operation, correlated with the
// data word last loaded when the program has a pool.
func (b *builder) constant() uint32 {
	if p := b.cfg.Pool; p != nil && b.g.chance(0.8) {
		return p.word(b.g, b.lastLoad)
	}
	return b.g.interesting()
}

// retValue is a RET K value; with a pool it may come from the pool, so that
// RET A of a loaded word and RET K collide sometimes.
func (g *Gen) retValue(p *Pool) uint32 {
	if p != nil && g.chance(0.1) {
		return p.word(g, -1)
	}
	return g.Action()
}

// junk fills the fields in's opcode does not use with random bits.
func (g *Gen) junk(in bpf.RawInstruction) bpf.RawInstruction {
	jt, jf, k := uint8(g.intn(256)), uint8(g.intn(256)), g.interesting()
	switch op := in.Op; {
	case IsCondJump(op):
		if op&0x08 != 0 { // X source: k is unused
			in.K = k
		}
	case op == OpRetA || op == OpTax || op == OpTxa || op == OpNeg || op == OpLdLen || op == OpLdxLen ||
		(op&0x07 == 0x04 && op&0x08 != 0): // ALU with X source
		in.Jt, in.Jf, in.K = jt, jf, k
	default:
		in.Jt, in.Jf = jt, jf
	}
	return in
}

// ScratchValid runs the kernel's check_load_and_stores analysis on p and
// returns, for every instruction, the set of scratch cells (bit i = M[i])
// the kernel considers written when it reaches that instruction. It reports
// false when p has a jump out of range or a scratch index of 16 or more (the
// kernel rejects those before this analysis).
func ScratchValid(p []bpf.RawInstruction) ([]uint16, bool) {
	n := len(p)
	masks := make([]uint16, n)
	for i := range masks {
		masks[i] = 0xffff
	}
	out := make([]uint16, n)
	valid := uint16(0)
	for pc, in := range p {
		valid &= masks[pc]
		out[pc] = valid
		switch op := in.Op; {
		case op == OpSt || op == OpStx:
			if in.K >= MemWords {
				return nil, false
			}
			valid |= 1 << in.K
		case op == OpLdMem || op == OpLdxMem:
			if in.K >= MemWords {
				return nil, false
			}
		case op == OpJa:
			if uint64(in.K) >= uint64(n-pc-1) {
				return nil, false
			}
			masks[pc+1+int(in.K)] &= valid
			valid = 0xffff
		case IsCondJump(op):
			if pc+int(in.Jt)+1 >= n || pc+int(in.Jf)+1 >= n {
				return nil, false
			}
			masks[pc+1+int(in.Jt)] &= valid
			masks[pc+1+int(in.Jf)] &= valid
			valid = 0xffff
		}
	}
	return out, true
}
