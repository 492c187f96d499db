package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/seccomp-go/seccomp"
)

// The fields of a -batch line.
var batchFields = [...]string{"NR", "ARCH", "IP", "A0", "A1", "A2", "A3", "A4", "A5"}

const (
	batchWant    = "want 9 numbers: NR ARCH IP A0 A1 A2 A3 A4 A5"
	maxBatchLine = 1 << 20
)

// runBatch answers the system calls of in, one a line (see emulate's
// usage), writing one action a line to out. It stops at the first bad line
// and returns an error naming it; the lines before it have been answered.
//
// With asJSON, each answer is a line of JSON (see emulate's usage).
func runBatch(em *seccomp.Emulator, in io.Reader, out io.Writer, asJSON bool) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxBatchLine)
	w := bufio.NewWriterSize(out, 64<<10)
	// Action strings, made once per distinct value: most programs return a
	// handful, and RET A could return any, hence the bound.
	names := make(map[seccomp.Action]string)
	var d seccomp.Data
	line := 0
	for sc.Scan() {
		line++
		blank, err := parseBatchLine(sc.Bytes(), &d)
		if err != nil {
			w.Flush()
			return fmt.Errorf("<stdin>:%d: %v", line, err)
		}
		if blank {
			continue
		}
		act := em.Run(d).Action
		if asJSON {
			b, _ := json.Marshal(jsonEmulate{Line: line, Nr: uint32(d.Nr), Arch: d.Arch.String(), Action: act.String(), Value: uint32(act)})
			w.Write(b)
			if err := w.WriteByte('\n'); err != nil {
				return fmt.Errorf("writing standard output: %w", err)
			}
			continue
		}
		s, ok := names[act]
		if !ok {
			s = act.String()
			if len(names) < 4096 {
				names[act] = s
			}
		}
		w.WriteString(s)
		if err := w.WriteByte('\n'); err != nil {
			return fmt.Errorf("writing standard output: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("<stdin>:%d: line longer than %d bytes", line+1, maxBatchLine)
		}
		return fmt.Errorf("reading standard input: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing standard output: %w", err)
	}
	return nil
}

// parseBatchLine parses one -batch line into d. It reports blank for a line
// that holds no field (empty, spaces, or only a comment), leaving d as it
// was. It allocates only for an error.
func parseBatchLine(line []byte, d *seccomp.Data) (blank bool, err error) {
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	var vals [len(batchFields)]uint64
	n := 0
	for i := 0; ; {
		for i < len(line) && isBatchSpace(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		j := i
		for j < len(line) && !isBatchSpace(line[j]) {
			j++
		}
		if n == len(vals) {
			return false, errors.New("more than 9 fields; " + batchWant)
		}
		bits := 64
		if n < 2 {
			bits = 32
		}
		v, e := parseNumber(line[i:j], bits)
		if e != numOK {
			return false, fmt.Errorf("field %d (%s): %s", n+1, batchFields[n], e.describe(string(line[i:j]), bits))
		}
		vals[n] = v
		n++
		i = j
	}
	switch {
	case n == 0:
		return true, nil
	case n < len(vals):
		return false, fmt.Errorf("%d fields; %s", n, batchWant)
	}
	d.Nr = int32(uint32(vals[0]))
	d.Arch = seccomp.AuditArch(vals[1])
	d.InstructionPointer = vals[2]
	copy(d.Args[:], vals[3:])
	return false, nil
}

func isBatchSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
