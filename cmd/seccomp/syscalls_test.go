package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func TestSyscalls(t *testing.T) {
	// Numbers from the kernel's tables (arch/*/entry/syscalls, unistd.h).
	want(t, "", []string{"syscalls", "-arch", "x86_64", "openat", "execve", "0x3b", "231"}, 0,
		"openat      257\nexecve      59\nexecve      59\nexit_group  231\n")
	want(t, "", []string{"syscalls", "-arch", "amd64", "read"}, 0, "read  0\n")
	want(t, "", []string{"syscalls", "-arch", "x32", "read", "0x40000208"}, 0, "read    0x40000000\nexecve  0x40000208\n")
	want(t, "", []string{"syscalls", "-arch", "aarch64", "56", "openat"}, 0, "openat  56\nopenat  56\n")
	want(t, "", []string{"syscalls", "-arch", "i386", "socketcall"}, 0, "socketcall  102\n")
	// The whole table, by number.
	out, errs, code := seccompCmd(t, "", "syscalls", "-arch", "riscv64")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || errs != "" || len(lines) != len(seccomp.ArchRISCV64.Syscalls()) ||
		strings.Join(strings.Fields(lines[0]), " ") != "io_setup 0" {
		t.Errorf("syscalls -arch riscv64: exit %d, stderr %q, %d lines, first %q", code, errs, len(lines), lines[0])
	}
	if n := seccomp.ArchRISCV64.Syscalls(); len(n) > 0 && !strings.HasPrefix(lines[len(lines)-1], n[len(n)-1]+" ") {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
	// The default arch is this program's.
	if a, err := seccomp.NativeArch(); err == nil {
		nr, _ := a.Syscall("openat")
		want(t, "", []string{"syscalls", "openat"}, 0, "openat  "+nrText(uint32(nr))+"\n")
	}
}

func TestSyscallsAllArches(t *testing.T) {
	want(t, "", []string{"syscalls", "-all-arches", "open", "openat"}, 0,
		"NAME    x86_64  i386  x32         aarch64  arm  riscv64  loongarch64  mips  mipsel  mips64  mipsel64  mips64n32  mipsel64n32  ppc  ppc64  ppc64le  s390  s390x  parisc  parisc64  m68k  sh   sheb\n"+
			"open    2       5     0x40000002  -        5    -        -            4005  4005    5002    5002      6002       6002         5    5      5        5     5      5       5         5     5    5\n"+
			"openat  257     295   0x40000101  56       322  56       56           4288  4288    5247    5247      6251       6251         286  286    286      288   288    275     275       288   295  295\n")
	// A number gives every name that has it somewhere.
	out, _, code := seccompCmd(t, "", "syscalls", "-all-arches", "59")
	if code != 0 || !strings.Contains(out, "\nexecve ") || !strings.Contains(out, "\npipe2 ") {
		t.Errorf("syscalls -all-arches 59: exit %d\n%s", code, out)
	}
	out, _, code = seccompCmd(t, "", "syscalls", "-all-arches")
	if code != 0 || strings.Count(out, "\n") < 470 {
		t.Errorf("syscalls -all-arches: exit %d, %d lines", code, strings.Count(out, "\n"))
	}
}

func TestSyscallsJSON(t *testing.T) {
	out, errs, code := seccompCmd(t, "", "syscalls", "-arch", "arm", "-json", "read", "mmap2")
	var got struct {
		Arch     string `json:"arch"`
		Syscalls []struct {
			Name string `json:"name"`
			Nr   uint32 `json:"nr"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || errs != "" {
		t.Fatalf("exit %d, %v, stderr %q\n%s", code, err, errs, out)
	}
	if got.Arch != "arm" || len(got.Syscalls) != 2 || got.Syscalls[0].Nr != 3 || got.Syscalls[1].Name != "mmap2" || got.Syscalls[1].Nr != 192 {
		t.Errorf("%+v", got)
	}
	out, _, code = seccompCmd(t, "", "syscalls", "-all-arches", "-json", "open")
	var all struct {
		Arches   []string `json:"arches"`
		Syscalls []struct {
			Name    string            `json:"name"`
			Numbers map[string]uint32 `json:"numbers"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	if len(all.Arches) != 23 || len(all.Syscalls) != 1 || all.Syscalls[0].Numbers["x32"] != 0x40000002 || len(all.Syscalls[0].Numbers) != 20 ||
		all.Syscalls[0].Numbers["mips64n32"] != 6002 {
		t.Errorf("%+v", all)
	}
	want(t, "", []string{"syscalls", "-arch", "arm", "-json", "nosuch"}, 1, "{\n  \"arch\": \"arm\",\n  \"syscalls\": []\n}\n", `unknown system call "nosuch" on arm`)
}

func TestSyscallsErrors(t *testing.T) {
	// Not found: what is found is printed, exit 1.
	want(t, "", []string{"syscalls", "-arch", "x86_64", "read", "nosuch"}, 1, "read  0\n",
		`seccomp syscalls: unknown system call "nosuch" on x86_64`)
	want(t, "", []string{"syscalls", "-arch", "x86_64", "9999"}, 1, "", "seccomp syscalls: no system call numbered 9999 on x86_64")
	want(t, "", []string{"syscalls", "-all-arches", "nosuch"}, 1, "NAME  x86_64  i386  x32  aarch64  arm  riscv64  loongarch64  mips  mipsel  mips64  mipsel64  mips64n32  mipsel64n32  ppc  ppc64  ppc64le  s390  s390x  parisc  parisc64  m68k  sh  sheb\n",
		`unknown system call "nosuch" on every arch`)
	// Usage errors.
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"syscalls", "-arch", "vax"}, `-arch: unknown arch "vax"`},
		{[]string{"syscalls", "-arch", "x86_64", "-all-arches"}, "-arch and -all-arches exclude each other"},
		{[]string{"syscalls", "-arch", "x86_64", "--", "-1"}, "negative"},
		{[]string{"syscalls", "-arch", "x86_64", "0x100000000"}, "does not fit in 32 bits"},
		{[]string{"syscalls", "-arch", "x86_64", ""}, "an empty operand"},
		{[]string{"syscalls", "-x"}, "flag provided but not defined: -x"},
		// Without --, -1 parses as a flag: still said to be a negative number.
		{[]string{"syscalls", "-arch", "x86_64", "-1"}, `negative number "-1": numbers are unsigned`},
		{[]string{"syscalls", "-0x3b"}, `negative number "-0x3b"`},
	} {
		want(t, "", tc.args, 2, "", "seccomp syscalls: ", tc.err, "run 'seccomp syscalls -h'")
	}
}

