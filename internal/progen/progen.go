// Package progen generates random classic BPF programs for seccomp, valid
// ones and deliberately broken ones, and random seccomp_data inputs for them.
// It is deterministic: a generator made by New with the same seed and stream
// always produces the same sequence, so one generated case can be rebuilt
// from the pair (seed, case index) alone.
//
// The generator knows the kernel's rules only to aim at them: a program is
// labelled with the Kind the generator meant it to be, but the kernel (or the
// verifier under test) decides whether it really is valid. Nothing here
// imports the seccomp package, so tests inside that package, fuzz tests and
// benchmarks can all use it.
package progen

import "math/rand/v2"

// Classic BPF opcodes (include/uapi/linux/bpf_common.h and filter.h).
const (
	OpLdWAbs uint16 = 0x20
	OpLdHAbs uint16 = 0x28
	OpLdBAbs uint16 = 0x30
	OpLdWInd uint16 = 0x40
	OpLdHInd uint16 = 0x48
	OpLdBInd uint16 = 0x50
	OpLdLen  uint16 = 0x80
	OpLdImm  uint16 = 0x00
	OpLdMem  uint16 = 0x60
	OpLdxLen uint16 = 0x81
	OpLdxMsh uint16 = 0xb1
	OpLdxImm uint16 = 0x01
	OpLdxMem uint16 = 0x61
	OpSt     uint16 = 0x02
	OpStx    uint16 = 0x03
	OpTax    uint16 = 0x07
	OpTxa    uint16 = 0x87
	OpRetK   uint16 = 0x06
	OpRetA   uint16 = 0x16
	OpRetX   uint16 = 0x0e // not classic BPF
	OpJa     uint16 = 0x05
	OpJeqK   uint16 = 0x15
	OpJeqX   uint16 = 0x1d
	OpJgtK   uint16 = 0x25
	OpJgtX   uint16 = 0x2d
	OpJgeK   uint16 = 0x35
	OpJgeX   uint16 = 0x3d
	OpJsetK  uint16 = 0x45
	OpJsetX  uint16 = 0x4d
	OpAddK   uint16 = 0x04
	OpAddX   uint16 = 0x0c
	OpSubK   uint16 = 0x14
	OpSubX   uint16 = 0x1c
	OpMulK   uint16 = 0x24
	OpMulX   uint16 = 0x2c
	OpDivK   uint16 = 0x34
	OpDivX   uint16 = 0x3c
	OpOrK    uint16 = 0x44
	OpOrX    uint16 = 0x4c
	OpAndK   uint16 = 0x54
	OpAndX   uint16 = 0x5c
	OpLshK   uint16 = 0x64
	OpLshX   uint16 = 0x6c
	OpRshK   uint16 = 0x74
	OpRshX   uint16 = 0x7c
	OpNeg    uint16 = 0x84
	OpModK   uint16 = 0x94
	OpModX   uint16 = 0x9c
	OpXorK   uint16 = 0xa4
	OpXorX   uint16 = 0xac
)

// Limits and return values.
const (
	SkfAdOff  = 0xfffff000 // SKF_AD_OFF as a u32
	MemWords  = 16         // BPF_MEMWORDS
	MaxInsns  = 4096       // BPF_MAXINSNS
	SizeData  = 64         // sizeof(struct seccomp_data)
	RetAllow  = 0x7fff0000
	RetErrno  = 0x00050000
	RetTrap   = 0x00030000
	RetTrace  = 0x7ff00000
	RetLog    = 0x7ffc0000
	RetNotify = 0x7fc00000
	RetKillP  = 0x80000000
	RetKillT  = 0x00000000
)

// SeccompOpcodes are the opcodes a seccomp filter may use (the allowlist of
// seccomp_check_filter in kernel/seccomp.c).
var SeccompOpcodes = []uint16{
	OpLdWAbs, OpLdLen, OpLdxLen, OpLdImm, OpLdxImm, OpLdMem, OpLdxMem,
	OpSt, OpStx, OpTax, OpTxa, OpRetK, OpRetA, OpJa,
	OpJeqK, OpJeqX, OpJgtK, OpJgtX, OpJgeK, OpJgeX, OpJsetK, OpJsetX,
	OpAddK, OpAddX, OpSubK, OpSubX, OpMulK, OpMulX, OpDivK, OpDivX,
	OpOrK, OpOrX, OpAndK, OpAndX, OpXorK, OpXorX,
	OpLshK, OpLshX, OpRshK, OpRshX, OpNeg,
}

