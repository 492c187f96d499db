//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/profile"
)

// recordBin returns the built command, skipping where recording cannot
// work.
func recordBin(t *testing.T) string {
	t.Helper()
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("record needs a native arch")
	}
	bin := buildCommand(t)
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	return bin
}

// execOut runs a command with standard input from /dev/null and returns
// its standard output and error and its exit status.
func execOut(t *testing.T, name string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("%s %q: %v", name, args, err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// TestRecordThenRun is issue 16's test: a profile recorded with seccomp
// record runs the same command again under seccomp run -profile, with and
// without -args, for ls, a shell pipeline, a Go program and python3. The
// command's standard output is the same as unrecorded.
func TestRecordThenRun(t *testing.T) {
	bin := recordBin(t)
	dir := t.TempDir()
	goprog := filepath.Join(dir, "goprog")
	if out, err := exec.Command("go", "build", "-o", goprog, "../../record/testdata/goprog").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmds := map[string][]string{
		"ls":          {"ls", "-l", "/etc/passwd", "/usr/bin/env"},
		"sh pipeline": {"sh", "-c", "ls / | sort -r | head -n 3; echo $((6*7)) | cat"},
		"go":          {goprog},
	}
	if py, err := exec.LookPath("python3"); err == nil {
		cmds["python3"] = []string{py, "-c", "import threading\nt = threading.Thread(target=print, args=('thread',))\nt.start(); t.join()\nprint(sum(range(10)))"}
	}
	for name, argv := range cmds {
		plain, _, code := execOut(t, argv[0], argv[1:]...)
		if code != 0 {
			t.Fatalf("%s unrecorded: exit %d", name, code)
		}
		for _, args := range [][]string{nil, {"-args"}} {
			t.Run(name+strings.Join(args, ""), func(t *testing.T) {
				prof := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+strings.Join(args, "")+".json")
				recArgs := append(append([]string{"record", "-q", "-o", prof}, args...), "--")
				out, errs, code := execOut(t, bin, append(recArgs, argv...)...)
				if code != 0 || out != plain {
					t.Fatalf("recorded: exit %d, stdout\n%s\nwant\n%s\nstderr\n%s", code, out, plain, errs)
				}
				out, errs, code = execOut(t, bin, append([]string{"run", "-profile", prof, "--"}, argv...)...)
				if code != 0 || out != plain {
					data, _ := os.ReadFile(prof)
					t.Errorf("under the profile: exit %d, stdout\n%s\nwant\n%s\nstderr\n%s\nprofile\n%s", code, out, plain, errs, data)
				}
				// The control: touch sets times (utimensat), which none of
				// the programs does.
				if _, _, code = execOut(t, bin, "run", "-profile", prof, "--", "touch", filepath.Join(dir, "touched")); code == 0 {
					t.Errorf("touch runs under the profile of %s: it allows what was not recorded", name)
				}
			})
		}
	}
}

// TestRecordExitStatus: the command's status is record's.
func TestRecordExitStatus(t *testing.T) {
	bin := recordBin(t)
	prof := filepath.Join(t.TempDir(), "p.json")
	for _, c := range []struct {
		script string
		code   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"kill -TERM $$", 128 + 15},
		{"kill -KILL $$", 128 + 9},
	} {
		if _, errs, code := execOut(t, bin, "record", "-q", "-o", prof, "--", "sh", "-c", c.script); code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s", c.script, code, c.code, errs)
		}
		if _, err := profile.Load(mustRead(t, prof), profile.Options{}); err != nil {
			t.Errorf("%s: the profile: %v", c.script, err)
		}
	}
	if _, errs, code := execOut(t, bin, "record", "-o", prof, "no-such-command-here"); code != exitNotFound {
		t.Errorf("missing command: exit %d\n%s", code, errs)
	}
	if _, errs, code := execOut(t, bin, "record", "-o", prof, "/etc"); code != exitCannotExec {
		t.Errorf("a directory: exit %d\n%s", code, errs)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRecordSignals: a signal sent to record reaches the command, which
// handles it; the recording is written.
func TestRecordSignals(t *testing.T) {
	bin := recordBin(t)
	prof := filepath.Join(t.TempDir(), "p.json")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1} {
		name := strings.ToUpper(strings.TrimPrefix(sigName(sig), "SIG"))
		cmd := exec.Command(bin, "record", "-q", "-o", prof, "--", "sh", "-c",
			"trap 'echo got "+name+"; exit 7' "+name+"; echo ready; while :; do sleep 0.05; done")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		// Not in the terminal's foreground: its own process group.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("%s: %q, %v\n%s", name, line, err, errb.String())
		}
		cmd.Process.Signal(sig)
		rest, _ := r.ReadString('\n')
		cmd.Wait()
		if rest != "got "+name+"\n" || cmd.ProcessState.ExitCode() != 7 {
			t.Errorf("%s: the command said %q and record exited %d, want \"got %s\" and 7\n%s", name, rest, cmd.ProcessState.ExitCode(), name, errb.String())
		}
	}
}

func sigName(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT", syscall.SIGHUP: "SIGHUP", syscall.SIGUSR1: "SIGUSR1"}[s]
}

