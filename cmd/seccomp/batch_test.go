package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func examplePath(t *testing.T) string {
	return writeFile(t, "allowlist.bpf", rawBytes(exampleProgram(t)...))
}

func TestBatch(t *testing.T) {
	path := examplePath(t)
	in := strings.Join([]string{
		"# write(1), write(3), open, x32 write, i386 write",
		"1 0xc000003e 0 1 0 0 0 0 0",
		"1 0xC000003E 0 3 0 0 0 0 0   # EPERM",
		"",
		"   \t ",
		"2\t3221225534\t0\t0\t0\t0\t0\t0\t0",
		"  0x40000001 0xc000003e 0x401000 1 0 0 0 0 0  ",
		"4 0x40000003 0 1 0 0 0 0 0\r",
		"1 0xc000003e 0xffffffffffffffff 0x0000000000000002 0 0 0 0 18446744073709551615",
		"1 0xc000003e 0 0x100000001 0 0 0 0 0",
		"0xffffffff 0xc000003e 0 0 0 0 0 0 0",
		"#",
		"231 0xc000003e 0 0 0 0 0 0 0", // no newline at the end
	}, "\n")
	want(t, in, []string{"emulate", "-batch", path}, 0,
		"ALLOW\nERRNO(1)\nERRNO(38)\nKILL_PROCESS\nKILL_PROCESS\nALLOW\nERRNO(1)\nKILL_PROCESS\nALLOW\n")
	want(t, "", []string{"emulate", "-batch", path}, 0, "")
	want(t, "\n# nothing\n", []string{"emulate", "-batch", path}, 0, "")
}

func TestBatchErrors(t *testing.T) {
	path := examplePath(t)
	good := "1 0xc000003e 0 1 0 0 0 0 0\n"
	for _, tc := range []struct {
		line string
		err  string
	}{
		{"1 0xc000003e 0 1 0 0 0 0", "<stdin>:3: 8 fields; want 9 numbers: NR ARCH IP A0 A1 A2 A3 A4 A5"},
		{"1", "<stdin>:3: 1 fields; want 9 numbers"},
		{"1 0xc000003e 0 1 0 0 0 0 0 0", "<stdin>:3: more than 9 fields; want 9 numbers"},
		{"write 0xc000003e 0 1 0 0 0 0 0", `<stdin>:3: field 1 (NR): malformed number "write"`},
		{"1 x86_64 0 1 0 0 0 0 0", `<stdin>:3: field 2 (ARCH): malformed number "x86_64"`},
		{"0x100000000 0xc000003e 0 1 0 0 0 0 0", `<stdin>:3: field 1 (NR): number "0x100000000" does not fit in 32 bits`},
		{"1 0x1c000003e 0 1 0 0 0 0 0", `<stdin>:3: field 2 (ARCH): number "0x1c000003e" does not fit in 32 bits`},
		{"1 0xc000003e -1 1 0 0 0 0 0", `<stdin>:3: field 3 (IP): negative number "-1"`},
		{"1 0xc000003e 0 1 0 0 0 0 0x10000000000000000", `<stdin>:3: field 9 (A5): number "0x10000000000000000" does not fit in 64 bits`},
		{"1 0xc000003e 0 1,0 0 0 0 0 0", `<stdin>:3: field 4 (A0): malformed number "1,0"`},
		{"1 0xc000003e 0 1 0 0 0 0 0\x00", `<stdin>:3: field 9 (A5): malformed number "0\x00"`},
		{"1 0xc000003e 0 1 0 0 0 0 0;", `<stdin>:3: field 9 (A5): malformed number "0;"`},
		{strings.Repeat(" ", maxBatchLine+1), "<stdin>:3: line longer than 1048576 bytes"},
	} {
		in := good + "# comment\n" + tc.line + "\n" + good
		want(t, in, []string{"emulate", "-batch", path}, 1, "ALLOW\n", "seccomp emulate: "+tc.err)
	}
}

