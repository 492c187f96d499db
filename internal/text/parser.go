package text

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/asm"
	"github.com/seccomp-go/seccomp/internal/opcode"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// parser reads the tokens of one statement.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{}
}

func (p *parser) next() token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

// accept consumes the next token if it has the given kind.
func (p *parser) accept(kind byte) bool {
	if p.peek().kind == kind {
		p.pos++
		return true
	}
	return false
}

// acceptWord consumes the next token if it is the identifier w, in any
// case.
func (p *parser) acceptWord(w string) bool {
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, w) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(kind byte) error {
	if t := p.next(); t.kind != kind {
		return fmt.Errorf("expected %q, found %v", string(kind), t)
	}
	return nil
}

func (p *parser) end() error {
	if t := p.peek(); t.kind != 0 {
		return fmt.Errorf("unexpected %v after the operands", t)
	}
	return nil
}

// number reads a number no larger than max.
func (p *parser) number(max uint32) (uint32, error) {
	t := p.next()
	if t.kind != 'n' {
		return 0, fmt.Errorf("expected a number, found %v", t)
	}
	return parseNum(t.text, max)
}

func parseNum(s string, max uint32) (uint32, error) {
	var v uint64
	var err error
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		v, err = strconv.ParseUint(s[2:], 16, 64)
	} else {
		v, err = strconv.ParseUint(s, 10, 64)
	}
	switch {
	case errors.Is(err, strconv.ErrRange) || err == nil && v > uint64(max):
		return 0, fmt.Errorf("number %s is out of range (at most %#x)", s, max)
	case err != nil:
		return 0, fmt.Errorf("bad number %q", s)
	}
	return uint32(v), nil
}

// imm reads an immediate after its "#".
func (p *parser) imm() (uint32, error) {
	switch t := p.peek(); t.kind {
	case '-':
		p.next()
		v, err := p.number(0x80000000)
		return -v, err
	case 'n':
		return p.number(0xffffffff)
	case 'i':
		p.next()
		if strings.EqualFold(t.text, "X32_SYSCALL_BIT") {
			return uapi.X32SyscallBit, nil
		}
		if len(t.text) > 11 && strings.EqualFold(t.text[:11], "AUDIT_ARCH_") {
			if a, ok := uapi.AuditArchByName(t.text); ok {
				return a, nil
			}
		}
		return 0, fmt.Errorf("unknown constant %q", t.text)
	default:
		return 0, fmt.Errorf("expected a number or a constant after '#', found %v", t)
	}
}

// operandK reads "#k" or "x", and says which.
func (p *parser) operandK() (k uint32, x bool, err error) {
	if p.acceptWord("x") {
		return 0, true, nil
	}
	if !p.accept('#') {
		return 0, false, fmt.Errorf("expected #k or x, found %v", p.peek())
	}
	k, err = p.imm()
	return k, false, err
}

// scratch reads "M[k]".
func (p *parser) scratch() (uint32, error) {
	if !p.acceptWord("M") {
		return 0, fmt.Errorf("expected M[k], found %v", p.peek())
	}
	if err := p.expect('['); err != nil {
		return 0, err
	}
	k, err := p.number(0xffffffff)
	if err != nil {
		return 0, err
	}
	return k, p.expect(']')
}

// msh reads "4*([k]&0xf)".
func (p *parser) msh() (uint32, error) {
	if t := p.peek(); t.kind != 'n' || t.text != "4" {
		return 0, fmt.Errorf("expected 4*([k]&0xf), found %v", t)
	}
	p.next()
	for _, c := range "*([" {
		if err := p.expect(byte(c)); err != nil {
			return 0, err
		}
	}
	k, err := p.number(0xffffffff)
	if err != nil {
		return 0, err
	}
	for _, c := range "]&" {
		if err := p.expect(byte(c)); err != nil {
			return 0, err
		}
	}
	if m, err := p.number(0xffffffff); err != nil || m != 0xf {
		return 0, errors.New("expected 4*([k]&0xf): the mask must be 0xf")
	}
	return k, p.expect(')')
}

// target reads a jump target.
func (p *parser) target() (jumpTarget, error) {
	t := p.next()
	switch {
	case t.kind == 'i' && t.text[0] != '.':
		return jumpTarget{name: t.text, num: -1}, nil
	case t.kind == 'n':
		n, err := parseIndex(t.text)
		if err != nil {
			return jumpTarget{}, err
		}
		return jumpTarget{name: indexLabel(n), num: n}, nil
	}
	return jumpTarget{}, fmt.Errorf("expected a jump target (a label or an instruction number), found %v", t)
}

