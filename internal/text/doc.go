// Package text is the text form of classic BPF programs behind
// seccomp.Disassemble and seccomp.AssembleText, whose doc comments
// describe the syntax.
//
//   - lexer.go: lines with comments blanked out, and their tokens;
//   - parser.go: one statement (or directive, or label) per line, read
//     into an item;
//   - assemble.go: items to a program, through asm.Source, with the raw
//     jumps of .insn put in place after long jumps are inserted;
//   - printer.go: a program to text, one line per instruction, with
//     comments from a forward data flow over the program (flow.go) that
//     tracks what the accumulator holds and which arch tokens are
//     possible.
//
// The package knows the seccomp ABI (internal/uapi) but not the syscall
// tables: Print takes a function that names system calls.
package text