func TestBatchUsage(t *testing.T) {
	path := examplePath(t)
	invalid := writeFile(t, "invalid.bpf", rawBytes(bpfRaw(retA, 0, 0, 0), bpfRaw(0xffff, 0, 0, 0)))
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"emulate", "-batch"}, 2, "-batch wants one FILE and reads system calls from standard input, got 0 operands"},
		{[]string{"emulate", "-batch", path, "1"}, 2, "-batch wants one FILE"},
		{[]string{"emulate", "-batch", "-"}, 2, "-batch reads system calls from standard input, so FILE cannot be -"},
		{[]string{"emulate", "-batch", "-arch", "x86_64", path}, 2, "with -batch, -arch names the machine a profile is compiled for, and " + path + " is a raw program: each line gives the arch"},
		{[]string{"emulate", "-batch", "-audit-arch", "0", path}, 2, "-audit-arch and -ip do not apply"},
		{[]string{"emulate", "-ip", "0", "-batch", path}, 2, "-audit-arch and -ip do not apply"},
		{[]string{"emulate", "-batch", invalid}, 1, "seccomp emulate: " + invalid + ": invalid filter: instruction 1"},
		{[]string{"emulate", "-batch", "/no/such.bpf"}, 1, "seccomp emulate: open /no/such.bpf: no such file or directory"},
	} {
		want(t, "1 0 0 0 0 0 0 0 0\n", tc.args, tc.code, "", tc.err)
	}
}

// randomLine returns a -batch line for d, with numbers in random notations
// and random blanks, and sometimes a comment.
func randomLine(r *rand.Rand, d *seccomp.Data) string {
	vals := []uint64{uint64(uint32(d.Nr)), uint64(d.Arch), d.InstructionPointer}
	for _, a := range d.Args {
		vals = append(vals, a)
	}
	var b strings.Builder
	blank := func() {
		for range 1 + r.IntN(2) {
			b.WriteByte(" \t"[r.IntN(2)])
		}
	}
	if r.IntN(4) == 0 {
		blank()
	}
	for i, v := range vals {
		if i > 0 {
			blank()
		}
		switch r.IntN(4) {
		case 0:
			b.WriteString(strconv.FormatUint(v, 10))
		case 1:
			b.WriteString("0x" + strconv.FormatUint(v, 16))
		case 2:
			b.WriteString("0X" + strings.ToUpper(strconv.FormatUint(v, 16)))
		case 3:
			b.WriteString("0x000" + strconv.FormatUint(v, 16))
		}
	}
	if r.IntN(8) == 0 {
		b.WriteString(" # comment")
	}
	return b.String()
}

// randomData returns seccomp_data with values near the ones filters test.
func randomData(r *rand.Rand) seccomp.Data {
	pick := func(vals ...uint64) uint64 {
		if r.IntN(4) == 0 {
			return r.Uint64() >> r.IntN(64)
		}
		return vals[r.IntN(len(vals))]
	}
	d := seccomp.Data{
		Nr:                 int32(uint32(pick(0, 1, 2, 3, 4, 60, 231, 0x40000001, 0xffffffff))),
		Arch:               seccomp.AuditArch(uint32(pick(0xc000003e, 0x40000003, 0xc00000b7, 0x80000016, 0))),
		InstructionPointer: pick(0, 0x401000),
	}
	for i := range d.Args {
		d.Args[i] = pick(0, 1, 2, 3, 0x100000001, 0x7fff0000, 0x00050001, 0x00030005, 0x7ff00007,
			0x7ffc0000, 0x7fc00000, 0x10000000, 0x7fff000000000000, 1<<64-1)
	}
	return d
}

