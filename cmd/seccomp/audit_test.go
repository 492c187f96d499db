package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/profile"
)

// A small aarch64 allowlist with three faults: execve is denied but
// execveat allowed, ptrace is allowed, and the default is KILL_THREAD.
const auditSample = `
	ld [arch]
	jne #AUDIT_ARCH_AARCH64, kill
	ld [nr]
	jeq #221, deny          ; execve
	jeq #63, allow          ; read
	jeq #281, allow         ; execveat
	jeq #117, allow         ; ptrace
	ret KILL_THREAD
deny:	ret ERRNO(1)
allow:	ret ALLOW
kill:	ret KILL_PROCESS`

const auditSampleOut = `SEVERITY  CHECK        ARCH     SYSCALL  REASON
high      sibling      aarch64  execve   execve is denied but execveat, which also runs programs, is allowed
high      escape       aarch64  ptrace   ptrace is allowed: it reads and writes the memory and registers of other processes, and can rewrite a tracee's system calls
medium    kill-thread  aarch64  -        KILL_THREAD is the default action: in a Go program (in any multithreaded one) it kills one thread and leaves the process wedged; use KILL_PROCESS
3 findings: 2 high, 1 medium
`

func TestAudit(t *testing.T) {
	p := writeProgram(t, "sample.bpf", auditSample)
	want(t, "", []string{"audit", p}, 3, auditSampleOut)
	want(t, "", []string{"audit", "-fail-on", "none", p}, 0, auditSampleOut)
	want(t, "", []string{"audit", "-fail-on", "MEDIUM", p}, 3, auditSampleOut)
	// Only a medium finding: fails at medium, not at high.
	p2 := writeProgram(t, "sample2.bpf", strings.Replace(strings.Replace(auditSample, "jeq #281, allow", "jeq #281, deny", 1), "jeq #117, allow", "jeq #117, deny", 1))
	out := "SEVERITY  CHECK        ARCH     SYSCALL  REASON\n" +
		"medium    kill-thread  aarch64  -        KILL_THREAD is the default action: in a Go program (in any multithreaded one) it kills one thread and leaves the process wedged; use KILL_PROCESS\n" +
		"1 finding: 1 medium\n"
	want(t, "", []string{"audit", p2}, 0, out)
	want(t, "", []string{"audit", "-fail-on", "medium", p2}, 3, out)
	want(t, "", []string{"audit", "-fail-on", "info", p2}, 3, out)
	skipBigEndian(t)
	want(t, "", []string{"audit", exampleRaw}, 0, "no findings\n")
	want(t, "", []string{"audit", "-fail-on", "info", exampleRaw}, 0, "no findings\n")
}

