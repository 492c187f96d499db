package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/seccomp-go/seccomp/analyze"
	"github.com/seccomp-go/seccomp/profile"
)

var auditVerb = &verb{
	name:    "audit",
	summary: "find the weaknesses of a filter; the exit status gates CI",
	usage: `usage: seccomp audit [-fail-on SEVERITY] [-json] [-arch NAME] [profile flags] PROFILE|FILE

Audit a filter and print its findings, most severe first, one a line: the
severity, the check, the arches and the system call concerned, and why.
The checks read the filter's decisions, as seccomp explain finds them; the
arches audited are those the program names plus their siblings, the other
ABIs their kernels run (i386 and x32 for x86_64, arm for aarch64, o32 and
n32 for mips64, s390 for s390x...), which any process can use, and -arch.
-kernel names the kernel the filter is meant for, for a raw program too:
the kernel check then lists the allowed calls it lacks.

` + inputUsage + `
Severities, from the least: info (worth knowing), low (a weakness or a
mistake of little impact), medium (weakens the sandbox: fix unless
intended), high (the filter can be bypassed, or lets out of the sandbox).

Checks:
  no-arch-check  a call is allowed on a path that never loads arch (high)
  bad-arch       calls from arches the program does not accept are allowed
  x32            x32 calls (number | 0x40000000) are allowed; high when they
                 reach calls the x86_64 rules deny
  compat         calls of a 32-bit compat ABI (i386, arm, mips o32 or n32,
                 ppc, s390, parisc) are allowed; info when the program
                 names that arch, whose rules are then audited too
  sibling        a call is denied, or restricted by its arguments, while
                 another that does the same is allowed: openat and open,
                 execve and execveat, clone and clone3, socket and
                 socketcall (i386's, s390's...) with socket's number...
  escape         an allowed call grants a way out of the sandbox: ptrace,
                 process_vm_writev, bpf, mount, unshare, clone and clone3
                 (namespaces), setns, keyctl, kexec_load,
                 open_by_handle_at, init_module... (one level lower when
                 only allowed under conditions, but clone3, whose flags
                 seccomp cannot see); clone and unshare count only when
                 the filter allows them with CLONE_NEW* flags, personality
                 only with ADDR_NO_RANDOMIZE, as the program decides
  kill-thread    KILL_THREAD as the default action (medium) or for calls
                 from other arches (low): in a Go program it kills one
                 thread and wedges the process
  computed       the action returned is computed from the input
  unreachable    instructions no input reaches
  cache          always-allowed calls the kernel's action cache (5.11)
                 cannot serve, so the filter runs on each
  kernel         with -kernel: allowed calls newer than that kernel, which
                 lacks them (info)
  too-complex    calls too complex to analyze (their findings are missing)

The last line sums up: "N findings: ..." or "no findings".

-json prints one JSON object instead:

  {"findings": [{"severity": "high", "check": "escape",
                 "arches": ["x86_64"], "syscall": "ptrace",
                 "reason": "..."}, ...],
   "fail_on": "high", "failed": true}

Flags:
  -fail-on SEVERITY  the least severity that fails the audit (exit status
                     3): info, low, medium, high (the default) or none
  -json              print JSON (see above)
  -arch NAME         the machine a profile is compiled for; an arch to
                     audit too, for a program that does not name it
` + profileFlagsUsage + `
` + archUsage + `
Exit status: 0 no finding at or above -fail-on (by default high; "none"
never fails), 3 some finding at or above it, 1 the input cannot be read or
is not a valid program or profile, 2 usage error.

Examples:
  seccomp audit filter.bpf
  seccomp audit -fail-on medium my-profile.json || exit 1
  seccomp audit -json default | jq '.findings[] | select(.check == "escape")'
`,
}

func init() { auditVerb.run = runAudit }

// exitFindings is audit's status when some finding is at or above
// -fail-on, and diff's when the programs differ.
const exitFindings = 3