// Thousands of random lines, answered as the package's emulator answers
// each system call on its own.
func TestBatchCrossCheck(t *testing.T) {
	// The word of seccomp_data at offset 4*(nr%16), chosen with jumps, as
	// seccomp has no load at an offset in X.
	var retWord []byte
	retWord = append(retWord, rawBytes(bpfRaw(ldAbs, 0, 0, 0), bpfRaw(andK, 0, 0, 15))...)
	for i := range 15 {
		retWord = append(retWord, rawBytes(bpfRaw(jeqK, 0, 2, uint32(i)), bpfRaw(ldAbs, 0, 0, uint32(4*i)), bpfRaw(retA, 0, 0, 0))...)
	}
	retWord = append(retWord, rawBytes(bpfRaw(ldAbs, 0, 0, 60), bpfRaw(retA, 0, 0, 0))...)
	progs := map[string][]byte{
		"allowlist": rawBytes(exampleProgram(t)...),
		// The low word of args[0] on little-endian arches, the high one on
		// big-endian arches: every action, and unknown ones, turn up.
		"ret arg":  rawBytes(bpfRaw(ldAbs, 0, 0, 16), bpfRaw(retA, 0, 0, 0)),
		"ret word": retWord,
	}
	r := rand.New(rand.NewPCG(1, 2))
	for name, raw := range progs {
		t.Run(name, func(t *testing.T) {
			p, err := seccomp.ParseRaw(raw)
			if err != nil {
				t.Fatal(err)
			}
			em, err := seccomp.NewEmulator(p)
			if err != nil {
				t.Fatal(err)
			}
			var in, exp strings.Builder
			const lines = 5000
			for range lines {
				d := randomData(r)
				in.WriteString(randomLine(r, &d) + "\n")
				exp.WriteString(em.Run(d).Action.String() + "\n")
				if r.IntN(50) == 0 {
					in.WriteString("# a comment line\n\n")
				}
			}
			path := writeFile(t, "p.bpf", raw)
			out, errs, code := seccompCmd(t, in.String(), "emulate", "-batch", path)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			got, wantLines := strings.Split(out, "\n"), strings.Split(exp.String(), "\n")
			if len(got) != len(wantLines) {
				t.Fatalf("%d output lines for %d system calls", len(got)-1, lines)
			}
			kinds := map[string]bool{}
			for i := range got {
				if got[i] != wantLines[i] {
					t.Fatalf("system call %d: got %s, want %s", i+1, got[i], wantLines[i])
				}
				kinds[strings.TrimRight(got[i], "0123456789()")] = true
			}
			t.Logf("%d system calls compared, %d kinds of action", lines, len(kinds)-1)
		})
	}
}

