// Package opcode holds the opcodes of classic BPF, as the kernel's uapi
// headers define them (include/uapi/linux/bpf_common.h, filter.h), and the
// kernel's allowlists of them: shared by the verifier, the emulator, the
// assembler, the text form and the compiler.
package opcode

// Classic BPF opcode bits (include/uapi/linux/bpf_common.h, filter.h).
const (
	ClsLD   = 0x00
	ClsLDX  = 0x01
	ClsST   = 0x02
	ClsSTX  = 0x03
	ClsALU  = 0x04
	ClsJMP  = 0x05
	ClsRET  = 0x06
	ClsMISC = 0x07

	SzW = 0x00
	SzH = 0x08
	SzB = 0x10

	ModeIMM = 0x00
	ModeABS = 0x20
	ModeIND = 0x40
	ModeMEM = 0x60
	ModeLEN = 0x80
	ModeMSH = 0xa0

	AluADD = 0x00
	AluSUB = 0x10
	AluMUL = 0x20
	AluDIV = 0x30
	AluOR  = 0x40
	AluAND = 0x50
	AluLSH = 0x60
	AluRSH = 0x70
	AluNEG = 0x80
	AluMOD = 0x90
	AluXOR = 0xa0

	JmpJA   = 0x00
	JmpJEQ  = 0x10
	JmpJGT  = 0x20
	JmpJGE  = 0x30
	JmpJSET = 0x40

	SrcK = 0x00
	SrcX = 0x08

	RvalK = 0x00
	RvalA = 0x10

	MiscTAX = 0x00
	MiscTXA = 0x80
)

// The complete opcodes the kernel's classic BPF checker knows
// (chk_code_allowed in net/core/filter.c).
const (
	LdWAbs    = ClsLD | SzW | ModeABS
	LdHAbs    = ClsLD | SzH | ModeABS
	LdBAbs    = ClsLD | SzB | ModeABS
	LdWInd    = ClsLD | SzW | ModeIND
	LdHInd    = ClsLD | SzH | ModeIND
	LdBInd    = ClsLD | SzB | ModeIND
	LdLen     = ClsLD | SzW | ModeLEN
	LdImm     = ClsLD | ModeIMM
	LdMem     = ClsLD | ModeMEM
	LdxLen    = ClsLDX | SzW | ModeLEN
	LdxMsh    = ClsLDX | SzB | ModeMSH
	LdxImm    = ClsLDX | ModeIMM
	LdxMem    = ClsLDX | ModeMEM
	St        = ClsST
	Stx       = ClsSTX
	Tax       = ClsMISC | MiscTAX
	Txa       = ClsMISC | MiscTXA
	RetK      = ClsRET | RvalK
	RetA      = ClsRET | RvalA
	Ja        = ClsJMP | JmpJA
	JeqK      = ClsJMP | JmpJEQ | SrcK
	JeqX      = ClsJMP | JmpJEQ | SrcX
	JgtK      = ClsJMP | JmpJGT | SrcK
	JgtX      = ClsJMP | JmpJGT | SrcX
	JgeK      = ClsJMP | JmpJGE | SrcK
	JgeX      = ClsJMP | JmpJGE | SrcX
	JsetK     = ClsJMP | JmpJSET | SrcK
	JsetX     = ClsJMP | JmpJSET | SrcX
	AddK      = ClsALU | AluADD | SrcK
	AddX      = ClsALU | AluADD | SrcX
	SubK      = ClsALU | AluSUB | SrcK
	SubX      = ClsALU | AluSUB | SrcX
	MulK      = ClsALU | AluMUL | SrcK
	MulX      = ClsALU | AluMUL | SrcX
	DivK      = ClsALU | AluDIV | SrcK
	DivX      = ClsALU | AluDIV | SrcX
	ModK      = ClsALU | AluMOD | SrcK
	ModX      = ClsALU | AluMOD | SrcX
	AndK      = ClsALU | AluAND | SrcK
	AndX      = ClsALU | AluAND | SrcX
	OrK       = ClsALU | AluOR | SrcK
	OrX       = ClsALU | AluOR | SrcX
	XorK      = ClsALU | AluXOR | SrcK
	XorX      = ClsALU | AluXOR | SrcX
	LshK      = ClsALU | AluLSH | SrcK
	LshX      = ClsALU | AluLSH | SrcX
	RshK      = ClsALU | AluRSH | SrcK
	RshX      = ClsALU | AluRSH | SrcX
	Neg       = ClsALU | AluNEG
	MemWords  = 16         // BPF_MEMWORDS
	SkfAdOff  = 0xfffff000 // SKF_AD_OFF as u32
	SkfAdMax  = 64         // SKF_AD_MAX
	NumOpcode = 0x100
)

// GenericAllowed is chk_code_allowed: every opcode classic BPF accepts, for
// sockets as well as seccomp. Anything else is rejected, including any value
// with bits set above the low byte.
var GenericAllowed = [NumOpcode]bool{
	AddK: true, AddX: true, SubK: true, SubX: true,
	MulK: true, MulX: true, DivK: true, DivX: true,
	ModK: true, ModX: true, AndK: true, AndX: true,
	OrK: true, OrX: true, XorK: true, XorX: true,
	LshK: true, LshX: true, RshK: true, RshX: true,
	Neg:    true,
	LdWAbs: true, LdHAbs: true, LdBAbs: true, LdLen: true,
	LdWInd: true, LdHInd: true, LdBInd: true,
	LdImm: true, LdMem: true,
	LdxLen: true, LdxMsh: true, LdxImm: true, LdxMem: true,
	St: true, Stx: true, Tax: true, Txa: true,
	RetK: true, RetA: true,
	Ja:   true,
	JeqK: true, JeqX: true, JgeK: true, JgeX: true,
	JgtK: true, JgtX: true, JsetK: true, JsetX: true,
}

// SeccompAllowed is the allowlist of seccomp_check_filter in
// kernel/seccomp.c: the subset of GenericAllowed a seccomp filter may use.
// LD W ABS is allowed here but has its own offset check.
var SeccompAllowed = [NumOpcode]bool{
	AddK: true, AddX: true, SubK: true, SubX: true,
	MulK: true, MulX: true, DivK: true, DivX: true,
	AndK: true, AndX: true, OrK: true, OrX: true,
	XorK: true, XorX: true, LshK: true, LshX: true,
	RshK: true, RshX: true, Neg: true,
	LdWAbs: true, LdLen: true, LdxLen: true,
	LdImm: true, LdxImm: true, LdMem: true, LdxMem: true,
	St: true, Stx: true, Tax: true, Txa: true,
	RetK: true, RetA: true,
	Ja:   true,
	JeqK: true, JeqX: true, JgeK: true, JgeX: true,
	JgtK: true, JgtX: true, JsetK: true, JsetX: true,
}

// IsCondJump reports whether op is a conditional jump.
func IsCondJump(op uint16) bool {
	switch op {
	case JeqK, JeqX, JgtK, JgtX, JgeK, JgeX, JsetK, JsetX:
		return true
	}
	return false
}

// KnownAncillary reports whether k names an ancillary load the kernel
// knows (bpf_anc_helper): SKF_AD_OFF plus SKF_AD_PROTOCOL .. SKF_AD_VLAN_TPID.
func KnownAncillary(k uint32) bool {
	off := k - SkfAdOff
	return off < SkfAdMax && off%4 == 0
}