// parseIndex parses a decimal instruction number.
func parseIndex(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		if !digit(s[i]) {
			return 0, fmt.Errorf("bad instruction number %q: must be decimal", s)
		}
	}
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("instruction number %s is too large", s)
	}
	return int(n), nil
}

// indexLabel is the Source label of instruction number n. It cannot
// clash with a label of the text, which starts with a letter.
func indexLabel(n int) string { return fmt.Sprintf("%04d", n) }

type itemKind uint8

const (
	itemLabel itemKind = iota // a label definition
	itemPlain                 // an instruction with no target
	itemJump                  // ja
	itemCond                  // a conditional jump
	itemRaw                   // .insn
)

type jumpTarget struct {
	name string // Source label; "" for the next instruction
	num  int    // the instruction number, when name is one
}

type item struct {
	kind  itemKind
	line  int
	label string             // itemLabel
	raw   bpf.RawInstruction // itemPlain, itemRaw
	cond  bpf.JumpTest       // itemCond
	x     bool               // itemCond: compare with X
	k     uint32             // itemCond
	t, f  jumpTarget         // itemJump (t), itemCond
}

type assembler struct {
	le       bool // byte order of .lo and .hi
	items    []item
	nInsn    int
	numbered bool           // the text has index prefixes
	indices  map[string]int // index label -> line
}

// line parses one line, comments removed.
func (a *assembler) line(n int, s string) error {
	toks, err := lex(s)
	if err != nil {
		return &asm.Error{Insn: -1, Line: n, Reason: err.Error()}
	}
	p := &parser{toks: toks}
	for len(p.toks) > p.pos+1 && p.toks[p.pos+1].kind == ':' {
		t := p.toks[p.pos]
		var name string
		switch {
		case t.kind == 'n':
			idx, err := parseIndex(t.text)
			if err != nil {
				return &asm.Error{Insn: -1, Line: n, Reason: err.Error()}
			}
			name = indexLabel(idx)
			a.numbered = true
			if a.indices == nil {
				a.indices = make(map[string]int)
			}
			a.indices[name] = n
		case t.kind == 'i' && t.text[0] != '.':
			name = t.text
		default:
			return &asm.Error{Insn: -1, Line: n, Reason: fmt.Sprintf("bad label %v", t)}
		}
		a.items = append(a.items, item{kind: itemLabel, line: n, label: name})
		p.pos += 2
	}
	if p.peek().kind == 0 {
		return nil
	}
	it, err := a.statement(p)
	if err == nil {
		err = p.end()
	}
	if err != nil {
		return &asm.Error{Insn: a.nInsn, Line: n, Reason: err.Error()}
	}
	if it.kind == itemLabel { // a directive
		return nil
	}
	it.line = n
	a.items = append(a.items, it)
	a.nInsn++
	return nil
}

var condMnemonics = map[string]bpf.JumpTest{
	"jeq": bpf.JumpEqual, "jne": bpf.JumpNotEqual, "jneq": bpf.JumpNotEqual,
	"jgt": bpf.JumpGreaterThan, "jle": bpf.JumpLessOrEqual,
	"jge": bpf.JumpGreaterOrEqual, "jlt": bpf.JumpLessThan,
	"jset": bpf.JumpBitsSet, "jnset": bpf.JumpBitsNotSet,
}

var aluOps = map[string]uint16{
	"add": opcode.AluADD, "sub": opcode.AluSUB, "mul": opcode.AluMUL, "div": opcode.AluDIV, "mod": opcode.AluMOD,
	"and": opcode.AluAND, "or": opcode.AluOR, "xor": opcode.AluXOR, "lsh": opcode.AluLSH, "rsh": opcode.AluRSH,
}