// TestRecordOutputs: the summary on standard error after the command,
// or in a file; the profile on standard output with -o -; Docker's format,
// -merge and -append-default.
func TestRecordOutputs(t *testing.T) {
	bin := recordBin(t)
	dir := t.TempDir()
	prof := filepath.Join(dir, "p.json")
	out, errs, code := execOut(t, bin, "record", "-o", prof, "--", "sh", "-c", "echo hello; echo oops >&2")
	if code != 0 || out != "hello\n" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.HasPrefix(errs, "oops\nseccomp record: ") || !strings.Contains(errs, "SYSCALL") || !strings.Contains(errs, "\nexecve ") ||
		!strings.HasSuffix(errs, "seccomp record: profile written to "+prof+"\n") {
		t.Errorf("stderr:\n%s", errs)
	}
	sum := filepath.Join(dir, "summary.txt")
	_, errs, _ = execOut(t, bin, "record", "-o", prof, "-summary", sum, "--", "true")
	if errs != "" || !strings.Contains(string(mustRead(t, sum)), "execve") {
		t.Errorf("-summary: stderr %q, file\n%s", errs, mustRead(t, sum))
	}
	// -summary - is standard output, as - is for -o (it made a file named -).
	out, errs, code = execOut(t, bin, "record", "-o", prof, "-summary", "-", "--", "true")
	if code != 0 || errs != "" || !strings.Contains(out, "\nexecve ") {
		t.Errorf("-summary -: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat("-"); err == nil {
		os.Remove("-")
		t.Errorf("-summary - wrote a file named -")
	}
	if _, errs, code := execOut(t, bin, "record", "-o", "-", "-summary", "-", "--", "true"); code != exitUsage || !strings.Contains(errs, "both write to standard output") {
		t.Errorf("-o - -summary -: exit %d, %q", code, errs)
	}
	out, _, _ = execOut(t, bin, "record", "-q", "-o", "-", "--", "echo", "first")
	first, rest, _ := strings.Cut(out, "\n")
	var p profile.Seccomp
	if first != "first" || json.Unmarshal([]byte(rest), &p) != nil || p.DefaultAction != profile.ActErrno {
		t.Errorf("-o -: %q", out)
	}

	// Docker's format; then merge uname into it.
	execOut(t, bin, "record", "-q", "-format", "docker", "-o", prof, "--", "ls", "/")
	d, _, err := profile.Parse(mustRead(t, prof))
	if err != nil || d.Format() != profile.FormatDocker || len(d.ArchMap) != 1 {
		t.Fatalf("-format docker: %v\n%s", err, mustRead(t, prof))
	}
	_, errs, code = execOut(t, bin, "record", "-merge", prof, "-o", prof, "--", "uname")
	if code != 0 || !strings.Contains(errs, " NEW ") || !regexpMatch(`\nuname +1 +new`, errs) || regexpMatch(`\nexecve +1 +new`, errs) {
		t.Errorf("-merge summary:\n%s", errs)
	}
	for _, argv := range [][]string{{"ls", "/"}, {"uname"}} {
		if _, errs, code := execOut(t, bin, append([]string{"run", "-profile", prof, "--"}, argv...)...); code != 0 {
			t.Errorf("%v under the merged profile: exit %d\n%s", argv, code, errs)
		}
	}
	_, errs, code = execOut(t, bin, "record", "-append-default", "-format", "docker", "-o", prof, "--", "true")
	if code != 0 || !strings.Contains(errs, "0 entries added") {
		t.Errorf("-append-default: exit %d\n%s", code, errs)
	}
	if d, _, err := profile.Parse(mustRead(t, prof)); err != nil || len(d.Syscalls) != len(profile.Default().Syscalls) {
		t.Errorf("-append-default wrote %v entries, Docker's default has %d: %v", len(d.Syscalls), len(profile.Default().Syscalls), err)
	}
}

func regexpMatch(re, s string) bool {
	ok, _ := regexp.MatchString(re, s)
	return ok
}

func TestRecordUsage(t *testing.T) {
	bin := buildCommand(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"record"}, "no command"},
		{[]string{"record", "-format", "yaml", "true"}, "-format"},
		{[]string{"record", "-merge", "x.json", "-append-default", "true"}, "exclude each other"},
		{[]string{"record", "-default-action", "allow", "true"}, "-default-action"},
		{[]string{"record", "-q", "-summary", "s", "true"}, "exclude each other"},
	} {
		if _, errs, code := execOut(t, bin, c.args...); code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d\n%s", c.args, code, errs)
		}
	}
	if _, errs, code := execOut(t, bin, "record", "-merge", "/nonexistent.json", "true"); code != exitFailure || !strings.Contains(errs, "nonexistent") {
		t.Errorf("unreadable -merge: exit %d\n%s", code, errs)
	}
	// A profile or summary that cannot be written is found before the
	// command runs, not after (the recording would be lost).
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	for _, args := range [][]string{
		{"-o", filepath.Join(dir, "no/such/dir/p.json")},
		{"-o", dir},
		{"-summary", filepath.Join(dir, "no/such/dir/s.txt"), "-o", filepath.Join(dir, "p.json")},
	} {
		args = append(append([]string{"record"}, args...), "--", "touch", marker)
		_, errs, code := execOut(t, bin, args...)
		if code != exitFailure || !strings.HasPrefix(errs, "seccomp record: -") || strings.Count(errs, "\n") != 1 {
			t.Errorf("%q: exit %d\n%s", args, code, errs)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Errorf("%q: the command ran", args)
			os.Remove(marker)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left in %s: %v", dir, ents)
	}
}
