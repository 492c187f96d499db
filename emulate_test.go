package seccomp

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/opcode"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// retAcc ends a test program by returning the accumulator.
var retAcc = r(opcode.RetA, 0, 0, 0)

func TestEmulatorInstructions(t *testing.T) {
	d := Data{
		Nr:                 -2,
		Arch:               AuditArchX86_64,
		InstructionPointer: 0x1122334455667788,
		Args:               [6]uint64{0xaaaaaaaa_bbbbbbbb, 1, 2, 3, 4, 0xffffffff_00000005},
	}
	tests := []struct {
		name string
		prog Program
		want uint32
		n    int
	}{
		{"registers start at zero", Program{retAcc}, 0, 1},
		{"X starts at zero", Program{r(opcode.Txa, 0, 0, 0), retAcc}, 0, 2},
		{"ld nr", Program{r(opcode.LdWAbs, 0, 0, 0), retAcc}, 0xfffffffe, 2},
		{"ld arch", Program{r(opcode.LdWAbs, 0, 0, 4), retAcc}, uint32(AuditArchX86_64), 2},
		{"ld ip low (LE)", Program{r(opcode.LdWAbs, 0, 0, 8), retAcc}, 0x55667788, 2},
		{"ld ip high (LE)", Program{r(opcode.LdWAbs, 0, 0, 12), retAcc}, 0x11223344, 2},
		{"ld args[0] low", Program{r(opcode.LdWAbs, 0, 0, 16), retAcc}, 0xbbbbbbbb, 2},
		{"ld args[0] high", Program{r(opcode.LdWAbs, 0, 0, 20), retAcc}, 0xaaaaaaaa, 2},
		{"ld args[5] low", Program{r(opcode.LdWAbs, 0, 0, 56), retAcc}, 5, 2},
		{"ld args[5] high", Program{r(opcode.LdWAbs, 0, 0, 60), retAcc}, 0xffffffff, 2},
		{"ld len", Program{r(opcode.LdLen, 0, 0, 0), retAcc}, 64, 2},
		{"ldx len", Program{r(opcode.LdxLen, 0, 0, 0), r(opcode.Txa, 0, 0, 0), retAcc}, 64, 3},
		{"ld imm", Program{r(opcode.LdImm, 0, 0, 7), retAcc}, 7, 2},
		{"ldx imm, txa", Program{r(opcode.LdxImm, 0, 0, 9), r(opcode.Txa, 0, 0, 0), retAcc}, 9, 3},
		{"tax", Program{r(opcode.LdImm, 0, 0, 5), r(opcode.Tax, 0, 0, 0), r(opcode.LdImm, 0, 0, 0), r(opcode.Txa, 0, 0, 0), retAcc}, 5, 5},
		{"st, ld mem", Program{r(opcode.LdImm, 0, 0, 3), r(opcode.St, 0, 0, 15), r(opcode.LdImm, 0, 0, 0), r(opcode.LdMem, 0, 0, 15), retAcc}, 3, 5},
		{"stx, ldx mem", Program{r(opcode.LdxImm, 0, 0, 4), r(opcode.Stx, 0, 0, 0), r(opcode.LdxImm, 0, 0, 0), r(opcode.LdxMem, 0, 0, 0), r(opcode.Txa, 0, 0, 0), retAcc}, 4, 6},
		{"add wraps", Program{r(opcode.LdImm, 0, 0, 0xffffffff), r(opcode.AddK, 0, 0, 2), retAcc}, 1, 3},
		{"sub wraps", Program{r(opcode.SubK, 0, 0, 1), retAcc}, 0xffffffff, 2},
		{"mul wraps", Program{r(opcode.LdImm, 0, 0, 0x80000001), r(opcode.MulK, 0, 0, 4), retAcc}, 4, 3},
		{"div is unsigned", Program{r(opcode.LdImm, 0, 0, 0xfffffffe), r(opcode.DivK, 0, 0, 2), retAcc}, 0x7fffffff, 3},
		{"div by X", Program{r(opcode.LdImm, 0, 0, 100), r(opcode.LdxImm, 0, 0, 7), r(opcode.DivX, 0, 0, 0), retAcc}, 14, 4},
		{"div by X = 0 returns 0 at once", Program{r(opcode.LdImm, 0, 0, 100), r(opcode.DivX, 0, 0, 0), r(opcode.RetK, 0, 0, uint32(ActAllow))}, 0, 2},
		{"and or xor", Program{r(opcode.LdImm, 0, 0, 0xf0f0), r(opcode.AndK, 0, 0, 0xff00), r(opcode.OrK, 0, 0, 1), r(opcode.XorK, 0, 0, 0x3), retAcc}, 0xf002, 5},
		{"and/or/xor X", Program{r(opcode.LdxImm, 0, 0, 0xff), r(opcode.LdImm, 0, 0, 0xf0f), r(opcode.AndX, 0, 0, 0), r(opcode.OrX, 0, 0, 0), r(opcode.XorX, 0, 0, 0), retAcc}, 0, 6},
		{"add/sub/mul X", Program{r(opcode.LdxImm, 0, 0, 3), r(opcode.LdImm, 0, 0, 10), r(opcode.AddX, 0, 0, 0), r(opcode.MulX, 0, 0, 0), r(opcode.SubX, 0, 0, 0), retAcc}, 36, 6},
		{"lsh k", Program{r(opcode.LdImm, 0, 0, 1), r(opcode.LshK, 0, 0, 31), retAcc}, 0x80000000, 3},
		{"rsh k", Program{r(opcode.LdImm, 0, 0, 0x80000000), r(opcode.RshK, 0, 0, 31), retAcc}, 1, 3},
		{"lsh X masks to 5 bits", Program{r(opcode.LdImm, 0, 0, 1), r(opcode.LdxImm, 0, 0, 33), r(opcode.LshX, 0, 0, 0), retAcc}, 2, 4},
		{"rsh X masks to 5 bits", Program{r(opcode.LdImm, 0, 0, 0x80), r(opcode.LdxImm, 0, 0, 32+3), r(opcode.RshX, 0, 0, 0), retAcc}, 0x10, 4},
		{"neg", Program{r(opcode.LdImm, 0, 0, 1), r(opcode.Neg, 0, 0, 0), retAcc}, 0xffffffff, 3},
		{"ja", Program{r(opcode.Ja, 0, 0, 1), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 2, 2},
		{"jeq true", Program{r(opcode.LdImm, 0, 0, 5), r(opcode.JeqK, 1, 0, 5), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 2, 3},
		{"jeq false", Program{r(opcode.LdImm, 0, 0, 5), r(opcode.JeqK, 1, 0, 6), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 1, 3},
		{"jgt is unsigned", Program{r(opcode.LdImm, 0, 0, 0x80000000), r(opcode.JgtK, 1, 0, 1), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 2, 3},
		{"jge equal", Program{r(opcode.LdImm, 0, 0, 7), r(opcode.JgeK, 1, 0, 7), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 2, 3},
		{"jset", Program{r(opcode.LdImm, 0, 0, 6), r(opcode.JsetK, 1, 0, 1), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 1, 3},
		{"jeq X", Program{r(opcode.LdImm, 0, 0, 3), r(opcode.LdxImm, 0, 0, 3), r(opcode.JeqX, 1, 0, 0), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 2, 4},
		{"jgt X", Program{r(opcode.LdImm, 0, 0, 3), r(opcode.LdxImm, 0, 0, 3), r(opcode.JgtX, 1, 0, 0), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 1, 4},
		{"jge X", Program{r(opcode.LdImm, 0, 0, 3), r(opcode.LdxImm, 0, 0, 3), r(opcode.JgeX, 1, 0, 0), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 2, 4},
		{"jset X", Program{r(opcode.LdImm, 0, 0, 3), r(opcode.LdxImm, 0, 0, 4), r(opcode.JsetX, 1, 0, 0), r(opcode.RetK, 0, 0, 1), r(opcode.RetK, 0, 0, 2)}, 1, 4},
		{"ret k full 32 bits", Program{r(opcode.RetK, 0, 0, 0xdeadbeef)}, 0xdeadbeef, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := NewEmulator(tc.prog)
			require.NoError(t, err)
			res := e.Run(d)
			assert.Equal(t, Action(tc.want), res.Action, "got %#x", uint32(res.Action))
			assert.Equal(t, tc.n, res.Executed)
		})
	}
}

func TestEmulatorByteOrder(t *testing.T) {
	d := Data{Arch: AuditArchPPC64, InstructionPointer: 0x1111111122222222, Args: [6]uint64{0x33333333_44444444}}
	lo, hi := OffsetArgHalves(0, binary.BigEndian)
	assert.Equal(t, [2]uint32{20, 16}, [2]uint32{lo, hi})
	low := MustEmulator(Program{r(opcode.LdWAbs, 0, 0, lo), retAcc})
	high := MustEmulator(Program{r(opcode.LdWAbs, 0, 0, hi), retAcc})
	assert.Equal(t, Action(0x44444444), low.Run(d).Action, "big-endian token: args[0] low word at offset 20")
	assert.Equal(t, Action(0x33333333), high.Run(d).Action)
	// RunIn overrides the token; any ByteOrder of the right order will do.
	assert.Equal(t, Action(0x33333333), low.RunIn(d, binary.LittleEndian).Action)
	assert.Equal(t, Action(0x33333333), low.RunIn(d, binary.NativeEndian).Action) // little-endian on the hosts tested
	ip := MustEmulator(Program{r(opcode.LdWAbs, 0, 0, 8), retAcc})
	assert.Equal(t, Action(0x11111111), ip.Run(d).Action)
	assert.Equal(t, Action(0x22222222), ip.RunIn(d, binary.LittleEndian).Action)
	assert.Equal(t, binary.ByteOrder(binary.BigEndian), d.Arch.ByteOrder())
	assert.Equal(t, binary.ByteOrder(binary.LittleEndian), AuditArchX86_64.ByteOrder())
	for _, a := range Arches() {
		assert.Equal(t, a.AuditArch.ByteOrder(), a.ByteOrder(), "%s: the arches with tables are as their tokens say", a)
	}
}

// The deprecated forms with le bool mean what the forms with a byte order
// mean.
func TestDeprecatedByteOrderForms(t *testing.T) {
	d := Data{Nr: 7, Arch: AuditArchX86_64, InstructionPointer: 0x0102030405060708, Args: [6]uint64{0x1112131415161718, 0x2122232425262728}}
	p := Program{r(opcode.LdWAbs, 0, 0, 28), retAcc}
	e := MustEmulator(p)
	for _, le := range []bool{true, false} {
		order := binary.ByteOrder(binary.BigEndian)
		if le {
			order = binary.LittleEndian
		}
		for i := range 6 {
			lo, hi := OffsetArgHalves(i, order)
			assert.Equal(t, lo, OffsetArgLow(i, le))
			assert.Equal(t, hi, OffsetArgHigh(i, le))
		}
		assert.Equal(t, d.BytesIn(order), d.Bytes(le))
		for off := uint32(0); off < 68; off += 2 {
			w1, ok1 := d.WordIn(off, order)
			w2, ok2 := d.Word(off, le)
			assert.Equal(t, [2]any{w1, ok1}, [2]any{w2, ok2}, "offset %d", off)
		}
		assert.Equal(t, e.RunIn(d, order), e.RunOrder(d, le))
		assert.Equal(t, DisassembleIn(p, order), DisassembleOrder(p, le))
	}
}

func TestDataBytes(t *testing.T) {
	d := Data{Nr: 1, Arch: AuditArchX86_64, InstructionPointer: 0x0102030405060708, Args: [6]uint64{0x1112131415161718}}
	le := d.BytesIn(binary.LittleEndian)
	assert.Equal(t, []byte{1, 0, 0, 0, 0x3e, 0, 0, 0xc0, 8, 7, 6, 5, 4, 3, 2, 1, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11}, le[:24])
	be := d.BytesIn(binary.BigEndian)
	assert.Equal(t, []byte{0, 0, 0, 1, 0xc0, 0, 0, 0x3e, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12}, be[:18])
	_, ok := d.WordIn(64, binary.LittleEndian)
	assert.False(t, ok)
	_, ok = d.WordIn(2, binary.LittleEndian)
	assert.False(t, ok)
	w, ok := d.WordIn(20, binary.LittleEndian)
	assert.True(t, ok)
	assert.Equal(t, uint32(0x11121314), w)
	w, ok = d.WordIn(20, binary.BigEndian)
	assert.True(t, ok)
	assert.Equal(t, uint32(0x15161718), w)
	// The words are those of the bytes, in either order.
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		b := d.BytesIn(order)
		for off := uint32(0); off < SizeofData; off += 4 {
			w, _ := d.WordIn(off, order)
			assert.Equal(t, order.Uint32(b[off:]), w, "%v offset %d", order, off)
		}
	}
}

func TestNewEmulatorRejectsInvalid(t *testing.T) {
	_, err := NewEmulator(Program{r(opcode.LdWAbs, 0, 0, 64), retAllow})
	var ve *VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, RuleLoadOffset, ve.Rule)
	assert.Panics(t, func() { MustEmulator(nil) })
}

func TestEmulatorCopiesProgram(t *testing.T) {
	p := Program{retAllow}
	e := MustEmulator(p)
	p[0] = retKill
	assert.Equal(t, ActAllow, e.Action(Data{}))
	q := e.Program()
	q[0] = retKill
	assert.Equal(t, ActAllow, e.Action(Data{}))
}

// ret returns a one-instruction emulator returning v.
func ret(v Action) *Emulator { return MustEmulator(Program{r(opcode.RetK, 0, 0, uint32(v))}) }

// Cases from the kernel's selftests (tools/testing/selftests/seccomp).
func TestStackPrecedence(t *testing.T) {
	all := []Action{ActAllow, ActLog, Trace(1), Errno(2), Trap(3), ActKillThread, ActKillProcess}
	// precedence.*_in_any_order: the most restrictive wins whatever the order.
	for i := range all {
		for j := range all {
			want := all[i]
			if j > i {
				want = all[j]
			}
			res := Stack{ret(all[i]), ret(all[j])}.Run(Data{})
			assert.Equal(t, want, res.Action, "%v then %v", all[i], all[j])
			res = Stack{ret(all[j]), ret(all[i])}.Run(Data{})
			assert.Equal(t, want, res.Action, "%v then %v", all[j], all[i])
		}
	}
	// ERRNO_order: equal actions, the newest filter's data wins.
	res := Stack{ret(Errno(11)), ret(Errno(13)), ret(Errno(12))}.Run(Data{})
	assert.Equal(t, Errno(12), res.Action)
	assert.Equal(t, 2, res.Filter)
	assert.Equal(t, 3, res.Executed)
	// ALLOW with data is the plain ALLOW and no filter is recorded.
	res = Stack{ret(ActAllow | 5)}.Run(Data{})
	assert.Equal(t, ActAllow, res.Action)
	assert.Equal(t, -1, res.Filter)
	// Unknown actions keep their signed position: 0x10000000 sits between
	// ERRNO and USER_NOTIF; 0x90000000 right after KILL_PROCESS.
	res = Stack{ret(ActUserNotif), ret(0x10000000)}.Run(Data{})
	assert.Equal(t, Action(0x10000000), res.Action)
	assert.Equal(t, ActKillProcess, res.Action.Effective())
	res = Stack{ret(Errno(1)), ret(0x10000000)}.Run(Data{})
	assert.Equal(t, Errno(1), res.Action)
	res = Stack{ret(0x90000000), ret(ActKillProcess)}.Run(Data{})
	assert.Equal(t, ActKillProcess, res.Action)
	res = Stack{ret(ActKillThread), ret(0x90000000)}.Run(Data{})
	assert.Equal(t, Action(0x90000000), res.Action)
	assert.Equal(t, 1, res.Filter)
	// An empty stack allows.
	assert.Equal(t, ActAllow, Stack{}.Run(Data{}).Action)
}

func TestActionStrings(t *testing.T) {
	tests := []struct {
		a        Action
		str, raw string
	}{
		{ActKillProcess, "KILL_PROCESS", "KILL_PROCESS"},
		{ActKillThread, "KILL_THREAD", "KILL_THREAD"},
		{Trap(7), "TRAP(7)", "TRAP(7)"},
		{Errno(1), "ERRNO(1)", "ERRNO(1)"},
		{ActErrno | 5000, "ERRNO(5000)", "ERRNO(5000)"},
		{ActUserNotif, "USER_NOTIF", "USER_NOTIF"},
		{Trace(65535), "TRACE(65535)", "TRACE(65535)"},
		{ActLog, "LOG", "LOG"},
		{ActAllow, "ALLOW", "ALLOW"},
		{ActAllow | 5, "ALLOW", "ALLOW|0x5"},
		{ActKillThread | 9, "KILL_THREAD", "KILL_THREAD|0x9"},
		{0x10000000, "KILL_PROCESS", "0x10000000"},
		{0x00040000, "KILL_PROCESS", "0x40000"},
		{0xaaaaaaaa, "KILL_PROCESS", "0xaaaaaaaa"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.str, tc.a.String(), "%#x", uint32(tc.a))
		assert.Equal(t, tc.raw, tc.a.RawString(), "%#x", uint32(tc.a))
	}
	assert.Equal(t, uint16(5000), (ActErrno | 5000).Data())
	assert.True(t, ActKillProcess.Precedes(ActKillThread))
	assert.False(t, Errno(1).Precedes(Errno(2)))
	assert.Equal(t, ActKillProcess, Action(0x00040000).Effective())
	assert.Equal(t, Errno(3), Errno(3).Effective())
}

func TestAuditArchNames(t *testing.T) {
	for _, n := range uapi.AuditArchNames {
		got, ok := AuditArchByName(n.Name)
		assert.True(t, ok)
		assert.Equal(t, AuditArch(n.Token), got)
		got, ok = AuditArchByName("audit_arch_" + n.Name)
		assert.True(t, ok)
		assert.Equal(t, AuditArch(n.Token), got)
		assert.Equal(t, "AUDIT_ARCH_"+n.Name, AuditArch(n.Token).String())
	}
	_, ok := AuditArchByName("ſ390x") // no letter but ASCII's upper-cases to S
	assert.False(t, ok)
	_, ok = AuditArchByName("vax")
	assert.False(t, ok)
	assert.Equal(t, "0x1234", AuditArch(0x1234).String())
	assert.True(t, AuditArchX86_64.LittleEndian())
	assert.True(t, AuditArchX86_64.Is64Bit())
	assert.False(t, AuditArchI386.Is64Bit())
	assert.False(t, AuditArchS390X.LittleEndian())
}

// Compile-time check that the x/net/bpf types we accept are instructions.
var _ bpf.Instruction = bpf.RawInstruction{}
