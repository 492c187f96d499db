package progen

import (
	"math/rand/v2"

	"golang.org/x/net/bpf"
)

// Input is one struct seccomp_data.
type Input struct {
	Nr   int32
	Arch uint32
	IP   uint64 // instruction_pointer
	Args [6]uint64
}

// Pool holds the constants of one data-driven program, shared by the
// program (as compare and ALU operands) and by its inputs (as field values),
// so that equality tests succeed as often as they fail.
type Pool struct {
	Nrs   []int32  // system call numbers
	Arch  uint32   // the arch every input has
	IP    uint64   // the instruction pointer every input has
	Words []uint32 // values for argument words
}

// word returns a constant for a compare with the seccomp_data word at
// offset off (-1: unknown).
func (p *Pool) word(g *Gen, off int) uint32 {
	if off < 0 || g.chance(0.15) {
		off = 4 * g.intn(16)
	}
	var w uint32
	switch {
	case off == 0:
		w = uint32(pick(g, p.Nrs...))
	case off == 4:
		w = pick(g, p.Arch, p.Arch, 0x40000003) // AUDIT_ARCH_I386 for the other side
	case off == 8:
		w = uint32(p.IP)
	case off == 12:
		w = uint32(p.IP >> 32)
	default:
		w = pick(g, p.Words...)
	}
	if g.chance(0.1) {
		w += uint32(pick(g, 1, -1))
	}
	return w
}

// EmuConfig shapes the programs and inputs of EmuCase.
type EmuConfig struct {
	Arch   uint32                 // seccomp_data.arch of every input
	IP     uint64                 // seccomp_data.instruction_pointer of every input
	Nr     func(*rand.Rand) int32 // draws a system call number an input may use
	MaxLen int                    // longest program (0: 4096)
	Inputs int                    // inputs per program
}

// EmuCase returns a valid, data-driven program and inputs for it: the
// program loads the system call number, arch, instruction pointer and
// arguments often and compares them with constants that the inputs also
// use. Its RET K values cover every kind of action, unknown ones included;
// it also returns A, divides by X (which may be zero) and shifts by X (which
// may be 32 or more).
func (g *Gen) EmuCase(cfg EmuConfig) ([]bpf.RawInstruction, []Input) {
	pool := g.pool(cfg)
	maxLen := cfg.MaxLen
	if maxLen <= 0 {
		maxLen = MaxInsns
	}
	var n int
	switch x := g.intn(100); {
	case x < 60:
		n = 2 + g.intn(30)
	case x < 90:
		n = 2 + g.intn(120)
	case x < 98:
		n = 2 + g.intn(600)
	default:
		n = 2 + g.intn(maxLen-1)
	}
	n = min(n, maxLen)
	prog := g.Valid(Config{Len: n, Pool: pool, Junk: 0.03, Quirks: g.chance(0.1), Rets: 8})
	return prog, g.Inputs(pool, cfg, cfg.Inputs)
}

func (g *Gen) pool(cfg EmuConfig) *Pool {
	p := &Pool{Arch: cfg.Arch, IP: cfg.IP}
	for range 1 + g.intn(4) {
		p.Nrs = append(p.Nrs, cfg.Nr(g.r))
	}
	for range 2 + g.intn(8) {
		p.Words = append(p.Words, g.interesting())
	}
	return p
}

// Inputs returns n inputs that draw their words from pool most of the time.
func (g *Gen) Inputs(pool *Pool, cfg EmuConfig, n int) []Input {
	in := make([]Input, n)
	for i := range in {
		d := &in[i]
		d.Arch, d.IP = pool.Arch, pool.IP
		if g.chance(0.6) {
			d.Nr = pick(g, pool.Nrs...)
		} else {
			d.Nr = cfg.Nr(g.r)
		}
		for a := range d.Args {
			d.Args[a] = uint64(g.argWord(pool))<<32 | uint64(g.argWord(pool))
		}
		if i > 0 && g.chance(0.3) { // a neighbour of the previous input
			*d = in[i-1]
			w := g.intn(12)
			d.Args[w/2] ^= uint64(1<<g.intn(32)) << (32 * (w % 2))
		}
	}
	return in
}

func (g *Gen) argWord(p *Pool) uint32 {
	switch x := g.intn(100); {
	case x < 50:
		return pick(g, p.Words...)
	case x < 60:
		return pick(g, p.Words...) + uint32(pick(g, 1, -1))
	case x < 80:
		return g.interesting()
	default:
		return g.u32()
	}
}

// NrUnimplementedX86_64 returns a system call number that no x86_64 kernel
// implements, from every region that has such numbers: 1000 to 2^30, x32
// numbers above 0x40000000+1000, and negative numbers other than -1. With it
// an allowed call only fails with ENOSYS, whatever its arguments.
func NrUnimplementedX86_64(r *rand.Rand) int32 {
	switch x := r.IntN(100); {
	case x < 30:
		return int32(1000 + r.IntN(1<<20-1000))
	case x < 45:
		return int32(1<<20 + r.IntN(0x40000000-1<<20))
	case x < 65:
		return int32(0x40000000 + 1000 + r.IntN(0x40000000-1000))
	default:
		return int32(0x80000000 + r.Uint32N(0x7fffffff)) // 0x80000000 .. 0xfffffffe
	}
}
