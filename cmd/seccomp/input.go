package main

import (
	"fmt"
	"io"
	"os"

	"github.com/seccomp-go/seccomp"
)

// maxInput bounds what is read from one input file, so that a mistaken
// operand (/dev/zero, a disk image) fails instead of filling memory. A raw
// program is at most 32 KiB and its text form a few hundred.
const maxInput = 16 << 20

// displayName is how errors name the input file.
func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// readInput reads the file called name, or stdin for "-". Its errors name
// the file.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err // *PathError: "open NAME: ..."
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", displayName(name), err)
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a seccomp program", displayName(name), maxInput>>20)
	}
	return b, nil
}

// readRaw reads a raw program (see seccomp.ParseRaw). An empty file is an
// error: it is more likely a failed earlier step than a program.
func readRaw(name string, stdin io.Reader) (seccomp.Program, error) {
	b, err := readInput(name, stdin)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s: empty: no instructions", displayName(name))
	}
	p, err := seccomp.ParseRaw(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", displayName(name), err)
	}
	return p, nil
}
