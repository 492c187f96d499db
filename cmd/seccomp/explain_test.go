package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
	"github.com/seccomp-go/seccomp/profile"
)

const (
	libseccompAllow = "../../testdata/analyze/libseccomp_allow.bpf"
	libseccompDeny  = "../../testdata/analyze/libseccomp_deny.bpf"
	allowlistV2     = "../../testdata/analyze/allowlist_v2.txt"
)

// writeProgram assembles the text form src and writes it raw into a
// temporary file.
func writeProgram(t *testing.T, name, src string) string {
	t.Helper()
	p, err := seccomp.AssembleText(src)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.MarshalBinary()
	return writeFile(t, name, b)
}

// The allowlist, as its source's comment describes it: read, close, exit
// and exit_group allowed; write to fd 1 or 2 allowed, to other fds
// ERRNO(1); other x86_64 calls ERRNO(38); x32 and other arches killed.
func TestExplainAllowlist(t *testing.T) {
	skipBigEndian(t)
	want(t, "", []string{"explain", exampleRaw}, 0, `x86_64 (AUDIT_ARCH_X86_64, numbers below 0x40000000)
  SYSCALL     NR   ACTION     CONDITION
  read        0    ALLOW
  write       1    ALLOW      when arg0 == 1
                   ALLOW      when arg0 == 2
                   ERRNO(1)   otherwise
  close       3    ALLOW
  exit        60   ALLOW
  exit_group  231  ALLOW
  (default)        ERRNO(38)  the other 380 system calls and the numbers not in the table

x32 (AUDIT_ARCH_X86_64, numbers with the x32 bit 0x40000000)
  SYSCALL    NR  ACTION        CONDITION
  (default)      KILL_PROCESS  all 374 system calls and the numbers not in the table

other arches (any audit arch token but AUDIT_ARCH_X86_64)
  KILL_PROCESS
`)
	want(t, "", []string{"explain", "-arch", "x32", exampleRaw}, 0, `x32 (AUDIT_ARCH_X86_64, numbers with the x32 bit 0x40000000)
  SYSCALL    NR  ACTION        CONDITION
  (default)      KILL_PROCESS  all 374 system calls and the numbers not in the table
`)
	// An arch the program does not name is analyzed on demand.
	want(t, "", []string{"explain", "-arch", "arm64", exampleRaw}, 0, `aarch64 (AUDIT_ARCH_AARCH64)
  SYSCALL    NR  ACTION        CONDITION
  (default)      KILL_PROCESS  all 327 system calls and the numbers not in the table
`)
	// Standard input, and -dot.
	raw, err := os.ReadFile(exampleRaw)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := seccomp.ParseRaw(raw)
	want(t, string(raw), []string{"explain", "-dot", "-"}, 0, analyze.Dot(p))
}

// libseccomp's export, against the C source that made it.
func TestExplainLibseccomp(t *testing.T) {
	skipBigEndian(t)
	want(t, "", []string{"explain", "-arch", "x86_64", libseccompAllow}, 0, `x86_64 (AUDIT_ARCH_X86_64, numbers below 0x40000000)
  SYSCALL     NR   ACTION        CONDITION
  read        0    ALLOW
  write       1    ALLOW         when arg0 == 1
                   ALLOW         when arg0 == 2
                   KILL_PROCESS  otherwise
  close       3    ALLOW
  mmap        9    ALLOW         when arg2 & 0x4 == 0x0
                   KILL_PROCESS  otherwise
  brk         12   ALLOW
  getpid      39   ERRNO(1)
  exit        60   ALLOW
  exit_group  231  ALLOW
  openat      257  ALLOW         when arg2 & 0x3 == 0x0
                   KILL_PROCESS  otherwise
  (default)        KILL_PROCESS  the other 376 system calls and the numbers not in the table
`)
	want(t, "", []string{"explain", libseccompDeny}, 0, `x86_64 (AUDIT_ARCH_X86_64, numbers below 0x40000000)
  SYSCALL    NR   ACTION        CONDITION
  execve     59   ERRNO(1)
  kill       62   KILL_PROCESS  when arg0 == 0
                  ALLOW         otherwise
  ptrace     101  ERRNO(1)
  mount      165  ERRNO(1)
  openat     257  ERRNO(13)     when arg2 & 0x40 == 0x40
                  ALLOW         otherwise
  (default)       ALLOW         the other 380 system calls and the numbers not in the table

x32 (AUDIT_ARCH_X86_64, numbers with the x32 bit 0x40000000)
  SYSCALL         NR  ACTION       CONDITION
  (default)           KILL_THREAD  all 374 system calls
  (not in table)      KILL_THREAD  numbers in 32 ranges from 0x4000000d to 0x400001ff
  (not in table)                   numbers 0x40000224-0xffffffff:
                      ALLOW        when nr == 0xffffffff
                      KILL_THREAD  otherwise

other arches (any audit arch token but AUDIT_ARCH_X86_64)
  KILL_THREAD
`)
}

