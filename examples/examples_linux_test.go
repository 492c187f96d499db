// Package examples builds and runs the example programs.
package examples

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
)

func build(t *testing.T, name string) string {
	t.Helper()
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("the examples filter the native arch: amd64 or arm64")
	}
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command("go", "build", "-o", bin, "./"+name).CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./%s: %v\n%s", name, err, out)
	}
	return bin
}

func TestSelfSandbox(t *testing.T) {
	out, err := exec.Command(build(t, "selfsandbox")).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"read from the file opened before: 16 bytes, err=<nil>",
		"open /etc/passwd: open /etc/passwd: operation not permitted",
		"run /bin/true: fork/exec /bin/true: operation not permitted",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestLauncher(t *testing.T) {
	bin := build(t, "launcher")
	out, err := exec.Command(bin, "uname", "-s").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "Operation not permitted") {
		t.Errorf("uname under the launcher: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "ls", "/").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "proc") {
		t.Errorf("ls / under the launcher: %v\n%s", err, out)
	}
	if _, err := os.Stat("/bin/true"); err == nil {
		out, err = exec.Command(bin, "no-such-command").CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 127 {
			t.Errorf("missing command: %v\n%s", err, out)
		}
	}
}

func TestNotify(t *testing.T) {
	bin := build(t, "notify")
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	out, err := exec.Command(bin).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"supervisor: received the listener, with state {",
		"supervisor: getppid from pid ",
		"target: getppid() = 1",
		"/plain\": return 0",
		"target: mkdir plain: <nil> (exists: true)",
		"/denied-dir\": errno EACCES",
		"target: mkdir denied-dir: mkdir ",
		"denied-dir: permission denied (exists: false)",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}

	// A program of the system under the supervisor: its exit status is the
	// program's.
	if _, err := exec.LookPath("mkdir"); err != nil {
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(bin, "mkdir", filepath.Join(dir, "a"), filepath.Join(dir, "denied-b"), filepath.Join(dir, "c"))
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "Permission denied") {
		t.Errorf("mkdir under the supervisor: %v\n%s", err, out)
	}
	for name, want := range map[string]bool{"a": true, "denied-b": false, "c": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", name, err == nil, want)
		}
	}
}

// The notify example decides on its own copy of the path and acts on it: a
// target thread that swaps the name after the supervisor's read cannot get
// a refused name made (with CONTINUE after the check, it could).
func TestNotifyRace(t *testing.T) {
	bin := build(t, "notify")
	racer := build(t, "testdata/racer")
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	out, err := exec.Command(bin, racer, t.TempDir()).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "none named denied") {
		t.Fatalf("%v\n%s", err, tail(string(out), 20))
	}
	t.Log(tail(string(out), 1))
}

// The notify example does not act for a target whose credentials differ
// from its own: a target that became nobody gets EPERM, and nothing is made.
func TestNotifyOtherCredentials(t *testing.T) {
	bin := build(t, "notify")
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("needs root and setpriv (util-linux) to run the target as nobody")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "x")
	out, err := exec.Command(bin, setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "mkdir", target).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "errno EPERM") {
		t.Errorf("mkdir as nobody under a root supervisor: %v\n%s", err, out)
	}
	if _, err := os.Stat(target); err == nil {
		t.Errorf("%s was made for a target with other credentials", target)
	}
	// The same as root (the supervisor's own credentials) is made.
	out, err = exec.Command(bin, setpriv, "--reuid=0", "mkdir", target).CombinedOutput()
	if _, serr := os.Stat(target); err != nil || serr != nil {
		t.Errorf("mkdir as root under a root supervisor: %v\n%s", err, out)
	}
}

// The notify example does not act for a target that has fewer powers than
// it with the same ids: root without capabilities (it could not make a
// directory in one owned by nobody; the supervisor, acting for it, could),
// root in a mount namespace of its own (where the directory is read-only;
// in the supervisor's it is not).
func TestNotifyLesserTarget(t *testing.T) {
	bin := build(t, "notify")
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	setpriv, err1 := exec.LookPath("setpriv")
	unshare, err2 := exec.LookPath("unshare")
	if err1 != nil || err2 != nil || os.Geteuid() != 0 {
		t.Skip("needs root, setpriv and unshare (util-linux)")
	}
	for _, c := range []struct {
		name string
		argv func(dir, target string) []string
	}{
		{"no capabilities", func(dir, target string) []string {
			// Root's capabilities after exec are its bounding set.
			return []string{setpriv, "--bounding-set=-all", "--inh-caps=-all", "mkdir", target}
		}},
		{"read-only in its mount namespace", func(dir, target string) []string {
			return []string{unshare, "--mount", "--propagation=private", "sh", "-c",
				`mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec mkdir "$2"`, "sh", dir, target}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			target := filepath.Join(dir, "x")
			out, err := exec.Command(bin, c.argv(dir, target)...).CombinedOutput()
			if _, serr := os.Stat(target); serr == nil {
				t.Errorf("%s was made for the target: %v\n%s", target, err, out)
			}
			if want := strconv.Quote(target) + ": errno EPERM"; err == nil || !strings.Contains(string(out), want) {
				t.Errorf("mkdir: %v, want the supervisor's %s in:\n%s", err, want, out)
			}
		})
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
