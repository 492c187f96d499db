package seccomp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp/internal/opcode"
)

// FuzzParseRaw: decoding never panics, rejects exactly the inputs that are
// not whole instructions, and encoding gives the input back.
func FuzzParseRaw(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{6, 0, 0, 0, 0, 0, 0xff, 0x7f})
	f.Add([]byte{0x20, 0, 0, 0, 4, 0, 0, 0, 6, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseRaw(b)
		if len(b)%8 != 0 {
			var fe *RawFormatError
			if !errors.As(err, &fe) || fe.Len != len(b) {
				t.Fatalf("want RawFormatError for %d bytes, got %v", len(b), err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		out, _ := p.MarshalBinary()
		if !bytes.Equal(out, b) {
			t.Fatalf("round trip changed the bytes")
		}
		for i, in := range p {
			if in.Op != binary.NativeEndian.Uint16(b[8*i:]) || in.K != binary.NativeEndian.Uint32(b[8*i+4:]) {
				t.Fatalf("instruction %d decoded wrongly", i)
			}
		}
		_ = Verify(p) // never panics on anything
	})
}

// FuzzEmulator checks the emulator against a second evaluation path,
// golang.org/x/net/bpf's VM, on programs the verifier accepts. That VM
// reads packet data big-endian, so it is given seccomp_data laid out
// big-endian. Its shifts by X follow Go (a count of 32 or more gives 0)
// where the kernel masks the count to 5 bits, so programs that shift by X
// are left to the kernel differential test.
func FuzzEmulator(f *testing.F) {
	f.Add([]byte{0x20, 0, 0, 0, 0, 0, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0}, int32(1), uint64(2), uint64(3))
	f.Add([]byte{0x20, 0, 0, 0, 0x10, 0, 0, 0, 0x15, 0, 1, 0, 5, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0xff, 0x7f, 6, 0, 0, 0, 1, 0, 5, 0}, int32(7), uint64(5), uint64(0))
	f.Add([]byte{0x01, 0, 0, 0, 0, 0, 0, 0, 0x3c, 0, 0, 0, 0, 0, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0}, int32(0), uint64(0), uint64(0))
	f.Fuzz(func(t *testing.T, raw []byte, nr int32, a0, a1 uint64) {
		p, err := DecodeRaw(raw[:len(raw)/8*8], binary.LittleEndian)
		if err != nil || Verify(p) != nil {
			return
		}
		ref := make([]bpf.Instruction, len(p))
		for i, in := range p {
			switch in.Op {
			case opcode.LshX, opcode.RshX:
				return
			case opcode.LdxLen:
				// x/net/bpf decodes this as a load of the length into A;
				// the kernel rewrites it to X = 64 (LDX IMM).
				ref[i] = bpf.LoadConstant{Dst: bpf.RegX, Val: SizeofData}
			case opcode.Neg:
				// x/net/bpf's VM has no NEG; -A is A * 0xffffffff mod 2^32.
				ref[i] = bpf.ALUOpConstant{Op: bpf.ALUOpMul, Val: 0xffffffff}
			default:
				ref[i] = in.Disassemble()
			}
		}
		d := Data{Nr: nr, Arch: AuditArchS390X, Args: [6]uint64{a0, a1, a0 ^ a1, ^a0, a1 >> 3, 0}}
		vm, err := bpf.NewVM(ref)
		if err != nil {
			t.Fatalf("x/net/bpf refused a program our verifier accepts: %v", err)
		}
		want, err := vm.Run(d.BytesIn(binary.BigEndian))
		if err != nil {
			t.Fatalf("x/net/bpf: %v", err)
		}
		got := MustEmulator(p).RunIn(d, binary.BigEndian)
		if uint32(got.Action) != uint32(want) {
			t.Fatalf("emulator %#x, x/net/bpf %#x", uint32(got.Action), uint32(want))
		}
		if got.Executed < 1 || got.Executed > len(p) {
			t.Fatalf("executed %d of %d", got.Executed, len(p))
		}
	})
}

// fuzzItem is one element of a source built from fuzz input.
type fuzzItem struct {
	kind   byte   // 0 ret, 1 label followed by filler returns, 2 load nr and jeq
	val    uint32 // ret value or jeq constant
	label  int    // label number (kind 1)
	filler int    // filler returns after the label (kind 1)
	lt, lf int    // jump targets (kind 2)
}

// FuzzAssemble builds a Source from fuzz input (returns, labels with
// filler, labelled jumps that may be far), and checks that assembling never
// panics, fails only with *AssembleError, and that the program behaves
// like a direct interpretation of the source.
func FuzzAssemble(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, int32(3))
	f.Add([]byte{2, 7, 0, 1, 1, 0, 255, 0, 1, 0, 255, 0, 0, 9, 0, 0}, int32(7))
	f.Add(bytes.Repeat([]byte{2, 200, 1, 0}, 100), int32(0))
	f.Fuzz(func(t *testing.T, in []byte, nr int32) {
		var s Source
		var items []fuzzItem
		nLabels := 0
		for i := 0; i+3 < len(in) && len(items) < 1000; i += 4 {
			it := fuzzItem{kind: in[i] % 3, val: uint32(in[i+1])}
			switch it.kind {
			case 0:
				s.Add(bpf.RetConstant{Val: it.val})
			case 1:
				it.label, it.filler = nLabels, int(in[i+2])
				nLabels++
				s.Label("L" + itoa(it.label))
				for k := 0; k < it.filler; k++ {
					s.Add(bpf.RetConstant{Val: 0xf000 + uint32(k)})
				}
			case 2:
				it.lt, it.lf = int(in[i+2]%8), int(in[i+3]%8)
				s.Add(bpf.LoadAbsolute{Off: 0, Size: 4})
				s.JumpIf(bpf.JumpEqual, it.val, "L"+itoa(it.lt), "L"+itoa(it.lf))
			}
			items = append(items, it)
		}
		p, err := s.Assemble()
		if err != nil {
			var ae *AssembleError
			if !errors.As(err, &ae) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if Verify(p) != nil {
			return // e.g. no return at the end
		}
		got := MustEmulator(p).Action(Data{Nr: nr})
		if want := interpretFuzzItems(items, uint32(nr)); Action(want) != got {
			t.Fatalf("assembled program returns %#x, the source means %#x", uint32(got), want)
		}
	})
}

// interpretFuzzItems runs the source directly: the reference meaning of
// the items, without assembling them. It is only called on sources that
// assembled and verified, so every jump target exists further on.
func interpretFuzzItems(items []fuzzItem, nr uint32) uint32 {
	at := func(label int) int {
		for i, it := range items {
			if it.kind == 1 && it.label == label {
				return i
			}
		}
		panic("label not found")
	}
	for i := 0; i < len(items); {
		it := items[i]
		switch it.kind {
		case 0:
			return it.val
		case 1:
			if it.filler > 0 {
				return 0xf000
			}
			i++
		case 2:
			if nr == it.val {
				i = at(it.lt)
			} else {
				i = at(it.lf)
			}
		}
	}
	panic("fell off the end")
}
