package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/childcase"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/profile"
)

// Targets of the dump tests: the test binary run again, with known filters
// installed, waiting for its input to end.

var dumpTargets = childcase.New("SECCOMP_CMD_DUMP_CASE")

// TestDumpTargetHelper runs a target in a child process; it does nothing in
// a normal run.
func TestDumpTargetHelper(t *testing.T) { dumpTargets.Helper(t) }

// dumpProgA denies uname with EPERM; every thread of the "mixed" target has
// it.
func dumpProgA() (seccomp.Program, error) {
	native, err := seccomp.NativeArch()
	if err != nil {
		return nil, err
	}
	f := seccomp.NewFilter(seccomp.ActAllow, native)
	f.AddSyscalls(seccomp.Errno(1), "uname")
	return f.Compile()
}

// dumpProgB answers number 1001 with ERRNO(7); one thread of the "mixed"
// target adds it, with the LOG flag.
var dumpProgB = seccomp.Program{
	{Op: ldAbs, K: 0},
	{Op: jeqK, Jt: 0, Jf: 1, K: 1001},
	{Op: retK, K: uint32(seccomp.Errno(7))},
	{Op: retK, K: uint32(seccomp.ActAllow)},
}

// dockerProgram is Docker's default profile as seccomp run compiles it.
func dockerProgram(enosys bool) (seccomp.Program, error) {
	native, err := seccomp.NativeArch()
	if err != nil {
		return nil, err
	}
	opts := profile.Options{Arch: native, ENOSYSAboveHighest: enosys}
	s, _, err := profile.Default().Resolve(opts)
	if err != nil {
		return nil, err
	}
	r, err := s.Build(opts)
	if err != nil {
		return nil, err
	}
	return r.Compile()
}

// onThread runs fn on a goroutine locked to a thread of its own (not the
// main thread), which then stays.
func onThread(fn func()) {
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == os.Getpid() {
			onThread(fn) // keep the main thread busy and try again
		} else {
			fn()
		}
		select {}
	}()
}

func init() {
	dumpTargets.Add("target", func() error {
		var err error
		switch os.Getenv("SECCOMP_CMD_DUMP_MODE") {
		case "none":
		case "mixed":
			var a seccomp.Program
			if a, err = dumpProgA(); err == nil {
				err = seccomp.Install(a, seccomp.InstallOptions{})
			}
			if err == nil {
				errc := make(chan error)
				onThread(func() {
					err := seccomp.Install(dumpProgB, seccomp.InstallOptions{ThisThreadOnly: true, Flags: seccomp.FlagLog})
					fmt.Printf("tid b %d\n", unix.Gettid())
					errc <- err
				})
				err = <-errc
			}
		case "docker":
			var p seccomp.Program
			if p, err = dockerProgram(false); err == nil {
				err = seccomp.Install(p, seccomp.InstallOptions{})
			}
		default:
			return fmt.Errorf("unknown mode")
		}
		if err != nil {
			return err
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		return nil
	})

	// Runs "seccomp dump PID" in-process without CAP_SYS_ADMIN.
	dumpTargets.Add("nocap", func() error {
		runtime.LockOSThread() // capabilities are per thread, and Dump stays on this one
		hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
		var data [2]unix.CapUserData
		if err := unix.Capget(&hdr, &data[0]); err != nil {
			return err
		}
		data[0].Effective &^= 1 << unix.CAP_SYS_ADMIN
		if err := unix.Capset(&hdr, &data[0]); err != nil {
			return err
		}
		code := run([]string{"dump", os.Getenv("SECCOMP_CMD_DUMP_PID")}, nil, os.Stdout, os.Stdout)
		fmt.Printf("exit %d\n", code)
		return nil
	})
}

type dumpTarget struct {
	pid   int
	tidB  int
	stdin io.WriteCloser
}

func startDumpTarget(t *testing.T, mode string) *dumpTarget {
	t.Helper()
	cmd := dumpTargets.Command("TestDumpTargetHelper", "target", "SECCOMP_CMD_DUMP_MODE="+mode)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	tg := &dumpTarget{pid: cmd.Process.Pid, stdin: stdin}
	s := bufio.NewScanner(stdout)
	for s.Scan() && s.Text() != "ready" {
		fmt.Sscanf(s.Text(), "tid b %d", &tg.tidB)
	}
	if s.Text() != "ready" {
		t.Fatalf("target %s did not start", mode)
	}
	return tg
}

func skipUnlessDumpable(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("reading filters needs CAP_SYS_ADMIN: run as root")
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("the targets need a native arch")
	}
	if ok, err := seccomp.FlagSupported(seccomp.FlagTSync); err != nil || !ok {
		kernelskip.Skipf(t, "no seccomp filters here: %v", err)
	}
}