func TestAuditJSON(t *testing.T) {
	p := writeProgram(t, "sample.bpf", auditSample)
	out, errs, code := seccompCmd(t, "", "audit", "-json", "-fail-on", "medium", p)
	var got struct {
		Findings []struct {
			Severity string   `json:"severity"`
			Check    string   `json:"check"`
			Arches   []string `json:"arches"`
			Syscall  string   `json:"syscall"`
			Reason   string   `json:"reason"`
		} `json:"findings"`
		FailOn string `json:"fail_on"`
		Failed bool   `json:"failed"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 3 || errs != "" {
		t.Fatalf("exit %d, %v, stderr %q\n%s", code, err, errs, out)
	}
	if len(got.Findings) != 3 || got.FailOn != "medium" || !got.Failed {
		t.Fatalf("%+v", got)
	}
	f := got.Findings[0]
	if f.Severity != "high" || f.Check != "sibling" || f.Syscall != "execve" || len(f.Arches) != 1 || f.Arches[0] != "aarch64" ||
		f.Reason != "execve is denied but execveat, which also runs programs, is allowed" {
		t.Errorf("first finding: %+v", f)
	}
	if k := got.Findings[2]; k.Check != "kill-thread" || k.Syscall != "" {
		t.Errorf("last finding: %+v", k)
	}
}

// libseccomp's deny list and Docker's default profile: real findings.
func TestAuditReal(t *testing.T) {
	skipBigEndian(t)
	out, errs, code := seccompCmd(t, "", "audit", libseccompDeny)
	for _, line := range []string{
		"high      sibling      x86_64    execve             execve is denied but execveat, which also runs programs, is allowed\n",
		"high      sibling      x86_64    ptrace             ptrace is denied but process_vm_writev, which also writes other processes' memory, is allowed\n",
		"medium    sibling      x86_64    openat             openat is allowed only under conditions, but open, which also opens files, is allowed without them\n",
		"high      escape       x86_64    unshare            unshare is allowed: ",
		"low       kill-thread  -         -                  calls from other arches get KILL_THREAD",
	} {
		if code != 3 || errs != "" || !containsSpaced(out, line) {
			t.Errorf("audit %s: exit %d, stderr %q, lacks %q:\n%s", libseccompDeny, code, errs, line, out)
		}
	}
	if _, err := profile.RunningKernel(); err != nil {
		t.Skip(err)
	}
	out, _, code = seccompCmd(t, "", "audit", "default")
	for _, part := range []string{
		"medium    sibling      i386             socket             socket is allowed only under conditions, but socketcall",
		"info      compat       i386             -                  the program accepts i386 calls",
		"info      x32          x32              -                  the program accepts x32 calls",
	} {
		if !containsSpaced(out, part) {
			t.Errorf("audit default: exit %d, lacks %q:\n%s", code, part, out)
		}
	}
}

func TestAuditErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"audit"}, 2, "want one PROFILE or FILE, got 0 operands"},
		{[]string{"audit", "-fail-on", "critical", "x.bpf"}, 2, `-fail-on: unknown severity "critical"`},
		{[]string{"audit", dir + "/missing"}, 1, "no such file or directory"},
		{[]string{"audit", writeFile(t, "bad.bpf", rawBytes(bpfRaw(ldAbs, 0, 0, 2), bpfRaw(retK, 0, 0, 0)))}, 1, "invalid filter: instruction 0"},
	} {
		want(t, "", tc.args, tc.code, "", "seccomp audit: ", tc.err)
	}
}

// containsSpaced reports whether out contains part, counting every run of
// blanks as one (the widths of columns depend on the whole table).
func containsSpaced(out, part string) bool {
	squeeze := func(s string) string {
		var b strings.Builder
		blank := false
		for _, r := range s {
			if r == ' ' {
				if !blank {
					b.WriteByte(' ')
				}
				blank = true
				continue
			}
			blank = false
			b.WriteRune(r)
		}
		return b.String()
	}
	return strings.Contains(squeeze(out), squeeze(part))
}

// TestAuditKernel: -kernel names the kernel audited for, for a profile
// (whose minKernel it resolves too) and for a raw program alike.
func TestAuditKernel(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "p.bpf")
	if _, errs, code := seccompCmd(t, "", "compile", "-arch", "amd64", "-kernel", "6.1", "-o", prog, "default"); code != 0 {
		t.Fatalf("compile: %s", errs)
	}
	for _, in := range []string{"default", prog} {
		out, errs, code := seccompCmd(t, "", "audit", "-arch", "x86_64", "-kernel", "5.10", "-fail-on", "none", in)
		if code != 0 || !strings.Contains(out, "info      kernel       x86_64") || !strings.Contains(out, "newer than Linux 5.10, which lacks them (the kernel answers ENOSYS): ") ||
			!strings.Contains(out, "epoll_pwait2 (5.11)") {
			t.Errorf("%s: exit %d, stderr %q\n%s", in, code, errs, out)
		}
		out, _, _ = seccompCmd(t, "", "audit", "-arch", "x86_64", "-kernel", "6.1", "-fail-on", "none", in)
		if strings.Contains(out, "epoll_pwait2 (5.11)") {
			t.Errorf("%s -kernel 6.1:\n%s", in, out)
		}
	}
	want(t, "", []string{"audit", "-kernel", "five", prog}, 2, "", "-kernel")
	// Other profile flags still apply to profiles only.
	want(t, "", []string{"audit", "-caps", "ALL", prog}, 2, "", "-caps applies to a profile")
}