// Hand-written odd programs: no arch check, computed tests and actions,
// the low half of an argument.
func TestExplainOdd(t *testing.T) {
	noArch := writeProgram(t, "noarch.bpf", "ld [nr]\njeq #101, kill\nret ALLOW\nkill: ret KILL_PROCESS")
	out, errs, code := seccompCmd(t, "", "explain", noArch)
	native := "x86_64"
	if a, err := seccomp.NativeArch(); err == nil {
		native = a.Name
	}
	if code != 0 || errs != "" || !strings.HasPrefix(out, "note: the program compares arch with no known audit arch token: shown as "+native+"\n\n") {
		t.Errorf("exit %d, stderr %q\n%s", code, errs, out)
	}
	if !strings.HasSuffix(out, "\n  KILL_PROCESS  when nr == 101\n  ALLOW         otherwise\n") {
		t.Errorf("other arches: %s", out)
	}
	odd := writeProgram(t, "odd.bpf", `
	ld [arch]
	jne #AUDIT_ARCH_AARCH64, kill
	ld [nr]
	jeq #63, read
	jeq #64, write
	ret ALLOW
read:	ld [args[0].lo]
	add #1
	jgt #3, deny
	ret ALLOW
write:	ld [args[2].lo]
	ret a
deny:	ret ERRNO(1)
kill:	ret KILL_PROCESS`)
	want(t, "", []string{"explain", odd}, 0, `aarch64 (AUDIT_ARCH_AARCH64)
  SYSCALL    NR  ACTION               CONDITION
  read       63  ERRNO(1)             when (computed: arg0.lo + 1 > 3)
                 ALLOW                otherwise
  write      64  (computed: arg2.lo)
  (default)      ALLOW                the other 325 system calls and the numbers not in the table

other arches (any audit arch token but AUDIT_ARCH_AARCH64)
  KILL_PROCESS
`)
}

func TestExplainJSON(t *testing.T) {
	skipBigEndian(t)
	out, errs, code := seccompCmd(t, "", "explain", "-json", exampleRaw)
	var got jsonExplain
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || errs != "" {
		t.Fatalf("exit %d, %v, stderr %q\n%s", code, err, errs, out)
	}
	if len(got.Arches) != 2 || got.Arches[0].Arch != "x86_64" || got.Arches[1].Arch != "x32" || len(got.BadArch) != 2 || len(got.Unreachable) != 0 {
		t.Fatalf("%+v", got)
	}
	x86 := got.Arches[0]
	if len(x86.Syscalls) != len(seccomp.ArchX86_64.Syscalls()) || x86.Default[0].Action != "ERRNO(38)" || *x86.Default[0].Value != 0x50026 {
		t.Errorf("x86_64: %d syscalls, default %+v", len(x86.Syscalls), x86.Default)
	}
	w := x86.Syscalls[1]
	if w.Name != "write" || w.Nr != 1 || w.Cacheable || len(w.Decisions) != 2 {
		t.Fatalf("write: %+v", w)
	}
	allow, eperm := w.Decisions[0], w.Decisions[1]
	if allow.Action != "ALLOW" || *allow.Value != 0x7fff0000 || allow.Otherwise || len(allow.When) != 2 || allow.When[1][0] != "arg0 == 2" {
		t.Errorf("write ALLOW: %+v", allow)
	}
	if eperm.Action != "ERRNO(1)" || !eperm.Otherwise || len(eperm.When) != 2 || eperm.When[1][0] != "arg0 >= 3" {
		t.Errorf("write ERRNO(1): %+v", eperm)
	}
	if r := x86.Syscalls[0]; r.Name != "read" || !r.Cacheable || r.Decisions[0].When != nil {
		t.Errorf("read: %+v", r)
	}
	if !got.BadArch[0].LittleEndian || got.BadArch[1].LittleEndian || got.BadArch[0].Decisions[0].Action != "KILL_PROCESS" {
		t.Errorf("bad arch: %+v", got.BadArch)
	}
	if o := x86.Other; len(o) == 0 || o[len(o)-1].Hi != 0x3fffffff {
		t.Errorf("x86_64 other numbers: %+v", o)
	}
}