func taskIDs(t *testing.T, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		t.Fatal(err)
	}
	var tids []int
	for _, e := range ents {
		n, _ := strconv.Atoi(e.Name())
		tids = append(tids, n)
	}
	slices.Sort(tids)
	return tids
}

// stableDump runs the command while the target's threads stay the same
// (the Go runtime may start one at any time), and returns its output and
// those threads.
func stableDump(t *testing.T, pid int, args ...string) (stdout, stderr string, code int, tids []int) {
	t.Helper()
	for {
		tids = taskIDs(t, pid)
		stdout, stderr, code = seccompCmd(t, "", args...)
		if slices.Equal(tids, taskIDs(t, pid)) {
			return stdout, stderr, code, tids
		}
	}
}

func disasm(p seccomp.Program) string {
	s := seccomp.Disassemble(p)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

func TestDumpText(t *testing.T) {
	skipUnlessDumpable(t)
	a, err := dumpProgA()
	if err != nil {
		t.Fatal(err)
	}
	tg := startDumpTarget(t, "mixed")
	pid := strconv.Itoa(tg.pid)
	out, errs, code, tids := stableDump(t, tg.pid, "dump", pid)
	var exp strings.Builder
	fmt.Fprintf(&exp, "process %d (seccomp.test): %d threads, 2 distinct filters\n", tg.pid, len(tids))
	rows := [][]string{{"THREAD", "MODE", "FILTERS", "NO_NEW_PRIVS", "STACK"}}
	for _, tid := range tids {
		if tid == tg.tidB {
			rows = append(rows, []string{strconv.Itoa(tid), "filter", "2", "1", "0 1"})
		} else {
			rows = append(rows, []string{strconv.Itoa(tid), "filter", "1", "1", "0"})
		}
	}
	table(&exp, "  ", rows)
	fmt.Fprintf(&exp, "\nfilter 0 (position 0, the oldest): all %d threads, %d instructions\n%s", len(tids), len(a), disasm(a))
	fmt.Fprintf(&exp, "\nfilter 1 (position 1): thread %d, 4 instructions, flags LOG\n%s", tg.tidB, disasm(dumpProgB))
	if code != 0 || errs != "" || out != exp.String() {
		t.Errorf("seccomp dump %s: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", pid, code, errs, out, exp.String())
	}

	// -o: the raw files hold exactly the programs installed, and the text
	// names them.
	dir := filepath.Join(t.TempDir(), "out")
	out, errs, code = seccompCmd(t, "", "dump", "-o", dir, pid)
	files := []string{filepath.Join(dir, pid+"-0.bpf"), filepath.Join(dir, pid+"-1.bpf")}
	if code != 0 || errs != "" || !strings.Contains(out, ", written to "+files[0]+"\n") || strings.Contains(out, "ld   [0]") {
		t.Errorf("dump -o: exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	for i, p := range []seccomp.Program{a, dumpProgB} {
		got, err := os.ReadFile(files[i])
		if err != nil || string(got) != string(rawBytes(p...)) {
			t.Errorf("%s: %v, %x; want %x", files[i], err, got, rawBytes(p...))
		}
	}

	// -format explain and audit: each filter as the explain and audit verbs
	// see its raw file.
	for _, format := range []string{"explain", "audit"} {
		out, errs, code := seccompCmd(t, "", "dump", "-format", format, pid)
		if code != 0 || errs != "" {
			t.Errorf("dump -format %s: exit %d, stderr %q", format, code, errs)
		}
		for i, f := range files {
			verbOut, _, _ := seccompCmd(t, "", format, f)
			header := fmt.Sprintf("\nfilter %d (position %d", i, i)
			at := strings.Index(out, header)
			if verbOut == "" || at < 0 || !strings.Contains(out[at:], "\n"+verbOut) {
				t.Errorf("dump -format %s: filter %d does not read as seccomp %s prints it:\n%s\nwant within it:\n%s", format, i, format, out, verbOut)
			}
		}
	}
}

func TestDumpJSON(t *testing.T) {
	skipUnlessDumpable(t)
	a, err := dumpProgA()
	if err != nil {
		t.Fatal(err)
	}
	tg := startDumpTarget(t, "mixed")
	out, errs, code, tids := stableDump(t, tg.pid, "dump", "-format", "json", strconv.Itoa(tg.pid))
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var got struct {
		Pid     int
		Comm    string
		Threads []struct {
			Tid        int
			Mode       string
			Filters    int
			NoNewPrivs bool `json:"no_new_privs"`
			Stack      []int
		}
		Filters []struct {
			ID, Position, Instructions int
			Threads                    []int
			Flags                      []string
			Text                       string
			Explain                    *struct{ Arches []any }
			Findings                   []struct{ Check string }
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Pid != tg.pid || got.Comm != "seccomp.test" || len(got.Threads) != len(tids) || len(got.Filters) != 2 {
		t.Fatalf("%+v", got)
	}
	for i, th := range got.Threads {
		wantStack := "[0]"
		if th.Tid == tg.tidB {
			wantStack = "[0 1]"
		}
		if th.Tid != tids[i] || th.Mode != "filter" || !th.NoNewPrivs || fmt.Sprint(th.Stack) != wantStack || th.Filters != len(th.Stack) {
			t.Errorf("thread %+v", th)
		}
	}
	f0, f1 := got.Filters[0], got.Filters[1]
	if f0.ID != 0 || f0.Position != 0 || f0.Instructions != len(a) || fmt.Sprint(f0.Threads) != fmt.Sprint(tids) || len(f0.Flags) != 0 ||
		f0.Text != seccomp.Disassemble(a) || f0.Explain == nil || len(f0.Explain.Arches) == 0 {
		t.Errorf("filter 0: %+v", f0)
	}
	if f1.ID != 1 || f1.Position != 1 || f1.Instructions != 4 || fmt.Sprint(f1.Threads) != fmt.Sprint([]int{tg.tidB}) ||
		fmt.Sprint(f1.Flags) != "[LOG]" || f1.Explain == nil || len(f1.Findings) == 0 {
		t.Errorf("filter 1: %+v", f1)
	}
}

// TestDumpDocker dumps Docker's default profile from a running child.
func TestDumpDocker(t *testing.T) {
	skipUnlessDumpable(t)
	p, err := dockerProgram(false)
	if err != nil {
		t.Fatal(err)
	}
	tg := startDumpTarget(t, "docker")
	dir := t.TempDir()
	out, errs, code := seccompCmd(t, "", "dump", "-o", dir, "-format", "audit", strconv.Itoa(tg.pid))
	if code != 0 || errs != "" || !strings.Contains(out, "1 filter\n") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(tg.pid)+"-0.bpf"))
	if err != nil || string(got) != string(rawBytes(p...)) {
		t.Fatalf("the dumped program is not the installed one (%d bytes, %v; want %d)", len(got), err, 8*len(p))
	}
	// Docker's default lets ptrace through: the audit of the running
	// process says so.
	if !strings.Contains(out, "escape       x86_64") && !strings.Contains(out, "escape       aarch64") || !strings.Contains(out, "ptrace") {
		t.Errorf("audit of the dumped default profile:\n%s", out)
	}
}

func TestDumpAll(t *testing.T) {
	skipUnlessDumpable(t)
	mixed := startDumpTarget(t, "mixed")
	plain := startDumpTarget(t, "none")
	// The real listing has the filtered target, not the plain one, nor
	// this process.
	pids, err := seccompProcesses()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, mixed.pid) || slices.Contains(pids, plain.pid) || slices.Contains(pids, os.Getpid()) {
		t.Errorf("seccompProcesses: %v (mixed %d, plain %d, self %d)", pids, mixed.pid, plain.pid, os.Getpid())
	}
	// Dumping every process would stop other people's processes: -all
	// runs here on these, a process that is gone and one without filters.
	gone := 1<<22 + 1
	listSeccompProcesses = func() ([]int, error) { return []int{plain.pid, mixed.pid, gone}, nil }
	defer func() { listSeccompProcesses = seccompProcesses }()
	for {
		before := taskIDs(t, mixed.pid)
		one, _, _ := seccompCmd(t, "", "dump", strconv.Itoa(mixed.pid))
		out, errs, code := seccompCmd(t, "", "dump", "-all")
		if !slices.Equal(before, taskIDs(t, mixed.pid)) {
			continue // a thread started: again
		}
		if code != 0 || errs != "" || out != one {
			t.Errorf("dump -all: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errs, out, one)
		}
		break
	}
	out, errs, code := seccompCmd(t, "", "dump", "-all", "-format", "json")
	var all struct{ Processes []struct{ Pid int } }
	if err := json.Unmarshal([]byte(out), &all); err != nil || code != 0 || errs != "" || len(all.Processes) != 1 || all.Processes[0].Pid != mixed.pid {
		t.Errorf("dump -all -format json: exit %d, %v, stderr %q:\n%s", code, err, errs, out)
	}
	// A process that cannot be read: a line on stderr, exit 1, the others
	// are dumped.
	listSeccompProcesses = func() ([]int, error) { return []int{os.Getpid(), mixed.pid}, nil }
	out, errs, code = seccompCmd(t, "", "dump", "-all")
	if code != 1 || !strings.HasPrefix(out, fmt.Sprintf("process %d ", mixed.pid)) {
		t.Errorf("dump -all with a failure: exit %d, stdout:\n%s", code, out)
	}
	checkStderr(t, []string{"dump", "-all"}, errs, fmt.Sprintf("seccomp dump: process %d: a process cannot dump itself", os.Getpid()))
}

func TestDumpErrors(t *testing.T) {
	want(t, "", []string{"dump"}, 2, "", "seccomp dump: want one PID (or -all), got 0 operands")
	want(t, "", []string{"dump", "1", "2"}, 2, "", "want one PID")
	want(t, "", []string{"dump", "-all", "1"}, 2, "", "-all takes no PID")
	want(t, "", []string{"dump", "x1"}, 2, "", `PID "x1": want a process id`)
	want(t, "", []string{"dump", "-1"}, 2, "", "seccomp dump: ")
	want(t, "", []string{"dump", "-format", "yaml", "1"}, 2, "", `-format "yaml": want text, explain, audit or json`)
	want(t, "", []string{"dump", "1", "-format", "json"}, 2, "", "flag -format after the operands")
	if runtime.GOOS != "linux" {
		return
	}
	want(t, "", []string{"dump", "4194305"}, 1, "", "seccomp dump: process 4194305: the process is gone: os: process already finished")
	want(t, "", []string{"dump", strconv.Itoa(os.Getpid())}, 1, "", "cannot dump itself")
	skipUnlessDumpable(t)
	plain := startDumpTarget(t, "none")
	out, errs, code, tids := stableDump(t, plain.pid, "dump", strconv.Itoa(plain.pid))
	if exp := fmt.Sprintf("process %d (seccomp.test): %d threads, no seccomp filter\n", plain.pid, len(tids)); code != 0 || errs != "" || out != exp {
		t.Errorf("dump of a process without filters: exit %d, stderr %q, stdout %q; want %q", code, errs, out, exp)
	}

	// Without CAP_SYS_ADMIN.
	tg := startDumpTarget(t, "mixed")
	cmd := dumpTargets.Command("TestDumpTargetHelper", "nocap", fmt.Sprint("SECCOMP_CMD_DUMP_PID=", tg.pid))
	nocap, err := cmd.CombinedOutput()
	if out := string(nocap); err != nil || !strings.Contains(out, "seccomp dump: reading another process's filters needs CAP_SYS_ADMIN") ||
		!strings.Contains(out, "has not got CAP_SYS_ADMIN") || !strings.Contains(out, "exit 1") {
		t.Errorf("dump without CAP_SYS_ADMIN: %v\n%s", err, out)
	}
}

// The filter `seccomp run` installs is what dump reads back from the
// program it runs: Docker's default, once, on the one thread of sleep.
func TestDumpSeccompRun(t *testing.T) {
	skipUnlessDumpable(t)
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep")
	}
	p, err := dockerProgram(true) // run adds runc's ENOSYS stub
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(buildCommand(t), "run", "--", sleep, "60")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := cmd.Process.Pid
	// Wait for the exec: the process is sleep, under a filter.
	for i := 0; ; i++ {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if strings.TrimSpace(string(comm)) == "sleep" {
			break
		}
		if i == 1000 {
			t.Fatalf("seccomp run did not exec sleep (comm %q)", comm)
		}
		time.Sleep(10 * time.Millisecond)
	}
	dir := t.TempDir()
	out, errs, code := seccompCmd(t, "", "dump", "-o", dir, strconv.Itoa(pid))
	if code != 0 || errs != "" || !strings.Contains(out, "1 filter\n") {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(pid)+"-0.bpf"))
	if err != nil || string(got) != string(rawBytes(p...)) {
		t.Fatalf("the dumped program is not Docker's default as run compiles it (%d bytes, %v; want %d)", len(got), err, 8*len(p))
	}
	out, errs, code = seccompCmd(t, "", "dump", strconv.Itoa(pid))
	want := fmt.Sprintf("process %d (sleep): 1 thread, 1 filter\n", pid)
	if code != 0 || errs != "" || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, disasm(p)) {
		t.Errorf("exit %d, stderr %q, text output:\n%s\nwant it to start %q and end with the program", code, errs, out, want)
	}
}