// statement parses a statement. A directive that emits nothing returns an
// item of kind itemLabel.
func (a *assembler) statement(p *parser) (item, error) {
	t := p.next()
	if t.kind != 'i' {
		return item{}, fmt.Errorf("expected an instruction, found %v", t)
	}
	mn := strings.ToLower(t.text)
	plain := func(op uint16, k uint32) (item, error) {
		return item{kind: itemPlain, raw: bpf.RawInstruction{Op: op, K: k}}, nil
	}
	if cond, ok := condMnemonics[mn]; ok {
		k, x, err := p.operandK()
		if err != nil {
			return item{}, err
		}
		if err := p.expect(','); err != nil {
			return item{}, err
		}
		it := item{kind: itemCond, cond: cond, x: x, k: k}
		if it.t, err = p.target(); err != nil {
			return item{}, err
		}
		if p.accept(',') {
			if it.f, err = p.target(); err != nil {
				return item{}, err
			}
		}
		return it, nil
	}
	if alu, ok := aluOps[mn]; ok {
		k, x, err := p.operandK()
		if err != nil {
			return item{}, err
		}
		if x {
			return plain(opcode.ClsALU|alu|opcode.SrcX, 0)
		}
		return plain(opcode.ClsALU|alu|opcode.SrcK, k)
	}
	switch mn {
	case "ld", "ldh", "ldb":
		return a.load(p, mn)
	case "ldx":
		switch {
		case p.accept('#'):
			if p.acceptWord("len") {
				return plain(opcode.LdxLen, 0)
			}
			k, err := p.imm()
			return item{kind: itemPlain, raw: bpf.RawInstruction{Op: opcode.LdxImm, K: k}}, err
		case p.peek().kind == 'n':
			k, err := p.msh()
			return item{kind: itemPlain, raw: bpf.RawInstruction{Op: opcode.LdxMsh, K: k}}, err
		}
		if t := p.peek(); t.kind != 'i' || !strings.EqualFold(t.text, "M") {
			return item{}, fmt.Errorf("ldx takes #k, #len, M[k] or 4*([k]&0xf), found %v", t)
		}
		k, err := p.scratch()
		return item{kind: itemPlain, raw: bpf.RawInstruction{Op: opcode.LdxMem, K: k}}, err
	case "ldxb":
		k, err := p.msh()
		return item{kind: itemPlain, raw: bpf.RawInstruction{Op: opcode.LdxMsh, K: k}}, err
	case "st", "stx":
		k, err := p.scratch()
		op := uint16(opcode.St)
		if mn == "stx" {
			op = opcode.Stx
		}
		return item{kind: itemPlain, raw: bpf.RawInstruction{Op: op, K: k}}, err
	case "tax":
		return plain(opcode.Tax, 0)
	case "txa":
		return plain(opcode.Txa, 0)
	case "neg":
		return plain(opcode.Neg, 0)
	case "ja", "jmp":
		tgt, err := p.target()
		return item{kind: itemJump, t: tgt}, err
	case "ret":
		switch {
		case p.acceptWord("a"):
			return plain(opcode.RetA, 0)
		case p.accept('#'):
			k, err := p.imm()
			return item{kind: itemPlain, raw: bpf.RawInstruction{Op: opcode.RetK, K: k}}, err
		}
		act, err := p.action()
		return item{kind: itemPlain, raw: bpf.RawInstruction{Op: opcode.RetK, K: act}}, err
	case ".insn":
		var f [4]uint32
		for i, max := range [4]uint32{0xffff, 0xff, 0xff, 0xffffffff} {
			if i > 0 {
				if err := p.expect(','); err != nil {
					return item{}, err
				}
			}
			v, err := p.number(max)
			if err != nil {
				return item{}, err
			}
			f[i] = v
		}
		return item{kind: itemRaw, raw: bpf.RawInstruction{Op: uint16(f[0]), Jt: uint8(f[1]), Jf: uint8(f[2]), K: f[3]}}, nil
	case ".order":
		switch {
		case p.acceptWord("little"):
			a.le = true
		case p.acceptWord("big"):
			a.le = false
		default:
			return item{}, fmt.Errorf(".order takes little or big, found %v", p.peek())
		}
		return item{kind: itemLabel}, nil
	}
	if mn[0] == '.' {
		return item{}, fmt.Errorf("unknown directive %q", t.text)
	}
	return item{}, fmt.Errorf("unknown mnemonic %q", t.text)
}