func runAudit(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := auditVerb
	fs := newFlags(v)
	failOn := fs.String("fail-on", "high", "")
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
		return usageError(v, stderr, "want one PROFILE or FILE, got %d operands", fs.NArg())
	}
	threshold, ok := analyze.ParseSeverity(*failOn)
	if !ok {
		if !strings.EqualFold(*failOn, "none") {
			return usageError(v, stderr, "-fail-on: unknown severity %q (want info, low, medium, high or none)", *failOn)
		}
		threshold = analyze.High + 1
	}
	rd, arch, code, ok := lookReader(v, *archName, pf, stdin, stderr)
	if !ok {
		return code
	}
	src, code := rd.load(fs.Arg(0))
	if src == nil {
		return code
	}
	// -kernel is the kernel audited for, whatever the input: the kernel
	// check applies to a raw program too.
	kernelSet := pf.set["kernel"]
	pf.set["kernel"] = false
	code, ok = rd.unused(false, src)
	pf.set["kernel"] = kernelSet
	if !ok {
		return code
	}
	opts := analyzeOptions(src.prog, arch)
	if kernelSet {
		k, err := profile.ParseKernelVersion(pf.kernel)
		if err != nil {
			return usageError(v, stderr, "-kernel: %v", err)
		}
		if opts == nil {
			opts = &analyze.Options{}
		}
		opts.Kernel = k.Release()
	}
	findings, err := analyze.Audit(src.prog, opts)
	if err != nil {
		return failure(v, stderr, "%s: %v", src.name, err)
	}
	failed := false
	for _, f := range findings {
		if f.Severity >= threshold {
			failed = true
		}
	}
	if *asJSON {
		out := struct {
			Findings []jsonFinding `json:"findings"`
			FailOn   string        `json:"fail_on"`
			Failed   bool          `json:"failed"`
		}{Findings: findingsJSON(findings), FailOn: strings.ToLower(*failOn), Failed: failed}
		if c := writeJSON(v, stdout, stderr, out); c != exitOK {
			return c
		}
	} else if c := write(v, stdout, stderr, auditText(findings)); c != exitOK {
		return c
	}
	if failed {
		return exitFindings
	}
	return exitOK
}

// jsonFinding is a finding in audit's JSON form.
type jsonFinding struct {
	Severity analyze.Severity `json:"severity"`
	Check    string           `json:"check"`
	Arches   []string         `json:"arches"`
	Syscall  string           `json:"syscall"`
	Reason   string           `json:"reason"`
}

func findingsJSON(findings []analyze.Finding) []jsonFinding {
	out := []jsonFinding{}
	for _, f := range findings {
		a := f.Arches
		if a == nil {
			a = []string{}
		}
		out = append(out, jsonFinding{f.Severity, f.Check, a, f.Syscall, f.Reason})
	}
	return out
}

// auditText prints findings as audit does: a table, most severe first,
// and a line that sums them up.
func auditText(findings []analyze.Finding) string {
	var b strings.Builder
	rows := [][]string{}
	if len(findings) > 0 {
		rows = append(rows, []string{"SEVERITY", "CHECK", "ARCH", "SYSCALL", "REASON"})
	}
	count := map[analyze.Severity]int{}
	for _, f := range findings {
		arches, sys := strings.Join(f.Arches, ","), f.Syscall
		if arches == "" {
			arches = "-"
		}
		if sys == "" {
			sys = "-"
		}
		rows = append(rows, []string{f.Severity.String(), f.Check, arches, sys, f.Reason})
		count[f.Severity]++
	}
	table(&b, "", rows)
	if len(findings) == 0 {
		b.WriteString("no findings\n")
	} else {
		var parts []string
		for s := analyze.High; s >= analyze.Info; s-- {
			if count[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
			}
		}
		noun := "findings"
		if len(findings) == 1 {
			noun = "finding"
		}
		fmt.Fprintf(&b, "%d %s: %s\n", len(findings), noun, strings.Join(parts, ", "))
	}
	return b.String()
}
