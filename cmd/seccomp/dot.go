package main

import (
	"io"

	"github.com/seccomp-go/seccomp/analyze"
)

var dotVerb = &verb{
	name:    "dot",
	summary: "draw a filter's control flow as a Graphviz graph",
	usage: `usage: seccomp dot [-arch NAME] [profile flags] FILE|PROFILE

Print the control flow of a program as a Graphviz graph (the dot
language): one box per basic block with its instructions as seccomp disasm
prints them, an edge per way out of a block, labelled true and false for
the two ways of a conditional jump (the false way dashed). Blocks that
return are filled by their action: green ALLOW and LOG, yellow ERRNO, TRAP,
TRACE and USER_NOTIF, red the kills; blocks no jump reaches are dashed and
grey. Any raw program can be drawn, even one the kernel would refuse: a
jump past the end leads to a node of its own.

` + inputUsage + `
Flags:
  -arch NAME      the machine a profile is compiled for
` + profileFlagsUsage + `
These flags apply to a profile only: with a program they are a usage
error.

` + archUsage + `
Exit status: 0 drawn, 1 FILE cannot be read (or is a profile with an
error), 2 usage error.

Examples:
  seccomp dot filter.bpf | dot -Tsvg > filter.svg
  seccomp dot default | dot -Tpng > docker.png
`,
}

func init() { dotVerb.run = runDot }

func runDot(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := dotVerb
	fs := newFlags(v)
	archName := fs.String("arch", "", "")
	pf := addProfileFlags(fs, false)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if msg := pf.visit(fs); msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one FILE, got %d operands", fs.NArg())
	}
	rd, arch, code, ok := lookReader(v, *archName, pf, stdin, stderr)
	if !ok {
		return code
	}
	src, code := rd.loadOnly(fs.Arg(0), arch != nil)
	if src == nil {
		return code
	}
	return write(v, stdout, stderr, analyze.Dot(src.prog))
}