// load parses the operand of ld, ldh and ldb.
func (a *assembler) load(p *parser, mn string) (item, error) {
	size := uint16(opcode.SzW)
	switch mn {
	case "ldh":
		size = opcode.SzH
	case "ldb":
		size = opcode.SzB
	}
	mk := func(op uint16, k uint32, err error) (item, error) {
		return item{kind: itemPlain, raw: bpf.RawInstruction{Op: op, K: k}}, err
	}
	switch tok := p.peek(); {
	case tok.kind == '[':
		p.next()
		if p.acceptWord("x") {
			var k uint32
			if p.accept('+') {
				var err error
				if k, err = p.number(0xffffffff); err != nil {
					return item{}, err
				}
			}
			return mk(opcode.ClsLD|size|opcode.ModeIND, k, p.expect(']'))
		}
		var k uint32
		var err error
		if p.peek().kind == 'i' {
			k, err = a.field(p)
		} else {
			k, err = p.number(0xffffffff)
		}
		if err != nil {
			return item{}, err
		}
		return mk(opcode.ClsLD|size|opcode.ModeABS, k, p.expect(']'))
	case mn != "ld":
		return item{}, fmt.Errorf("%s takes [k] or [x + k], found %v", mn, tok)
	case tok.kind == '#':
		p.next()
		if t := p.peek(); t.kind == 'i' {
			if strings.EqualFold(t.text, "len") {
				p.next()
				return mk(opcode.LdLen, 0, nil)
			}
			if off, ok := extensions[strings.ToLower(t.text)]; ok {
				p.next()
				return mk(opcode.LdWAbs, opcode.SkfAdOff+off, nil)
			}
		}
		k, err := p.imm()
		return mk(opcode.LdImm, k, err)
	}
	if t := p.peek(); t.kind != 'i' || !strings.EqualFold(t.text, "M") {
		return item{}, fmt.Errorf("ld takes [k], [x + k], #k, #len or M[k], found %v", t)
	}
	k, err := p.scratch()
	return mk(opcode.LdMem, k, err)
}

// field reads the name of a seccomp_data word inside [...].
func (a *assembler) field(p *parser) (uint32, error) {
	t := p.next()
	name := strings.ToLower(t.text)
	var base uint32
	var half string
	switch {
	case name == "nr":
		return uapi.OffsetNr, nil
	case name == "arch":
		return uapi.OffsetArch, nil
	case strings.HasPrefix(name, "instruction_pointer."):
		base, half = uapi.OffsetInstructionPointer, name[len("instruction_pointer"):]
	case name == "args":
		if err := p.expect('['); err != nil {
			return 0, err
		}
		i, err := p.number(5)
		if err != nil {
			return 0, fmt.Errorf("bad argument index: %v", err)
		}
		if err := p.expect(']'); err != nil {
			return 0, err
		}
		base = uapi.OffsetArg(int(i))
		if h := p.next(); h.kind == 'i' {
			half = strings.ToLower(h.text)
		}
	default:
		return 0, fmt.Errorf("unknown field %q: expected nr, arch, instruction_pointer.lo/.hi or args[i].lo/.hi", t.text)
	}
	switch half {
	case ".lo":
		if !a.le {
			base += 4
		}
	case ".hi":
		if a.le {
			base += 4
		}
	default:
		return 0, errors.New("a 64-bit field needs .lo or .hi: a load reads 32 bits")
	}
	return base, nil
}

// action reads an action: NAME, NAME(n) or NAME|n.
func (p *parser) action() (uint32, error) {
	t := p.next()
	if t.kind != 'i' {
		return 0, fmt.Errorf("expected a, #k or an action, found %v", t)
	}
	var act uint32
	withData := false
	switch strings.ToUpper(t.text) {
	case "KILL_PROCESS":
		act = uapi.RetKillProcess
	case "KILL_THREAD", "KILL":
		act = uapi.RetKillThread
	case "USER_NOTIF":
		act = uapi.RetUserNotif
	case "LOG":
		act = uapi.RetLog
	case "ALLOW":
		act = uapi.RetAllow
	case "TRAP":
		act, withData = uapi.RetTrap, true
	case "ERRNO":
		act, withData = uapi.RetErrno, true
	case "TRACE":
		act, withData = uapi.RetTrace, true
	default:
		return 0, fmt.Errorf("unknown action %q", t.text)
	}
	if withData {
		if p.accept('(') {
			n, err := p.data()
			if err != nil {
				return 0, err
			}
			act |= n
			if err := p.expect(')'); err != nil {
				return 0, err
			}
		}
	} else if p.accept('|') {
		n, err := p.data()
		if err != nil {
			return 0, err
		}
		act |= n
	}
	return act, nil
}

// data reads the 16-bit data of an action: a number below 0x10000, or "-"
// and a number, its two's complement in 16 bits (down to -0x8000), by the
// rule of immediates (#-1 is 0xffffffff, ERRNO(-1) is ERRNO(65535)).
func (p *parser) data() (uint32, error) {
	if p.accept('-') {
		v, err := p.number(0x8000)
		return -v & 0xffff, err
	}
	return p.number(0xffff)
}