// TestSyscallsSince: -since adds the release that added each call, which
// -json always gives (releases from the kernel's history, written out).
func TestSyscallsSince(t *testing.T) {
	want(t, "", []string{"syscalls", "-arch", "x86_64", "-since", "read", "clone3", "openat2"}, 0,
		"read     0    3.0\nclone3   435  5.3\nopenat2  437  5.6\n")
	want(t, "", []string{"syscalls", "-arch", "i386", "-since", "socket", "socketcall"}, 0,
		"socket      359  4.3\nsocketcall  102  3.0\n")
	want(t, "", []string{"syscalls", "-arch", "aarch64", "-since", "56"}, 0, "openat  56  3.7\n")
	// Without -since the output is as it was.
	want(t, "", []string{"syscalls", "-arch", "x86_64", "clone3"}, 0, "clone3  435\n")
	out, _, code := seccompCmd(t, "", "syscalls", "-all-arches", "-since", "clone3")
	if code != 0 || !strings.Contains(out, " 435/5.3 ") || !strings.Contains(out, " 0x400001b3/5.3 ") {
		t.Errorf("-all-arches -since: exit %d\n%s", code, out)
	}
	out, _, code = seccompCmd(t, "", "syscalls", "-arch", "riscv64", "-json", "read", "openat2")
	var got struct {
		Syscalls []struct {
			Name  string `json:"name"`
			Since string `json:"since"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got.Syscalls) != 2 ||
		got.Syscalls[0].Since != "4.15" || got.Syscalls[1].Since != "5.6" {
		t.Errorf("-json: exit %d, %v: %+v", code, err, got)
	}
	out, _, _ = seccompCmd(t, "", "syscalls", "-all-arches", "-json", "clone3")
	var all struct {
		Syscalls []struct {
			Since map[string]string `json:"since"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil || len(all.Syscalls) != 1 ||
		all.Syscalls[0].Since["aarch64"] != "5.5" || all.Syscalls[0].Since["x86_64"] != "5.3" {
		t.Errorf("-all-arches -json: %v: %+v", err, all)
	}
}
