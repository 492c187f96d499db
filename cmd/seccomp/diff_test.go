package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/profile"
)

// v2 assembles testdata/analyze/allowlist_v2.txt.
func v2(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(allowlistV2)
	if err != nil {
		t.Fatal(err)
	}
	return writeProgram(t, "v2.bpf", string(src))
}

// The allowlist against its modified copy, which allows open and gives
// ERRNO(1) to write on fd 2, as its header says.
func TestDiff(t *testing.T) {
	skipBigEndian(t)
	b := v2(t)
	want(t, "", []string{"diff", exampleRaw, b}, 3, `x86_64 (AUDIT_ARCH_X86_64, numbers below 0x40000000)
  SYSCALL  NR  A          B         CONDITION
  write    1   ALLOW      ERRNO(1)  when arg0 == 2
  open     2   ERRNO(38)  ALLOW
`)
	want(t, "", []string{"diff", b, exampleRaw}, 3, `x86_64 (AUDIT_ARCH_X86_64, numbers below 0x40000000)
  SYSCALL  NR  A         B          CONDITION
  write    1   ERRNO(1)  ALLOW      when arg0 == 2
  open     2   ALLOW     ERRNO(38)
`)
	want(t, "", []string{"diff", exampleRaw, exampleRaw}, 0, "")
	raw, _ := os.ReadFile(exampleRaw)
	want(t, string(raw), []string{"diff", "-", exampleRaw}, 0, "")
	// Only aarch64, where both kill everything.
	want(t, "", []string{"diff", "-arch", "aarch64", exampleRaw, b}, 0, "")
	want(t, "", []string{"diff", "-arch", "x86_64", exampleRaw, b}, 3, `x86_64 (AUDIT_ARCH_X86_64, numbers below 0x40000000)
  SYSCALL  NR  A          B         CONDITION
  write    1   ALLOW      ERRNO(1)  when arg0 == 2
  open     2   ERRNO(38)  ALLOW
`)
}

// Two different programs: many calls with the same change take one row;
// ranges and other arches are compared too.
func TestDiffLibseccomp(t *testing.T) {
	skipBigEndian(t)
	want(t, "", []string{"diff", libseccompAllow, exampleRaw}, 3, `x86_64 (AUDIT_ARCH_X86_64, numbers below 0x40000000)
  SYSCALL         NR   A             B          CONDITION
  write           1    KILL_PROCESS  ERRNO(1)   when arg0 == 0
                       KILL_PROCESS  ERRNO(1)   when arg0 >= 3
  (376 calls)          KILL_PROCESS  ERRNO(38)  open, stat, fstat and 373 more
  mmap            9    ALLOW         ERRNO(38)  when arg2 & 0x4 == 0x0
                       KILL_PROCESS  ERRNO(38)  when arg2 & 0x4 != 0x0
  brk             12   ALLOW         ERRNO(38)
  getpid          39   ERRNO(1)      ERRNO(38)
  openat          257  ALLOW         ERRNO(38)  when arg2 & 0x3 == 0x0
                       KILL_PROCESS  ERRNO(38)  when arg2 & 0x3 != 0x0
  (not in table)       KILL_PROCESS  ERRNO(38)  numbers 337-423, 472-0x3fffffff

x32 (AUDIT_ARCH_X86_64, numbers with the x32 bit 0x40000000)
  SYSCALL         NR  A            B             CONDITION
  (374 calls)         KILL_THREAD  KILL_PROCESS  read, write, open and 371 more
  (not in table)      KILL_THREAD  KILL_PROCESS  numbers in 32 ranges from 0x4000000d to 0x400001ff
  (not in table)      KILL_THREAD  KILL_PROCESS  numbers 0x40000224-0xffffffff, when nr < 0xffffffff

other arches
  TOKENS  A            B             CONDITION
  any     KILL_THREAD  KILL_PROCESS
`)
}

func TestDiffJSON(t *testing.T) {
	skipBigEndian(t)
	out, errs, code := seccompCmd(t, "", "diff", "-json", exampleRaw, v2(t))
	var got struct {
		Differ bool `json:"differ"`
		Arches []struct {
			Arch     string `json:"arch"`
			Syscalls []struct {
				Name    string `json:"name"`
				Nr      uint32 `json:"nr"`
				Changes []struct {
					A    string     `json:"a"`
					B    string     `json:"b"`
					When [][]string `json:"when"`
				} `json:"changes"`
				TooComplex bool `json:"too_complex"`
			} `json:"syscalls"`
			Other []json.RawMessage `json:"other"`
		} `json:"arches"`
		BadArch []json.RawMessage `json:"bad_arch"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 3 || errs != "" {
		t.Fatalf("exit %d, %v, stderr %q\n%s", code, err, errs, out)
	}
	if !got.Differ || len(got.Arches) != 2 || got.Arches[1].Arch != "x32" || len(got.Arches[1].Syscalls) != 0 || len(got.BadArch) != 0 {
		t.Fatalf("%+v", got)
	}
	s := got.Arches[0].Syscalls
	if len(s) != 2 || s[0].Name != "write" || s[0].Changes[0].A != "ALLOW" || s[0].Changes[0].B != "ERRNO(1)" ||
		len(s[0].Changes[0].When) != 1 || s[0].Changes[0].When[0][0] != "arg0 == 2" || s[1].Name != "open" || s[1].Changes[0].When != nil {
		t.Errorf("%+v", s)
	}
	out, _, code = seccompCmd(t, "", "diff", "-json", exampleRaw, exampleRaw)
	if code != 0 || !strings.Contains(out, `"differ": false`) {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// A profile against a raw program.
func TestDiffProfile(t *testing.T) {
	if _, err := profile.RunningKernel(); err != nil {
		t.Skip(err)
	}
	skipBigEndian(t)
	out, errs, code := seccompCmd(t, "", "diff", "-arch", "x86_64", "default", exampleRaw)
	// clone3 gets ERRNO(38) from both: not listed.
	if code != 3 || errs != "" || !containsSpaced(out, "  write 1 ALLOW ERRNO(1) when arg0 == 0\n") || strings.Contains(out, "clone3") {
		t.Errorf("exit %d, stderr %q\n%s", code, errs, out)
	}
}

func TestDiffErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"diff", "a"}, 2, "want two operands, A and B, got 1"},
		{[]string{"diff", "-", "-"}, 2, "A and B cannot both be standard input"},
		{[]string{"diff", "-arch", "pdp11", "a", "b"}, 2, `-arch: unknown arch "pdp11"`},
		{[]string{"diff", exampleRaw, t.TempDir() + "/missing"}, 1, "no such file or directory"},
		{[]string{"diff", writeFile(t, "bad.bpf", rawBytes(bpfRaw(ldAbs, 0, 0, 3), bpfRaw(retK, 0, 0, 0))), exampleRaw}, 1, "invalid filter: instruction 0"},
	} {
		want(t, "", tc.args, tc.code, "", "seccomp diff: ", tc.err)
	}
}
