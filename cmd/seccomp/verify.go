package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
	"golang.org/x/net/bpf"
)

var verifyVerb = &verb{
	name:    "verify",
	summary: "check a filter's program as the kernel does when it is loaded",
	usage: `usage: seccomp verify [-json] [-arch NAME] [profile flags] FILE|PROFILE

Apply the kernel's load-time checks to a program, in the kernel's order.

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

` + inputUsage + `
-json prints one JSON object instead of the line, also when the check
fails (the error is then on standard error too):

  {"ok": true, "instructions": 42, "returns": ["KILL_THREAD", "ALLOW"],
   "error": "", "index": -1, "rule": ""}

with "error" the failed check, "index" its instruction (-1 for the program
as a whole) and "rule" what it checks.

Flags:
  -json           print JSON
  -arch NAME      the machine a profile is compiled for
` + profileFlagsUsage + `
These flags apply to a profile only: with a program they are a usage
error.

` + archUsage + `
Exit status: 0 the kernel would accept the program, 1 it would not, or the
input cannot be read or is not a program or a valid profile, 2 usage error.

Examples:
  seccomp verify allow.bpf
  seccomp asm allow.txt | seccomp verify -
  seccomp verify -json my-profile.json
`,
}

func init() { verifyVerb.run = runVerify }

func runVerify(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := verifyVerb
	fs := newFlags(v)
	asJSON := fs.Bool("json", false, "")
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
	p := src.prog
	err := seccomp.Verify(p)
	if *asJSON {
		out := jsonVerify{OK: err == nil, Instructions: len(p), Returns: []string{}, Index: -1}
		if err == nil {
			out.Returns = returns(p)
		} else {
			out.Error = err.Error()
			var ve *seccomp.VerifyError
			if errors.As(err, &ve) {
				out.Index, out.Rule = ve.Index, ve.Rule.String()
			}
		}
		if c := writeJSON(v, stdout, stderr, out); c != exitOK {
			return c
		}
	}
	if err != nil {
		return failure(v, stderr, "%s: %v", src.name, err)
	}
	if *asJSON {
		return exitOK
	}
	return write(v, stdout, stderr, fmt.Sprintf("ok: %d instructions, returns %s\n", len(p), strings.Join(returns(p), ", ")))
}

// jsonVerify is verify's JSON form.
type jsonVerify struct {
	OK           bool     `json:"ok"`
	Instructions int      `json:"instructions"`
	Returns      []string `json:"returns"`
	Error        string   `json:"error"`
	Index        int      `json:"index"`
	Rule         string   `json:"rule"`
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
