package seccomp

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBigEndianFilters: filters compiled for the big-endian ABIs decide in
// the emulator, which lays seccomp_data out in the byte order of the
// call's token (big-endian for these), as they mean: on hand-written
// calls whose arguments differ in one half only, and on random ones
// against Filter.Evaluate and the test's own reading of the rules
// (meaning). The same program run on data laid out little-endian reads
// the halves swapped, so the halves are where the kernel puts them.
func TestBigEndianFilters(t *testing.T) {
	for _, a := range []*Arch{ArchS390X, ArchPPC64, ArchMIPS64, ArchPARISC64} {
		t.Run(a.Name, func(t *testing.T) {
			require.Equal(t, binary.ByteOrder(binary.BigEndian), a.ByteOrder())
			read, _ := a.Syscall("read")
			write, _ := a.Syscall("write")
			mmap, _ := a.Syscall("mmap")
			f := NewFilter(Errno(1), a).
				AddSyscalls(ActAllow, "write").
				Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{Arg(0).Eq(0x00000001_00000002)}},
					Rule{Syscall: "mmap", Action: ActAllow, Conds: []Cond{Arg(2).MaskedEq(0xffff0000_0000000f, 0x12340000_00000003)}},
					Rule{Syscall: "mmap", Action: Errno(13), Conds: []Cond{Arg(1).Gt(0x00000007_ffffffff)}})
			p, err := f.Compile()
			require.NoError(t, err)
			e := MustEmulator(p)
			call := func(nr int32, args ...uint64) Data {
				d := Data{Nr: nr, Arch: a.AuditArch}
				copy(d.Args[:], args)
				return d
			}
			for _, c := range []struct {
				d    Data
				want Action
			}{
				{call(write, 1, 2, 3), ActAllow},
				{call(read, 0x00000001_00000002), ActAllow},
				{call(read, 0x00000002_00000001), Errno(1)}, // the halves swapped
				{call(read, 0x00000000_00000002), Errno(1)}, // the low half alone
				{call(read, 0x00000001_00000000), Errno(1)}, // the high half alone
				{call(mmap, 0, 0, 0x12340000_00000003), ActAllow},
				{call(mmap, 0, 0, 0x1234ffff_fffffff3), ActAllow},
				{call(mmap, 0, 0, 0x12350000_00000003), Errno(1)},
				{call(mmap, 0, 0, 0x00000003_12340000), Errno(1)},
				{call(mmap, 0, 0x00000008_00000000, 0x12340000_00000003), Errno(13)}, // ERRNO(13) ranks first
				{call(mmap, 0, 0x00000007_ffffffff, 0), Errno(1)},
				{call(mmap, 0, 0xffffffff_00000007, 0), Errno(13)},
				{Data{Nr: read, Arch: AuditArchX86_64}, ActKillProcess},
			} {
				assert.Equal(t, c.want, e.Action(c.d), "%s %+v", a.Name, c.d)
				assert.Equal(t, c.want, f.Evaluate(c.d), "Evaluate %s %+v", a.Name, c.d)
			}
			// Laid out little-endian, the program reads the halves swapped.
			assert.Equal(t, ActAllow, e.RunIn(call(read, 0x00000002_00000001), binary.LittleEndian).Action)
			assert.Equal(t, Errno(1), e.RunIn(call(read, 0x00000001_00000002), binary.LittleEndian).Action)
			// Random calls, near the rules' values.
			rng := rand.New(rand.NewPCG(7, uint64(a.AuditArch)))
			for range 2000 {
				d := randInput(rng, f)
				got, want := e.Action(d), f.Evaluate(d)
				require.Equal(t, want, got, "%+v", d)
				require.Equal(t, meaning(f, d), want, "%+v", d)
			}
			// The text form names the halves as the big-endian target has
			// them: the high half of args[0] first, at offset 16.
			text := Disassemble(p)
			assert.True(t, strings.HasPrefix(text, ".order big\n"), "every arch the program checks is big-endian")
			assert.Regexp(t, `ld +\[16\] +; args\[0\]\.hi\n`, text)
			assert.Regexp(t, `ld +\[20\] +; args\[0\]\.lo\n`, text)
			assert.NotContains(t, text, "(big-endian)")
			assert.Contains(t, text, "#AUDIT_ARCH_"+strings.ToUpper(a.Name))
			textCheckRoundTrip(t, p)
			big := DisassembleIn(p, binary.BigEndian)
			assert.True(t, strings.HasPrefix(big, ".order big\n"))
			q, err := AssembleText(big)
			require.NoError(t, err)
			assert.Equal(t, p, q)
		})
	}
}