// Profiles: the built-in default, and a JSON file (detected by content).
func TestExplainProfiles(t *testing.T) {
	if _, err := profile.RunningKernel(); err != nil {
		t.Skip(err)
	}
	out, errs, code := seccompCmd(t, "", "explain", "-arch", "x86_64", "default")
	if code != 0 || errs != "" {
		t.Fatalf("explain default: exit %d, stderr %q", code, errs)
	}
	for _, line := range []string{
		"\n  clone3 435 ERRNO(38)\n",
		"\n  mount 165 ERRNO(1)\n",
		"\n  clone 56 ERRNO(1) when arg0 & 0x7e020000 != 0x0\n ALLOW otherwise\n",
		"\n  (default) ALLOW the other ",
	} {
		if !containsSpaced(out, line) {
			t.Errorf("explain default lacks %q:\n%s", line, out)
		}
	}
	oci := writeFile(t, "p.json", []byte(`{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_AARCH64"],
  "syscalls": [
    {"names": ["read", "close"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_LE"}]}
  ]
}`))
	want(t, "", []string{"explain", "-arch", "aarch64", oci}, 0, `aarch64 (AUDIT_ARCH_AARCH64)
  SYSCALL    NR  ACTION    CONDITION
  close      57  ALLOW
  read       63  ALLOW
  write      64  ALLOW     when arg0 < 3
                 ERRNO(1)  otherwise
  (default)      ERRNO(1)  the other 324 system calls and the numbers not in the table
`)
	bad := writeFile(t, "bad.json", []byte(`{"defaultAction": "SCMP_ACT_NOPE"}`))
	want(t, "", []string{"explain", "-arch", "aarch64", bad}, 1, "", "seccomp explain: "+bad+": ", "SCMP_ACT_NOPE")
}

func TestExplainErrors(t *testing.T) {
	dir := t.TempDir()
	missing := dir + "/missing.bpf"
	invalid := writeFile(t, "invalid.bpf", rawBytes(bpfRaw(ldAbs, 0, 0, 64), bpfRaw(retK, 0, 0, 0)))
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"explain"}, 2, "want one PROFILE or FILE, got 0 operands"},
		{[]string{"explain", "a", "b"}, 2, "want one PROFILE or FILE, got 2 operands"},
		{[]string{"explain", "-json", "-dot", exampleRaw}, 2, "-json and -dot exclude each other"},
		{[]string{"explain", "-arch", "vax", exampleRaw}, 2, `-arch: unknown arch "vax"`},
		{[]string{"explain", missing}, 1, "open " + missing + ": no such file or directory"},
		{[]string{"explain", invalid}, 1, invalid + ": invalid filter: instruction 0"},
		{[]string{"explain", writeFile(t, "odd.bpf", []byte{6, 0, 0})}, 1, "raw BPF: 3 bytes is not a whole number"},
		{[]string{"explain", writeFile(t, "empty.bpf", nil)}, 1, "empty: no instructions"},
	} {
		want(t, "", tc.args, tc.code, "", "seccomp explain: ", tc.err)
	}
}

// The verbs that read a program or a profile never panic, whatever the
// input, and exit 0 (or 3), or 1 with one line on standard error.
func FuzzAnalyzeVerbs(f *testing.F) {
	for _, path := range []string{exampleRaw, libseccompAllow, libseccompDeny} {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}]}`))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64*8 {
			return // the analysis of long programs is slow, not wrong
		}
		path := writeFile(t, "in", data)
		for _, args := range [][]string{
			{"explain", "-arch", "x86_64", path},
			{"explain", "-json", "-arch", "aarch64", path},
			{"audit", path},
			{"dot", path},
			{"diff", "-arch", "x86_64", path, exampleRaw},
		} {
			_, errs, code := seccompCmd(t, "", args...)
			switch code {
			case 0, exitFindings:
			case 1:
				if errs == "" || errs[len(errs)-1] != '\n' {
					t.Fatalf("seccomp %q: exit 1 with stderr %q", args, errs)
				}
			default:
				t.Fatalf("seccomp %q: exit %d, stderr %q", args, code, errs)
			}
		}
	})
}
