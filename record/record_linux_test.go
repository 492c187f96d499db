package record_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/profile"
	"github.com/seccomp-go/seccomp/record"
)

// needNotify skips where the kernel cannot record: no user notification
// with CONTINUE, or no native arch.
func needNotify(t *testing.T) { needNotifyB(t) }

func needNotifyB(t testing.TB) {
	t.Helper()
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("recording needs a native arch with a syscall table: amd64 or arm64")
	}
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
}

// run is the outcome of one run of a command.
type run struct {
	stdout, stderr string
	code           int
}

func (r run) same(o run) bool { return r.stdout == o.stdout && r.code == o.code }

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// recordRun records a command, with standard input from /dev/null.
func recordRun(t *testing.T, opts *record.Options, name string, args ...string) (*record.Recording, run) {
	t.Helper()
	c, err := record.Command(opts, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	c.Cmd.Stdout, c.Cmd.Stderr = &out, &errb
	rec, err := c.Run()
	if rec == nil {
		t.Fatalf("recording %s %q: %v\n%s", name, args, err, errb.String())
	}
	return rec, run{out.String(), errb.String(), exitCode(t, err)}
}

// replay runs a command under a profile as seccomp run does: resolved for
// this machine with Docker's default capabilities, compiled, installed
// right before execve.
func replay(t *testing.T, p *profile.Docker, name string, args ...string) run {
	t.Helper()
	data, err := record.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := profile.Load(data, profile.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	prog, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := seccomp.Command(prog, seccomp.InstallOptions{Flags: r.Flags}, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return run{out.String(), errb.String(), exitCode(t, err)}
}

// straceCalls runs a command under strace -f and returns the system calls
// it made, by name, with their counts: the independent record to compare
// with.
func straceCalls(t *testing.T, name string, args ...string) map[string]int {
	t.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("no strace here")
	}
	log := filepath.Join(t.TempDir(), "strace.log")
	cmd := exec.Command("strace", append([]string{"-f", "-qq", "-o", log, name}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("strace: %v\n%s", err, out)
		}
	}
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// "PID name(args...) = ret" or "PID name(args... <unfinished ...>";
	// "<... name resumed>" lines continue a call already counted.
	start := regexp.MustCompile(`^\d+ +([a-z0-9_]+)\(`)
	calls := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := start.FindStringSubmatch(sc.Text()); m != nil {
			calls[m[1]]++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return calls
}

func counts(rec *record.Recording, arch string) map[string]int {
	out := map[string]int{}
	for _, c := range rec.Calls {
		if c.Arch == arch {
			out[c.Name] += int(c.Count)
		}
	}
	return out
}

func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestRecordMatchesStrace compares recordings with strace's record of the
// same commands: the same calls for ls (a single process, whose calls do
// not vary from run to run) with the same counts, and the same calls for
// a shell pipeline. So nothing of the recorder's own (the helper that
// installs the filter) is recorded, and nothing of the command's is
// missed, the execve that starts it included.
func TestRecordMatchesStrace(t *testing.T) {
	needNotify(t)
	native, _ := seccomp.NativeArch()
	want := straceCalls(t, "ls", "/")
	rec, r := recordRun(t, nil, "ls", "/")
	if r.code != 0 {
		t.Fatalf("ls under the recorder: exit %d\n%s", r.code, r.stderr)
	}
	got := counts(rec, native.Name)
	if !maps_equal(got, want) {
		t.Errorf("ls /: recorded\n%v\nstrace\n%v", got, want)
	}
	if rec.Calls[0].Arch != native.Name || len(rec.Arches()) != 1 {
		t.Errorf("arches %v, want only %s", rec.Arches(), native.Name)
	}
	if _, err := exec.LookPath("uname"); err != nil {
		t.Skip("no uname")
	}
	const script = "uname -a | tr a-z A-Z; echo done"
	want = straceCalls(t, "sh", "-c", script)
	rec, r = recordRun(t, nil, "sh", "-c", script)
	if r.code != 0 || !strings.Contains(r.stdout, "LINUX") {
		t.Fatalf("the pipeline under the recorder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if g, w := keys(counts(rec, native.Name)), keys(want); !slices.Equal(g, w) {
		t.Errorf("%s: recorded\n%v\nstrace\n%v", script, g, w)
	}
}

func maps_equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// programs are real commands to record and run again under the profile.
func programs(t *testing.T) []struct {
	name string
	argv []string
} {
	progs := []struct {
		name string
		argv []string
	}{
		{"ls", []string{"ls", "-l", "/etc/passwd", "/usr/bin/env"}},
		{"sh pipeline", []string{"sh", "-c", "ls / | sort -r | head -n 3; echo $((6*7)) | cat"}},
		{"go", []string{buildGo(t, "goprog")}},
	}
	if py, err := exec.LookPath("python3"); err == nil {
		progs = append(progs, struct {
			name string
			argv []string
		}{"python3", []string{py, "-c", "import threading, socket\n" +
			"out = []\n" +
			"t = threading.Thread(target=lambda: out.append(sum(range(1000))))\n" +
			"t.start(); t.join()\n" +
			"a, b = socket.socketpair()\n" +
			"a.sendall(b'ping'); print(out, b.recv(4))"}})
	}
	return progs
}

// TestRecordReplay records real programs, then runs each again under the
// profile written from its recording, with and without argument
// conditions: same output, same exit status.
func TestRecordReplay(t *testing.T) {
	needNotify(t)
	for _, p := range programs(t) {
		for _, args := range []bool{false, true} {
			name := p.name
			if args {
				name += " -args"
			}
			t.Run(name, func(t *testing.T) {
				rec, first := recordRun(t, &record.Options{ReadMemory: args}, p.argv[0], p.argv[1:]...)
				if first.code != 0 {
					t.Fatalf("recorded run: exit %d\n%s", first.code, first.stderr)
				}
				prof, rep, err := rec.Profile(record.ProfileOptions{Args: args})
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range rep.Warnings {
					t.Errorf("warning: %s", w)
				}
				again := replay(t, prof, p.argv[0], p.argv[1:]...)
				if !again.same(first) {
					data, _ := record.Marshal(prof)
					t.Errorf("under the profile: exit %d, stdout\n%s\nstderr\n%s\nrecorded: exit %d, stdout\n%s\nprofile\n%s",
						again.code, again.stdout, again.stderr, first.code, first.stdout, data)
				}
			})
		}
	}
}

// TestRecordDenies checks that the profile is an allowlist: a call the
// recorded run did not make is denied when run again, and with -args so
// is a recorded call with an argument value not recorded.
func TestRecordDenies(t *testing.T) {
	needNotify(t)
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	const prog = "import socket, sys, os\n" +
		"fams = [getattr(socket, f) for f in sys.argv[1].split(',')]\n" +
		"for f in fams:\n" +
		"    try:\n" +
		"        socket.socket(f, socket.SOCK_STREAM).close(); print(f.name, 'ok')\n" +
		"    except OSError as e:\n" +
		"        print(f.name, e.strerror)\n" +
		"if len(sys.argv) > 2:\n" +
		"    try:\n" +
		"        os.sched_getaffinity(0); print('sched_getaffinity ok')\n" +
		"    except OSError as e:\n" +
		"        print('sched_getaffinity', e.strerror)\n"
	rec, r := recordRun(t, &record.Options{ReadMemory: true}, py, "-c", prog, "AF_UNIX,AF_INET")
	if r.code != 0 || r.stdout != "AF_UNIX ok\nAF_INET ok\n" {
		t.Fatalf("recorded run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range []bool{false, true} {
		p, _, err := rec.Profile(record.ProfileOptions{Args: args})
		if err != nil {
			t.Fatal(err)
		}
		got := replay(t, p, py, "-c", prog, "AF_UNIX,AF_INET,AF_INET6", "affinity")
		want := "AF_UNIX ok\nAF_INET ok\nAF_INET6 ok\nsched_getaffinity Operation not permitted\n"
		if args {
			want = "AF_UNIX ok\nAF_INET ok\nAF_INET6 Operation not permitted\nsched_getaffinity Operation not permitted\n"
		}
		if got.stdout != want {
			t.Errorf("args %v: got\n%s%s\nwant\n%s", args, got.stdout, got.stderr, want)
		}
	}
}

// TestRecordThreadsAndProcesses records a C program whose second thread
// and child process each make a call nothing else makes, and Go's
// threads: every thread and every process is recorded.
func TestRecordThreadsAndProcesses(t *testing.T) {
	needNotify(t)
	native, _ := seccomp.NativeArch()
	t.Run("go", func(t *testing.T) {
		rec, r := recordRun(t, nil, buildGo(t, "goprog"))
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		clone := rec.Lookup(native.Name, "clone")
		if clone == nil || rec.Threads < 3 {
			t.Fatalf("no clone, or %d threads, recorded: %v", rec.Threads, rec.Names(native.Name))
		}
		// runtime/os_linux.go's cloneFlags: VM|FS|FILES|SIGHAND|SYSVSEM|THREAD,
		// and on amd64 CLONE_SETTLS (sys_linux_amd64.s adds it).
		want := uint64(0x50f00)
		if runtime.GOARCH == "amd64" {
			want |= 0x80000
		}
		if a := clone.Arg(0); a == nil || len(a.Values) != 1 || a.Values[0].Value != want || a.Values[0].Count != clone.Count {
			t.Errorf("clone flags %+v, want only %#x", a, want)
		}
		// Threads ended by exit(2): the goroutines locked to them returned.
		if rec.Lookup(native.Name, "exit") == nil {
			t.Errorf("no exit recorded: %v", rec.Names(native.Name))
		}
	})
	t.Run("c", func(t *testing.T) {
		cc, err := exec.LookPath("cc")
		if err != nil {
			t.Skip("no C compiler")
		}
		src := filepath.Join(t.TempDir(), "p.c")
		bin := strings.TrimSuffix(src, ".c")
		os.WriteFile(src, []byte(`#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static void *thread(void *arg) { syscall(SYS_getcpu, 0, 0, 0); return 0; }
int main(void) {
	pthread_t t;
	pthread_create(&t, 0, thread, 0);
	pthread_join(t, 0);
	pid_t pid = fork();
	if (pid == 0) { syscall(SYS_sched_getscheduler, 0); _exit(0); }
	int st;
	waitpid(pid, &st, 0);
	return WEXITSTATUS(st);
}
`), 0o644)
		if out, err := exec.Command(cc, "-pthread", "-o", bin, src).CombinedOutput(); err != nil {
			t.Skipf("cc: %v\n%s", err, out)
		}
		rec, r := recordRun(t, nil, bin)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		for _, name := range []string{"getcpu", "sched_getscheduler", "wait4"} {
			if rec.Lookup(native.Name, name) == nil {
				t.Errorf("%s not recorded: %v", name, rec.Names(native.Name))
			}
		}
	})
}

// TestRecordMerge records two commands and merges the second into the
// profile of the first: the result runs both, and the report says which
// calls were new.
func TestRecordMerge(t *testing.T) {
	needNotify(t)
	native, _ := seccomp.NativeArch()
	rec1, r1 := recordRun(t, nil, "ls", "/")
	rec2, r2 := recordRun(t, nil, "uname", "-a")
	if r1.code != 0 || r2.code != 0 {
		t.Fatalf("exit %d, %d", r1.code, r2.code)
	}
	p1, _, err := rec1.Profile(record.ProfileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := replay(t, p1, "uname", "-a"); got.code == 0 {
		t.Fatalf("uname runs under the profile of ls: the profile allows what ls did not call")
	}
	data, _ := record.Marshal(p1)
	base, _, err := profile.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	p2, rep, err := rec2.Profile(record.ProfileOptions{Base: base})
	if err != nil {
		t.Fatal(err)
	}
	if got := replay(t, p2, "uname", "-a"); !got.same(r2) {
		t.Errorf("uname under the merged profile: %+v", got)
	}
	if got := replay(t, p2, "ls", "/"); !got.same(r1) {
		t.Errorf("ls under the merged profile: %+v", got)
	}
	lsCalls := rec1.Names(native.Name)
	for _, c := range rep.Calls {
		if c.New == slices.Contains(lsCalls, c.Name) {
			t.Errorf("%s: New %v, ls made it: %v", c.Name, c.New, slices.Contains(lsCalls, c.Name))
		}
	}
	if rep.Added != 1 || len(p2.Syscalls) != 2 {
		t.Errorf("added %d entries, profile has %d, want 1 and 2", rep.Added, len(p2.Syscalls))
	}
}

// TestRecordAppendDefault starts from Docker's default profile: the
// result keeps its entries and adds what ls needs beyond them (nothing).
func TestRecordAppendDefault(t *testing.T) {
	needNotify(t)
	rec, r := recordRun(t, nil, "ls", "-l", "/etc/passwd", "/usr/bin/env")
	for _, format := range []profile.Format{profile.FormatDocker, profile.FormatOCI} {
		p, rep, err := rec.Profile(record.ProfileOptions{Base: profile.Default(), Format: format})
		if err != nil {
			t.Fatal(err)
		}
		if p.Format() != format {
			t.Errorf("format %v, want %v", p.Format(), format)
		}
		if rep.Added != 0 {
			t.Errorf("%v: added %d entries to Docker's default for ls", format, rep.Added)
		}
		if got := replay(t, p, "ls", "-l", "/etc/passwd", "/usr/bin/env"); !got.same(r) {
			t.Errorf("ls under the default plus the recording: %+v", got)
		}
	}
}

// TestRecordBoundsUnknownNumbers records a program that makes calls of
// thousands of distinct numbers no arch has: the recorder keeps an entry
// for the first MaxUnnamedCalls only (the target chooses the numbers, 2^32
// of them: an entry each would let it grow the recorder without bound),
// counts every call in Total and says so in Errors.
func TestRecordBoundsUnknownNumbers(t *testing.T) {
	needNotify(t)
	const n = 3 * record.MaxUnnamedCalls
	rec, r := recordRun(t, nil, buildGo(t, "unknown"), strconv.Itoa(n))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	unnamed := 0
	for _, c := range rec.Calls {
		if c.Name == "" {
			unnamed++
		}
	}
	if unnamed != record.MaxUnnamedCalls {
		t.Errorf("%d calls without a name recorded, want %d", unnamed, record.MaxUnnamedCalls)
	}
	if rec.Total < n {
		t.Errorf("Total %d, want at least %d", rec.Total, n)
	}
	if !slices.ContainsFunc(rec.Errors, func(e string) bool { return strings.Contains(e, "without a name") }) {
		t.Errorf("no error says calls were left out: %q", rec.Errors)
	}
}