// TestBigEndian32: on mips o32 (big-endian, 32-bit arguments the kernel
// zero-extends) a condition's value is the low half, at offset 20 of
// args[0]; the numbers carry o32's 4000.
func TestBigEndian32(t *testing.T) {
	for _, a := range []*Arch{ArchMIPS, ArchPPC, ArchS390, ArchM68K, ArchSHEB} {
		read, _ := a.Syscall("read")
		f := NewFilter(ActKillProcess, a).
			AddSyscalls(ActAllow, "exit_group").
			Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{Arg(0).Le(2), Arg(2).MaskedNe(0xf0, 0x10)}})
		p, err := f.Compile()
		require.NoError(t, err, a.Name)
		e := MustEmulator(p)
		for _, c := range []struct {
			args [3]uint64
			want Action
		}{
			{[3]uint64{2, 0, 0}, ActAllow},
			{[3]uint64{3, 0, 0}, ActKillProcess},
			{[3]uint64{0, 0, 0x1f}, ActKillProcess},
			{[3]uint64{0, 0, 0x2f}, ActAllow},
		} {
			d := Data{Nr: read, Arch: a.AuditArch, Args: [6]uint64{c.args[0], c.args[1], c.args[2]}}
			assert.Equal(t, c.want, e.Action(d), "%s %+v", a.Name, c.args)
			assert.Equal(t, c.want, f.Evaluate(d), "%s %+v", a.Name, c.args)
		}
		text := Disassemble(p)
		assert.Regexp(t, `ld +\[20\] +; args\[0\]\.lo\n`, text, a.Name)
		assert.NotRegexp(t, `ld +\[16\]`, text, "%s: the high half of a zero-extended argument is never loaded", a.Name)
	}
	nr, _ := ArchMIPS.Syscall("read")
	assert.Equal(t, int32(4003), nr)
}

// TestMixedByteOrders: one program covering a little-endian and a
// big-endian arch names each section's halves in its own order, and the
// emulator runs each token's calls in theirs.
func TestMixedByteOrders(t *testing.T) {
	f := NewFilter(Errno(1), ArchX86_64, ArchS390X).
		Add(Rule{Syscall: "read", Action: ActAllow, Conds: []Cond{Arg(0).Eq(0x00000001_00000002)}})
	p, err := f.Compile()
	require.NoError(t, err)
	e := MustEmulator(p)
	for _, a := range []*Arch{ArchX86_64, ArchS390X} {
		nr, _ := a.Syscall("read")
		assert.Equal(t, ActAllow, e.Action(Data{Nr: nr, Arch: a.AuditArch, Args: [6]uint64{0x00000001_00000002}}), a.Name)
		assert.Equal(t, Errno(1), e.Action(Data{Nr: nr, Arch: a.AuditArch, Args: [6]uint64{0x00000002_00000001}}), a.Name)
	}
	text := Disassemble(p)
	// x86_64's section: the low half at 16; s390x's: the high half at 16.
	assert.Regexp(t, `ld +\[16\] +; args\[0\]\.lo\n`, text)
	assert.Regexp(t, `ld +\[16\] +; args\[0\]\.hi \(big-endian\)\n`, text)
	assert.Regexp(t, `ld +\[20\] +; args\[0\]\.lo \(big-endian\)\n`, text)
	big := DisassembleIn(p, binary.BigEndian)
	assert.Regexp(t, `ld +\[16\] +; args\[0\]\.hi\n`, big)
	assert.Regexp(t, `ld +\[16\] +; args\[0\]\.lo \(little-endian\)\n`, big)
}