// ClassicOnlyOpcodes are the opcodes classic BPF knows (chk_code_allowed in
// net/core/filter.c) but seccomp refuses.
var ClassicOnlyOpcodes = []uint16{
	OpLdHAbs, OpLdBAbs, OpLdWInd, OpLdHInd, OpLdBInd, OpLdxMsh, OpModK, OpModX,
}

var classicAllowed [256]bool

func init() {
	for _, op := range SeccompOpcodes {
		classicAllowed[op] = true
	}
	for _, op := range ClassicOnlyOpcodes {
		classicAllowed[op] = true
	}
}

// ClassicAllowed reports whether op is in the generic classic BPF allowlist.
func ClassicAllowed(op uint16) bool { return op < 256 && classicAllowed[op] }

// IsCondJump reports whether op is a conditional jump (JEQ/JGT/JGE/JSET, K or X).
func IsCondJump(op uint16) bool {
	switch op {
	case OpJeqK, OpJeqX, OpJgtK, OpJgtX, OpJgeK, OpJgeX, OpJsetK, OpJsetX:
		return true
	}
	return false
}

// Gen is a deterministic random generator of programs and inputs. It is not
// safe for concurrent use: give every goroutine (or every case) its own.
type Gen struct {
	r *rand.Rand
}

// New returns a generator seeded with (seed, stream). Tests typically use
// one generator per case, New(seed, caseIndex), so that every case can be
// rebuilt on its own.
func New(seed, stream uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, stream))}
}

// Rand returns the generator's source of randomness.
func (g *Gen) Rand() *rand.Rand { return g.r }

func (g *Gen) intn(n int) int { return g.r.IntN(n) }

func (g *Gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *Gen) u32() uint32 { return g.r.Uint32() }

// pick returns one of vs at random.
func pick[T any](g *Gen, vs ...T) T { return vs[g.intn(len(vs))] }

// interesting returns a 32-bit constant that is often at an edge.
func (g *Gen) interesting() uint32 {
	switch g.intn(12) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return 0xffffffff
	case 3:
		return 0x80000000
	case 4:
		return 0x7fffffff
	case 5:
		return uint32(g.intn(64))
	case 6:
		return 1 << g.intn(32)
	case 7:
		return (1 << g.intn(32)) - 1
	case 8:
		return uint32(g.intn(0x10000))
	case 9:
		return g.Action()
	default:
		return g.u32()
	}
}

// Action returns a random seccomp return value: every action the kernel
// knows, with and without data (ERRNO data above MaxErrno included), and
// values whose action part the kernel does not know.
func (g *Gen) Action() uint32 {
	data := func() uint32 {
		switch g.intn(6) {
		case 0:
			return 0
		case 1:
			return uint32(1 + g.intn(200))
		case 2:
			return uint32(4090 + g.intn(10)) // around MAX_ERRNO
		case 3:
			return 0xffff
		default:
			return uint32(g.intn(0x10000))
		}
	}
	switch g.intn(14) {
	case 0:
		return RetKillP | pick(g, 0, data())
	case 1:
		return RetKillT | pick(g, 0, data())
	case 2:
		return RetTrap | data()
	case 3, 4:
		return RetErrno | data()
	case 5:
		return RetNotify | pick(g, 0, data())
	case 6:
		return RetTrace | data()
	case 7:
		return RetLog | pick(g, 0, data())
	case 8, 9:
		return RetAllow | pick(g, 0, 0, data())
	case 10:
		return pick[uint32](g, 0x10000000, 0x90000000, 0xaaaaaaaa, 0x00040000, 0x7ffe0000, 0xffff0000, 0x00010000, 0x7fff0001)
	case 11:
		return uint32(g.intn(0x10000)) << 16 // any action part, no data
	default:
		return g.u32()
	}
}

// Length returns a random program length for general tests: mostly short,
// sometimes long, rarely at the 4096 limit.
func (g *Gen) Length() int {
	switch x := g.intn(100); {
	case x < 55:
		return 1 + g.intn(24)
	case x < 85:
		return 1 + g.intn(128)
	case x < 97:
		return 1 + g.intn(1024)
	default:
		return MaxInsns - g.intn(64)
	}
}
