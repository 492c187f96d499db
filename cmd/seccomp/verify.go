package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
	"golang.org/x/net/bpf"
)

var verifyVerb = &verb{
	name:    "verify",
	summary: "check a raw program as the kernel does when it is loaded",
	usage: `usage: seccomp verify FILE

Apply the kernel's load-time checks to the raw program in FILE (- for
standard input), in the kernel's order.

When the kernel would accept the program, print one line and exit 0:

  ok: N instructions, returns ACTION, ACTION, ...

listing each distinct value of the program's return instructions once, as
the kernel acts on it (KILL_PROCESS, KILL_THREAD, TRAP(n), ERRNO(n),
USER_NOTIF, TRACE(n), LOG, ALLOW; a value the kernel does not know counts as
KILL_PROCESS), most restrictive first, and A last when a return hands back the
A register (a value known only at run time). Unreachable returns count too.

Otherwise print the first failed check on standard error, with the
instruction's index (from 0) and the rule, and exit 1. seccomp(2) would fail
with EINVAL. The limit on the total length of a thread's filters is not
checked here.

Examples:
  seccomp verify allow.bpf
  seccomp asm allow.txt | seccomp verify -
`,
}

func init() { verifyVerb.run = runVerify }

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := verifyVerb
	fs := newFlags(v)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one FILE, got %d operands", fs.NArg())
	}
	name := fs.Arg(0)
	p, err := readRaw(name, stdin)
	if err != nil {
		return failure(v, stderr, "%v", err)
	}
	if err := seccomp.Verify(p); err != nil {
		return failure(v, stderr, "%s: %v", displayName(name), err)
	}
	if _, err := fmt.Fprintf(stdout, "ok: %d instructions, returns %s\n", len(p), strings.Join(returns(p), ", ")); err != nil {
		return failure(v, stderr, "writing standard output: %v", err)
	}
	return exitOK
}

// returns lists the distinct values of p's return instructions as the kernel
// acts on them, most restrictive first, then "A" if p returns the A register.
func returns(p seccomp.Program) []string {
	var acts []seccomp.Action
	retA := false
	for _, in := range p {
		switch r := in.Disassemble().(type) {
		case bpf.RetConstant:
			acts = append(acts, seccomp.Action(r.Val).Effective())
		case bpf.RetA:
			retA = true
		}
	}
	slices.SortFunc(acts, func(a, b seccomp.Action) int {
		if a.Precedes(b) {
			return -1
		}
		if b.Precedes(a) {
			return 1
		}
		return cmp.Compare(a.Data(), b.Data())
	})
	var out []string
	for _, a := range acts {
		s := a.String()
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	if retA {
		out = append(out, "A")
	}
	return out
}
