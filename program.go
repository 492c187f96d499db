package seccomp

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/net/bpf"
)

// Program is a classic BPF program in the form the kernel takes: the
// instructions of a struct sock_fprog.
type Program []bpf.RawInstruction

// MaxInstructions is BPF_MAXINSNS, the most instructions one filter may have.
const MaxInstructions = 4096

// SizeofInstruction is the size of one struct sock_filter.
const SizeofInstruction = 8

// MarshalBinary encodes p as the kernel takes it: an array of 8-byte struct
// sock_filter {u16 code; u8 jt; u8 jf; u32 k} in host byte order. This is
// also the format of libseccomp's seccomp_export_bpf.
func (p Program) MarshalBinary() ([]byte, error) {
	return p.AppendRaw(nil, binary.NativeEndian), nil
}

// AppendRaw appends the raw encoding of p in the given byte order to b.
func (p Program) AppendRaw(b []byte, order binary.AppendByteOrder) []byte {
	for _, in := range p {
		b = order.AppendUint16(b, in.Op)
		b = append(b, in.Jt, in.Jf)
		b = order.AppendUint32(b, in.K)
	}
	return b
}

// RawFormatError reports raw program bytes that are not a whole number of
// instructions.
type RawFormatError struct {
	Len int // length of the input in bytes
}

func (e *RawFormatError) Error() string {
	return fmt.Sprintf("raw BPF: %d bytes is not a whole number of 8-byte instructions (%d instructions and %d bytes left over)",
		e.Len, e.Len/SizeofInstruction, e.Len%SizeofInstruction)
}

// ParseRaw decodes raw instructions in host byte order (see MarshalBinary).
// It checks only the framing: use Verify to check the program.
func ParseRaw(b []byte) (Program, error) {
	return DecodeRaw(b, binary.NativeEndian)
}

// DecodeRaw decodes raw instructions in the given byte order.
func DecodeRaw(b []byte, order binary.ByteOrder) (Program, error) {
	if len(b)%SizeofInstruction != 0 {
		return nil, &RawFormatError{Len: len(b)}
	}
	p := make(Program, len(b)/SizeofInstruction)
	for i := range p {
		r := b[i*SizeofInstruction:]
		p[i] = bpf.RawInstruction{Op: order.Uint16(r), Jt: r[2], Jf: r[3], K: order.Uint32(r[4:])}
	}
	return p, nil
}

// UnmarshalBinary decodes raw instructions in host byte order into p.
func (p *Program) UnmarshalBinary(b []byte) error {
	q, err := ParseRaw(b)
	if err != nil {
		return err
	}
	*p = q
	return nil
}
