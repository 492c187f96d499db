//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestRun runs real binaries under profiles with the built command: run
// replaces its own process, so it cannot be tested in-process.
func TestRun(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("run needs a native arch")
	}
	bin := buildCommand(t)
	dir := t.TempDir()
	run := func(args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"run"}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("run %q: %v", args, err)
		}
		return out.String(), cmd.ProcessState.ExitCode()
	}
	// A custom profile that denies uname(2) with EPERM and allows the rest.
	custom := filepath.Join(dir, "no-uname.json")
	if err := os.WriteFile(custom, []byte(`{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["uname"], "action": "SCMP_ACT_ERRNO"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := run("--", "true")
	if code != 0 {
		t.Errorf("true under the default profile: exit %d\n%s", code, out)
	}
	if out, code = run("ls", "/"); code != 0 || !strings.Contains(out, "proc") {
		t.Errorf("ls / under the default profile: exit %d\n%s", code, out)
	}
	if out, code = run("-profile", custom, "uname"); code != 1 || !strings.Contains(out, "Operation not permitted") {
		t.Errorf("uname under a profile that denies it: exit %d\n%s", code, out)
	}
	if out, code = run("-log", "-profile", custom, "uname"); code != 0 {
		t.Errorf("uname under -log: exit %d\n%s", code, out)
	}
	if _, err := exec.LookPath("unshare"); err == nil && os.Geteuid() == 0 {
		// The default profile allows unshare only with CAP_SYS_ADMIN in the
		// capability set it is resolved for.
		if out, code = run("--", "unshare", "-U", "true"); code == 0 || !strings.Contains(out, "Operation not permitted") {
			t.Errorf("unshare -U under the default profile: exit %d\n%s", code, out)
		}
		if out, code = run("-caps", "CAP_SYS_ADMIN", "--", "unshare", "-U", "true"); code != 0 {
			t.Errorf("unshare -U with CAP_SYS_ADMIN: exit %d\n%s", code, out)
		}
	}
	if out, code = run("no-such-command-here"); code != exitNotFound {
		t.Errorf("missing command: exit %d\n%s", code, out)
	}
	if out, code = run(); code != exitUsage || !strings.Contains(out, "no command") {
		t.Errorf("no command: exit %d\n%s", code, out)
	}
	if out, code = run("-arch-check", "loose", "true"); code != exitUsage {
		t.Errorf("bad -arch-check: exit %d\n%s", code, out)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"defaultAction": "SCMP_ACT_SOMETIMES"}`), 0o644)
	if out, code = run("-profile", bad, "true"); code != exitFailure || !strings.Contains(out, "SCMP_ACT_SOMETIMES") {
		t.Errorf("bad profile: exit %d\n%s", code, out)
	}
	if out, code = run("-arch-check", "strict", "--", "true"); code != 0 {
		t.Errorf("strict arch check: exit %d\n%s", code, out)
	}
	if out, code = run("--", dir); code != exitCannotExec {
		t.Errorf("a directory: exit %d\n%s", code, out)
	}
	notProgram := filepath.Join(dir, "not-a-program")
	os.WriteFile(notProgram, []byte("\x00\x01 not a program"), 0o755)
	if out, code = run("--", notProgram); code != exitCannotExec || !strings.Contains(out, "seccomp: exec "+notProgram+" after installing the filter: exec format error") {
		t.Errorf("a file that is no program: exit %d\n%s", code, out)
	}

	// A profile of exactly what the program calls, execve included, and
	// death for anything else: run itself needs nothing of it.
	tight := func(name string, calls []string) string {
		names, _ := json.Marshal(calls)
		file := filepath.Join(dir, name+".json")
		if err := os.WriteFile(file, []byte(`{"defaultAction": "SCMP_ACT_KILL_PROCESS",
			"syscalls": [{"names": `+string(names)+`, "action": "SCMP_ACT_ALLOW"}]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	if cc, err := exec.LookPath("cc"); err == nil {
		tiny := filepath.Join(dir, "tiny")
		if out, err := exec.Command(cc, "-static", "-nostdlib", "-no-pie", "-fno-stack-protector", "-o", tiny, "../../testdata/c/tiny.c").CombinedOutput(); err != nil {
			t.Fatalf("cc: %v\n%s", err, out)
		}
		for range 10 {
			if out, code = run("-profile", tight("tiny", []string{"execve", "write", "exit_group"}), "--", tiny); code != 0 || out != "tiny\n" {
				t.Errorf("a static program under a profile of exactly its calls: exit %d\n%s", code, out)
				break
			}
		}
	} else {
		t.Log("no C compiler: the static program is not run")
	}
	if strace, err := exec.LookPath("strace"); err == nil {
		trace := filepath.Join(dir, "true.strace")
		if out, err := exec.Command(strace, "-qq", "-o", trace, "true").CombinedOutput(); err != nil {
			t.Fatalf("strace: %v\n%s", err, out)
		}
		b, _ := os.ReadFile(trace)
		var calls []string
		for _, line := range strings.Split(string(b), "\n") {
			if i := strings.IndexByte(line, '('); i > 0 && !slices.Contains(calls, line[:i]) {
				calls = append(calls, line[:i])
			}
		}
		for range 10 {
			if out, code = run("-profile", tight("true", calls), "--", "true"); code != 0 {
				t.Errorf("true under a profile of exactly its calls %v: exit %d\n%s", calls, code, out)
				break
			}
		}
	} else {
		t.Log("no strace: true is not run under its own allowlist")
	}
}

// runHelperEnv makes the test binary, run by seccomp run, make one call
// and print its errno (see TestRunHelper).
const runHelperEnv = "SECCOMP_CMD_RUN_HELPER"

// TestRunHelper is what TestRunDocker runs under seccomp run: it makes the
// call $SECCOMP_CMD_RUN_HELPER says (a number, or chroot) and prints the
// errno it got ("0" for none). In a normal run it skips.
func TestRunHelper(t *testing.T) {
	what := os.Getenv(runHelperEnv)
	if what == "" {
		t.Skip("runs under seccomp run only")
	}
	var err error
	if what == "chroot" {
		err = syscall.Chroot("/")
	} else {
		nr, _ := strconv.Atoi(what)
		_, _, e := syscall.RawSyscall(uintptr(nr), 0, 0, 0)
		if e != 0 {
			err = e
		}
	}
	var errno syscall.Errno
	errors.As(err, &errno)
	fmt.Printf("errno=%d\n", int(errno))
	os.Exit(0)
}

// TestRunDocker: run behaves as docker run does: runc's ENOSYS for calls
// newer than the profile (on by default), -cap-add and -cap-drop on top of
// Docker's default set, any kind of profile input, errors that name the
// file.
func TestRunDocker(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("run needs a native arch")
	}
	bin := buildCommand(t)
	dir := t.TempDir()
	run := func(env string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"run"}, args...)...)
		if env != "" {
			cmd.Env = append(os.Environ(), runHelperEnv+"="+env)
		}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("run %q: %v", args, err)
		}
		return out.String(), errb.String(), cmd.ProcessState.ExitCode()
	}
	self := []string{os.Args[0], "-test.run=^TestRunHelper$", "-test.count=1"}
	errnoOf := func(env string, flags ...string) string {
		t.Helper()
		out, errs, code := run(env, append(append(flags, "--"), self...)...)
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "errno=") {
				return strings.TrimPrefix(line, "errno=")
			}
		}
		t.Fatalf("run %q %q: exit %d, no errno in\n%s\n%s", env, flags, code, out, errs)
		return ""
	}
	// Calls newer than anything Docker's default names: ENOSYS (38), as
	// under runc, unless -enosys=false: then the default errno, EPERM.
	for _, nr := range []string{"472", "500"} {
		if got := errnoOf(nr); got != "38" {
			t.Errorf("call %s under run's default: errno %s, want ENOSYS (38)", nr, got)
		}
		if got := errnoOf(nr, "-enosys=false"); got != "1" {
			t.Errorf("call %s with -enosys=false: errno %s, want EPERM (1)", nr, got)
		}
	}
	// -caps replaces Docker's default set (CAP_SYS_CHROOT is gone, and the
	// profile denies chroot); -cap-add adds to it.
	if os.Geteuid() == 0 {
		if got := errnoOf("chroot"); got != "0" {
			t.Errorf("chroot under the default set: errno %s", got)
		}
		if got := errnoOf("chroot", "-caps", "CAP_SYS_ADMIN"); got != "1" {
			t.Errorf("chroot with -caps CAP_SYS_ADMIN: errno %s, want EPERM from the filter", got)
		}
		if got := errnoOf("chroot", "-cap-add", "SYS_ADMIN"); got != "0" {
			t.Errorf("chroot with -cap-add SYS_ADMIN: errno %s, want none", got)
		}
		if got := errnoOf("chroot", "-cap-drop", "SYS_CHROOT"); got != "1" {
			t.Errorf("chroot with -cap-drop SYS_CHROOT: errno %s, want EPERM from the filter", got)
		}
	}
	// The capability flags choose the profile's rules, and leave CMD's
	// capabilities alone, as the help says (docker run drops them).
	if !strings.Contains(runVerb.usage, "do not change CMD's\ncapabilities") {
		t.Error("run's help does not say -cap-drop leaves CMD's capabilities")
	}
	if own, err := os.ReadFile("/proc/self/status"); err == nil {
		capEff := regexp.MustCompile(`(?m)^CapEff:.*$`)
		out, errs, code := run("", "-cap-drop", "ALL", "--", "cat", "/proc/self/status")
		if got, want := capEff.FindString(out), capEff.FindString(string(own)); code != 0 || got != want {
			t.Errorf("-cap-drop ALL: exit %d, %q, want this process's %q\n%s", code, got, want, errs)
		}
	}
	if _, errs, code := run("", "-caps", "BOGUS", "--", "true"); code != exitUsage || !strings.Contains(errs, `-caps: unknown capability "CAP_BOGUS"`) {
		t.Errorf("-caps BOGUS: exit %d, %q", code, errs)
	}
	if _, errs, code := run("", "-cap-add", "NOPE", "--", "true"); code != exitUsage || !strings.Contains(errs, `-cap-add: unknown capability "CAP_NOPE"`) {
		t.Errorf("-cap-add NOPE: exit %d, %q", code, errs)
	}

	// A raw program and its text form run as they are.
	out, errs, code := seccompCmd(t, "", "compile", "-o", filepath.Join(dir, "docker.bpf"), "default")
	if code != 0 {
		t.Fatalf("compile: %d %s %s", code, out, errs)
	}
	seccompCmd(t, "", "compile", "-format", "text", "-o", filepath.Join(dir, "docker.txt"), "default")
	for _, f := range []string{"docker.bpf", "docker.txt"} {
		if out, errs, code := run("", "-profile", filepath.Join(dir, f), "--", "true"); code != 0 || errs != "" {
			t.Errorf("run -profile %s true: exit %d\n%s%s", f, code, out, errs)
		}
		// The program has no ENOSYS stub: EPERM.
		if got := errnoOf("500", "-profile", filepath.Join(dir, f)); got != "1" {
			t.Errorf("call 500 under %s: errno %s", f, got)
		}
		if _, errs, code := run("", "-log", "-profile", filepath.Join(dir, f), "--", "true"); code != exitUsage || !strings.Contains(errs, "-log applies to a profile") {
			t.Errorf("-log with a program: exit %d, %q", code, errs)
		}
	}
	// A whole config.json.
	config := filepath.Join(dir, "config.json")
	os.WriteFile(config, []byte(`{"ociVersion": "1.2.0", "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["chroot"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}}}`), 0o644)
	if got := errnoOf("chroot", "-profile", config); got != "13" {
		t.Errorf("chroot under config.json: errno %s, want 13", got)
	}
	// Errors name the file and are one line; JSON that is not a profile is
	// refused as JSON.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"defaultAction": "SCMP_ACT_SOMETIMES", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NEVER"}]}`), 0o644)
	if _, errs, code := run("", "-profile", bad, "true"); code != exitFailure || errs != "seccomp run: "+bad+`: profile: defaultAction: unknown action "SCMP_ACT_SOMETIMES"; profile: syscalls[0].action (read): unknown action "SCMP_ACT_NEVER"`+"\n" {
		t.Errorf("bad profile: exit %d\n%s", code, errs)
	}
	arr := filepath.Join(dir, "arr.json")
	os.WriteFile(arr, []byte("[]\n"), 0o644)
	if _, errs, code := run("", "-profile", arr, "true"); code != exitFailure || !strings.Contains(errs, arr+": profile: a profile is a JSON object") {
		t.Errorf("[] as a profile: exit %d\n%s", code, errs)
	}
	// SCMP_ACT_NOTIFY is warned about without -v.
	notify := filepath.Join(dir, "notify.json")
	os.WriteFile(notify, []byte(`{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock",
		"syscalls": [{"names": ["chroot"], "action": "SCMP_ACT_NOTIFY"}]}`), 0o644)
	if out, errs, code := run("chroot", append([]string{"-profile", notify, "--"}, self...)...); code != 0 || !strings.Contains(out, "errno=38") ||
		errs != "seccomp run: "+notify+": warning: the profile hands calls to a supervisor (SCMP_ACT_NOTIFY), and there is none here: those calls fail with ENOSYS\n" {
		t.Errorf("SCMP_ACT_NOTIFY: exit %d\n%s%s", code, out, errs)
	}
	// Docker's default prints nothing; a typo'd name is a line of its own.
	if _, errs, code := run("", "--", "true"); code != 0 || errs != "" {
		t.Errorf("true: exit %d, stderr %q", code, errs)
	}
	typo := filepath.Join(dir, "typo.json")
	os.WriteFile(typo, []byte(`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chrot", "recv"], "action": "SCMP_ACT_ERRNO"}]}`), 0o644)
	if _, errs, code := run("", "-profile", typo, "true"); code != 0 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, `unknown system call "chrot"`) {
		t.Errorf("typo: exit %d, stderr %q", code, errs)
	}
	// Exit statuses: a directory 126, not found 127, in PATH or not.
	os.Mkdir(filepath.Join(dir, "subdir"), 0o755)
	if _, _, code := run("", "--", filepath.Join(dir, "subdir")); code != exitCannotExec {
		t.Errorf("a directory: exit %d", code)
	}
	if _, _, code := run("", "--", filepath.Join(dir, "missing")); code != exitNotFound {
		t.Errorf("a missing path: exit %d", code)
	}
}
