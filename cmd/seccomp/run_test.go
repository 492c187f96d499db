//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
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
