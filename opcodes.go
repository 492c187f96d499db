package seccomp

// Classic BPF opcode bits (include/uapi/linux/bpf_common.h, filter.h).
const (
	clsLD   = 0x00
	clsLDX  = 0x01
	clsST   = 0x02
	clsSTX  = 0x03
	clsALU  = 0x04
	clsJMP  = 0x05
	clsRET  = 0x06
	clsMISC = 0x07

	szW = 0x00
	szH = 0x08
	szB = 0x10

	modeIMM = 0x00
	modeABS = 0x20
	modeIND = 0x40
	modeMEM = 0x60
	modeLEN = 0x80
	modeMSH = 0xa0

	aluADD = 0x00
	aluSUB = 0x10
	aluMUL = 0x20
	aluDIV = 0x30
	aluOR  = 0x40
	aluAND = 0x50
	aluLSH = 0x60
	aluRSH = 0x70
	aluNEG = 0x80
	aluMOD = 0x90
	aluXOR = 0xa0

	jmpJA   = 0x00
	jmpJEQ  = 0x10
	jmpJGT  = 0x20
	jmpJGE  = 0x30
	jmpJSET = 0x40

	srcK = 0x00
	srcX = 0x08

	retK = 0x00
	retA = 0x10

	miscTAX = 0x00
	miscTXA = 0x80
)

// The complete opcodes the kernel's classic BPF checker knows
// (chk_code_allowed in net/core/filter.c).
const (
	opLdWAbs  = clsLD | szW | modeABS
	opLdHAbs  = clsLD | szH | modeABS
	opLdBAbs  = clsLD | szB | modeABS
	opLdWInd  = clsLD | szW | modeIND
	opLdHInd  = clsLD | szH | modeIND
	opLdBInd  = clsLD | szB | modeIND
	opLdLen   = clsLD | szW | modeLEN
	opLdImm   = clsLD | modeIMM
	opLdMem   = clsLD | modeMEM
	opLdxLen  = clsLDX | szW | modeLEN
	opLdxMsh  = clsLDX | szB | modeMSH
	opLdxImm  = clsLDX | modeIMM
	opLdxMem  = clsLDX | modeMEM
	opSt      = clsST
	opStx     = clsSTX
	opTax     = clsMISC | miscTAX
	opTxa     = clsMISC | miscTXA
	opRetK    = clsRET | retK
	opRetA    = clsRET | retA
	opJa      = clsJMP | jmpJA
	opJeqK    = clsJMP | jmpJEQ | srcK
	opJeqX    = clsJMP | jmpJEQ | srcX
	opJgtK    = clsJMP | jmpJGT | srcK
	opJgtX    = clsJMP | jmpJGT | srcX
	opJgeK    = clsJMP | jmpJGE | srcK
	opJgeX    = clsJMP | jmpJGE | srcX
	opJsetK   = clsJMP | jmpJSET | srcK
	opJsetX   = clsJMP | jmpJSET | srcX
	opAddK    = clsALU | aluADD | srcK
	opAddX    = clsALU | aluADD | srcX
	opSubK    = clsALU | aluSUB | srcK
	opSubX    = clsALU | aluSUB | srcX
	opMulK    = clsALU | aluMUL | srcK
	opMulX    = clsALU | aluMUL | srcX
	opDivK    = clsALU | aluDIV | srcK
	opDivX    = clsALU | aluDIV | srcX
	opModK    = clsALU | aluMOD | srcK
	opModX    = clsALU | aluMOD | srcX
	opAndK    = clsALU | aluAND | srcK
	opAndX    = clsALU | aluAND | srcX
	opOrK     = clsALU | aluOR | srcK
	opOrX     = clsALU | aluOR | srcX
	opXorK    = clsALU | aluXOR | srcK
	opXorX    = clsALU | aluXOR | srcX
	opLshK    = clsALU | aluLSH | srcK
	opLshX    = clsALU | aluLSH | srcX
	opRshK    = clsALU | aluRSH | srcK
	opRshX    = clsALU | aluRSH | srcX
	opNeg     = clsALU | aluNEG
	memWords  = 16         // BPF_MEMWORDS
	skfAdOff  = 0xfffff000 // SKF_AD_OFF as u32
	skfAdMax  = 64         // SKF_AD_MAX
	numOpcode = 0x100
)

// genericAllowed is chk_code_allowed: every opcode classic BPF accepts, for
// sockets as well as seccomp. Anything else is rejected, including any value
// with bits set above the low byte.
var genericAllowed = [numOpcode]bool{
	opAddK: true, opAddX: true, opSubK: true, opSubX: true,
	opMulK: true, opMulX: true, opDivK: true, opDivX: true,
	opModK: true, opModX: true, opAndK: true, opAndX: true,
	opOrK: true, opOrX: true, opXorK: true, opXorX: true,
	opLshK: true, opLshX: true, opRshK: true, opRshX: true,
	opNeg:    true,
	opLdWAbs: true, opLdHAbs: true, opLdBAbs: true, opLdLen: true,
	opLdWInd: true, opLdHInd: true, opLdBInd: true,
	opLdImm: true, opLdMem: true,
	opLdxLen: true, opLdxMsh: true, opLdxImm: true, opLdxMem: true,
	opSt: true, opStx: true, opTax: true, opTxa: true,
	opRetK: true, opRetA: true,
	opJa:   true,
	opJeqK: true, opJeqX: true, opJgeK: true, opJgeX: true,
	opJgtK: true, opJgtX: true, opJsetK: true, opJsetX: true,
}

// seccompAllowed is the allowlist of seccomp_check_filter in
// kernel/seccomp.c: the subset of genericAllowed a seccomp filter may use.
// LD W ABS is allowed here but has its own offset check.
var seccompAllowed = [numOpcode]bool{
	opAddK: true, opAddX: true, opSubK: true, opSubX: true,
	opMulK: true, opMulX: true, opDivK: true, opDivX: true,
	opAndK: true, opAndX: true, opOrK: true, opOrX: true,
	opXorK: true, opXorX: true, opLshK: true, opLshX: true,
	opRshK: true, opRshX: true, opNeg: true,
	opLdWAbs: true, opLdLen: true, opLdxLen: true,
	opLdImm: true, opLdxImm: true, opLdMem: true, opLdxMem: true,
	opSt: true, opStx: true, opTax: true, opTxa: true,
	opRetK: true, opRetA: true,
	opJa:   true,
	opJeqK: true, opJeqX: true, opJgeK: true, opJgeX: true,
	opJgtK: true, opJgtX: true, opJsetK: true, opJsetX: true,
}

func isCondJump(op uint16) bool {
	switch op {
	case opJeqK, opJeqX, opJgtK, opJgtX, opJgeK, opJgeX, opJsetK, opJsetX:
		return true
	}
	return false
}
