package seccomp

import "errors"

// Disassemble returns the text form of p: one instruction per line,
// readable, and accepted back by AssembleText.
func Disassemble(p Program) string {
	return "" // TODO(text form): being written.
}

// AssembleText assembles the text form that Disassemble prints.
func AssembleText(src string) (Program, error) {
	return nil, errors.New("text assembler: not written yet")
}