// runBatch allocates nothing per line: twice the lines, the same
// allocations.
func TestBatchAllocs(t *testing.T) {
	em := seccomp.MustEmulator(seccomp.Program(exampleProgram(t)))
	r := rand.New(rand.NewPCG(3, 4))
	var lines []string
	for range 64 {
		d := randomData(r)
		lines = append(lines, randomLine(r, &d))
	}
	input := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(lines[i%len(lines)] + "\n")
		}
		return b.String()
	}
	allocs := func(in string) float64 {
		return testing.AllocsPerRun(20, func() {
			if err := runBatch(em, strings.NewReader(in), io.Discard, false); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(input(1000)), allocs(input(2000))
	if large > small {
		t.Errorf("runBatch: %v allocations for 1000 lines, %v for 2000: it allocates per line", small, large)
	}
}

// BenchmarkBatch measures -batch on the example allowlist; ns/line is the
// time for one line, parsing and printing included.
func BenchmarkBatch(b *testing.B) {
	p, err := seccomp.ParseRaw(rawBytes(exampleProgram(b)...))
	if err != nil {
		b.Fatal(err)
	}
	em := seccomp.MustEmulator(p)
	r := rand.New(rand.NewPCG(5, 6))
	var in bytes.Buffer
	const lines = 1 << 16
	for range lines {
		d := randomData(r)
		fmt.Fprintln(&in, randomLine(r, &d))
	}
	b.SetBytes(int64(in.Len()))
	b.ResetTimer()
	for b.Loop() {
		if err := runBatch(em, bytes.NewReader(in.Bytes()), io.Discard, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/lines, "ns/line")
}

// FuzzBatchLine checks the -batch line parser: it never panics, it accepts
// exactly the lines a plain strconv-based parser accepts, with the same
// values, and an accepted line printed back and parsed again gives them
// again.
func FuzzBatchLine(f *testing.F) {
	for _, s := range []string{
		"1 0xc000003e 0 1 0 0 0 0 0",
		"0xffffffff 0xffffffff 0xffffffffffffffff 18446744073709551615 0 0 0 0 0x0",
		"\t2\t3221225534 0 0 0 0 0 0 0 # open\r",
		"",
		"# only a comment",
		"1 2 3",
		"1 2 3 4 5 6 7 8 9 10",
		"-1 0 0 0 0 0 0 0 0",
		"0x 0 0 0 0 0 0 0 0",
		"4294967296 0 0 0 0 0 0 0 0",
		"0 0 0 0 0 0 0 0 18446744073709551616",
		"00000000000000000000000000001 0X0 0 0 0 0 0 0 0",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var d seccomp.Data
		blank, err := parseBatchLine(line, &d)
		vals, refBlank, refOK := referenceBatchLine(string(line))
		switch {
		case err != nil:
			if refOK {
				t.Fatalf("parseBatchLine(%q): %v; the reference accepts it", line, err)
			}
			if strings.Count(err.Error(), "\n") != 0 {
				t.Fatalf("parseBatchLine(%q): multi-line error %q", line, err)
			}
			return
		case !refOK:
			t.Fatalf("parseBatchLine(%q) accepts what the reference refuses", line)
		case blank != refBlank:
			t.Fatalf("parseBatchLine(%q): blank = %v, reference %v", line, blank, refBlank)
		case blank:
			return
		}
		got := dataValues(&d)
		if got != vals {
			t.Fatalf("parseBatchLine(%q) = %v; reference %v", line, got, vals)
		}
		// Print back, in decimal and in hex, and parse again.
		for _, hex := range []bool{false, true} {
			var fields []string
			for _, v := range got {
				if hex {
					fields = append(fields, "0x"+strconv.FormatUint(v, 16))
				} else {
					fields = append(fields, strconv.FormatUint(v, 10))
				}
			}
			var d2 seccomp.Data
			if blank, err := parseBatchLine([]byte(strings.Join(fields, " ")), &d2); err != nil || blank || d2 != d {
				t.Fatalf("%q printed back as %q parses to %+v, %v, %v; want %+v", line, fields, d2, blank, err, d)
			}
		}
	})
}

// dataValues returns the nine numbers of a -batch line for d.
func dataValues(d *seccomp.Data) [9]uint64 {
	return [9]uint64{uint64(uint32(d.Nr)), uint64(d.Arch), d.InstructionPointer,
		d.Args[0], d.Args[1], d.Args[2], d.Args[3], d.Args[4], d.Args[5]}
}

// referenceBatchLine is -batch's line syntax written with the standard
// library, as slowly and plainly as it gets.
func referenceBatchLine(line string) (vals [9]uint64, blank, ok bool) {
	line, _, _ = strings.Cut(line, "#")
	fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' })
	if len(fields) == 0 {
		return vals, true, true
	}
	if len(fields) != 9 {
		return vals, false, false
	}
	for i, f := range fields {
		bits := 64
		if i < 2 {
			bits = 32
		}
		var v uint64
		var err error
		if len(f) > 2 && (f[:2] == "0x" || f[:2] == "0X") {
			v, err = strconv.ParseUint(f[2:], 16, bits)
		} else {
			v, err = strconv.ParseUint(f, 10, bits)
		}
		if err != nil {
			return vals, false, false
		}
		vals[i] = v
	}
	return vals, false, true
}
