package seccomp_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/notify"
)

// The tests of Exec and Command: a launcher must need nothing of the
// program's allowlist but execve, and Command's helper must act only for
// the parent that started it.

// buildTiny builds testdata/c/tiny.c: a static program without C library
// whose only system calls are write(1, "tiny\n", 5) and exit_group(0).
func buildTiny(t *testing.T) string {
	t.Helper()
	bin, why := tryBuildTiny(t)
	if bin == "" {
		t.Skip(why)
	}
	return bin
}

func tryBuildTiny(t *testing.T) (bin, why string) {
	t.Helper()
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		return "", "tiny.c has system calls for x86_64 and aarch64 only"
	}
	cc, err := exec.LookPath("cc")
	if err != nil {
		return "", "no C compiler to build the static test program"
	}
	bin = filepath.Join(t.TempDir(), "tiny")
	out, err := exec.Command(cc, "-static", "-nostdlib", "-no-pie", "-fno-stack-protector", "-o", bin, "testdata/c/tiny.c").CombinedOutput()
	require.NoError(t, err, "cc: %s", out)
	return bin, ""
}

// tinyCalls is what tiny calls, execve included.
var tinyCalls = []string{"execve", "write", "exit_group"}

// straceCalls returns the names of the system calls a program makes, as
// strace sees them (execve included): an allowlist derived independently
// of this package. It returns nil without strace.
func straceCalls(t *testing.T, argv ...string) []string {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		return nil
	}
	out := filepath.Join(t.TempDir(), "strace.out")
	cmd := exec.Command(strace, append([]string{"-f", "-qq", "-o", out}, argv...)...)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "strace: %s", b)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	seen := map[string]bool{}
	var names []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		// With -f and -o, each line starts with the thread's id.
		line := strings.TrimLeft(s.Text(), "0123456789")
		line = strings.TrimSpace(line)
		i := strings.IndexByte(line, '(')
		if i <= 0 || strings.HasPrefix(line, "+++") || strings.HasPrefix(line, "---") {
			continue
		}
		if name := line[:i]; !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	require.Contains(t, names, "execve", "strace saw no execve:\n%s", b)
	return names
}

// allowOnly returns a filter for the native arch that allows the named
// calls and kills the process on any other.
func allowOnly(t *testing.T, names ...string) seccomp.Program {
	t.Helper()
	f := seccomp.NewFilter(seccomp.ActKillProcess)
	f.AddSyscalls(seccomp.ActAllow, names...)
	p, err := f.Compile()
	require.NoError(t, err)
	return p
}

// The programs run under a filter of exactly what they call: tiny, and
// true with strace's list.
type tightCase struct {
	name  string
	path  string
	calls []string
}

func tightCases(t *testing.T) []tightCase {
	t.Helper()
	var cases []tightCase
	tiny, why := tryBuildTiny(t)
	if tiny != "" {
		cases = append(cases, tightCase{"tiny", tiny, tinyCalls})
	} else {
		t.Log(why)
	}
	if tr, err := exec.LookPath("true"); err == nil {
		if calls := straceCalls(t, tr); calls != nil {
			cases = append(cases, tightCase{"true", tr, calls})
		} else {
			t.Log("no strace to derive the allowlist of true (apt-get install strace)")
		}
	}
	if len(cases) == 0 {
		t.Skip("neither the static program nor strace for true")
	}
	return cases
}

func init() {
	// Exec with a filter that allows exactly what EXEC_BIN calls
	// (EXEC_CALLS, comma-separated) and kills the process on anything
	// else, so on any call of this process's runtime. With EXEC_BUSY, the
	// process is busy meanwhile: goroutines that allocate and collect
	// garbage (stop-the-world, preemption signals) and send signals to the
	// process.
	installCases.Add("exec_tight", func() error {
		f := seccomp.NewFilter(seccomp.ActKillProcess)
		f.AddSyscalls(seccomp.ActAllow, strings.Split(os.Getenv("EXEC_CALLS"), ",")...)
		p, err := f.Compile()
		if err != nil {
			return err
		}
		if os.Getenv("EXEC_BUSY") != "" {
			for range 4 {
				go func() {
					var keep [][]byte
					for i := 0; ; i++ {
						//lint:ignore SA4010 garbage on purpose: the GC and the allocator stay busy
						keep = append(keep, make([]byte, 4096))
						if i%64 == 0 {
							keep = nil
							runtime.GC()
						}
					}
				}()
			}
			go func() {
				for {
					syscall.Kill(os.Getpid(), syscall.SIGWINCH)
					runtime.Gosched()
				}
			}()
		}
		bin := os.Getenv("EXEC_BIN")
		return seccomp.Exec(p, seccomp.InstallOptions{}, bin, []string{bin}, os.Environ())
	})
}

func TestExecTightFilter(t *testing.T) {
	for _, c := range tightCases(t) {
		t.Run(c.name, func(t *testing.T) {
			out, ws := runCase(t, "exec_tight", "EXEC_BIN="+c.path, "EXEC_CALLS="+strings.Join(c.calls, ","))
			assert.True(t, ws.Exited() && ws.ExitStatus() == 0, "%s under a filter of exactly its calls %v: %v\n%s", c.name, c.calls, ws, out)
			if c.name == "tiny" {
				assert.Equal(t, "tiny\n", out)
			}
		})
	}
}

// TestExecTightFilterBusy runs the exec while the process collects garbage
// and gets signals: the runtime's preemption signals and the process's
// signals must not reach the exec thread once it has the filter.
func TestExecTightFilterBusy(t *testing.T) {
	bin := buildTiny(t)
	for i := range 20 {
		out, ws := runCase(t, "exec_tight", "EXEC_BIN="+bin, "EXEC_CALLS="+strings.Join(tinyCalls, ","), "EXEC_BUSY=1")
		if !assert.True(t, ws.Exited() && ws.ExitStatus() == 0 && out == "tiny\n", "run %d: %v\n%s", i, ws, out) {
			break
		}
	}
}

func TestCommandTightFilter(t *testing.T) {
	for _, c := range tightCases(t) {
		t.Run(c.name, func(t *testing.T) {
			cmd, err := seccomp.Command(allowOnly(t, c.calls...), seccomp.InstallOptions{}, c.path)
			require.NoError(t, err)
			out, err := cmd.CombinedOutput()
			assert.NoError(t, err, "%s under a filter of exactly its calls %v:\n%s", c.name, c.calls, out)
			if c.name == "tiny" {
				assert.Equal(t, "tiny\n", string(out))
			}
		})
	}
}

func init() {
	// A filter that denies execve but allows execveat: Exec uses execveat.
	installCases.Add("execveat", func() error {
		f := seccomp.NewFilter(seccomp.ActKillProcess)
		f.AddSyscalls(seccomp.ActAllow, "execveat", "write", "exit_group")
		f.AddSyscalls(seccomp.Errno(1), "execve")
		p, err := f.Compile()
		if err != nil {
			return err
		}
		bin := os.Getenv("EXEC_BIN")
		return seccomp.Exec(p, seccomp.InstallOptions{}, bin, []string{bin}, os.Environ())
	})
}

func TestExecExecveat(t *testing.T) {
	bin := buildTiny(t)
	out, ws := runCase(t, "execveat", "EXEC_BIN="+bin)
	assert.True(t, ws.Exited() && ws.ExitStatus() == 0, "%v\n%s", ws, out)
	assert.Equal(t, "tiny\n", out)
}

// TestExecChecks: what can be checked is checked before anything changes,
// so these run in the test process itself.
func TestExecChecks(t *testing.T) {
	allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)
	dir := t.TempDir()
	err = seccomp.Exec(allow, seccomp.InstallOptions{}, dir, []string{dir}, nil)
	assert.ErrorIs(t, err, unix.EISDIR)
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	missing := filepath.Join(dir, "missing")
	err = seccomp.Exec(allow, seccomp.InstallOptions{}, missing, []string{missing}, nil)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	plain := filepath.Join(dir, "plain")
	require.NoError(t, os.WriteFile(plain, []byte("data"), 0o644))
	err = seccomp.Exec(allow, seccomp.InstallOptions{}, plain, []string{plain}, nil)
	assert.ErrorIs(t, err, unix.EACCES, "no execute bit (not even root may execute it)")
	tr, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true")
	}
	noExec := seccomp.NewFilter(seccomp.ActAllow)
	noExec.AddSyscalls(seccomp.Errno(1), "execve", "execveat")
	p, err := noExec.Compile()
	require.NoError(t, err)
	err = seccomp.Exec(p, seccomp.InstallOptions{}, tr, []string{tr}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ERRNO(1) for execve and ERRNO(1) for execveat")
	_, err = seccomp.Command(p, seccomp.InstallOptions{}, tr)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "for execve")
	err = seccomp.Exec(allow, seccomp.InstallOptions{Flags: seccomp.FlagNewListener}, tr, []string{tr}, nil)
	var fe *seccomp.FlagError
	assert.ErrorAs(t, err, &fe)
	// Nothing changed.
	st, err := threadStatus()
	require.NoError(t, err)
	for tid, s := range st {
		assert.Equal(t, 0, s[0], "thread %d of the test process has a filter", tid)
	}
}

func init() {
	// execve fails once the filter is on (the file is no program the
	// kernel runs: ENOEXEC), under a filter that denies write and
	// exit_group: the reason is still written and the process ends.
	installCases.Add("exec_noexec", func() error {
		f := seccomp.NewFilter(seccomp.ActAllow)
		f.AddSyscalls(seccomp.Errno(uint16(unix.EPERM)), "write", "exit_group", "exit")
		p, err := f.Compile()
		if err != nil {
			return err
		}
		bin := os.Getenv("EXEC_BIN")
		err = seccomp.Exec(p, seccomp.InstallOptions{}, bin, []string{bin}, os.Environ())
		return fmt.Errorf("Exec returned: %w", err)
	})
}

func TestExecFailsUnderTheFilter(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "not-a-program")
	require.NoError(t, os.WriteFile(bad, []byte("\x00\x01\x02\x03 not a program\n"), 0o755))
	out, ws := runCase(t, "exec_noexec", "EXEC_BIN="+bad)
	assert.True(t, ws.Exited() && ws.ExitStatus() == 126, "%v\n%s", ws, out)
	assert.Equal(t, "seccomp: exec "+bad+" after installing the filter: exec format error\n", out)

	// The same through Command's helper.
	deny := seccomp.NewFilter(seccomp.ActAllow)
	deny.AddSyscalls(seccomp.Errno(uint16(unix.EPERM)), "write", "exit_group", "exit")
	p, err := deny.Compile()
	require.NoError(t, err)
	cmd, err := seccomp.Command(p, seccomp.InstallOptions{}, bad)
	require.NoError(t, err)
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", b)
	assert.Equal(t, 126, ee.ExitCode())
	assert.Equal(t, "seccomp: exec "+bad+" after installing the filter: exec format error\n", string(b))
}

// TestCommandLargeArgv: the request does not travel in argv, so the
// command's arguments are bound by the kernel's limits only, as with a
// plain exec (each argument by MAX_ARG_STRLEN, 128 KiB, the whole by the
// stack limit).
func TestCommandLargeArgv(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)
	args := []string{"-c", `echo ${#1} ${#2} ${#3}`, "sh"}
	for _, c := range "abc" {
		args = append(args, strings.Repeat(string(c), 100_000))
	}
	want := "100000 100000 100000\n"
	plain, err := exec.Command(sh, args...).CombinedOutput()
	require.NoError(t, err, "plain exec: %s", plain)
	require.Equal(t, want, string(plain))
	cmd, err := seccomp.Command(allow, seccomp.InstallOptions{}, sh, args...)
	require.NoError(t, err)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, want, string(out))
	// One argument above MAX_ARG_STRLEN fails for a plain exec too.
	big := strings.Repeat("d", 200_000)
	_, perr := exec.Command(sh, "-c", "true", big).CombinedOutput()
	require.ErrorIs(t, perr, unix.E2BIG)
	cmd, err = seccomp.Command(allow, seccomp.InstallOptions{}, sh, "-c", "true", big)
	require.NoError(t, err)
	out, err = cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 126, ee.ExitCode())
	assert.Contains(t, string(out), "argument list too long")
}

// record serves a listener that hands every call to it: it answers each
// with CONTINUE and returns the calls' names in order. At the first
// notification it also reads the target's /proc/PID/cmdline and environ,
// and notes the calling thread's id.
func record(t *testing.T, l *notify.Listener, done <-chan struct{}) (names []string, cmdline, environ []byte, firstTID int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-done
		cancel()
	}()
	for {
		n, err := l.Receive(ctx)
		if err != nil {
			if !errors.Is(err, notify.ErrNoTargets) && !errors.Is(err, context.Canceled) {
				t.Errorf("receive: %v", err)
			}
			return
		}
		if names == nil {
			firstTID = int(n.Pid)
			pid := strconv.Itoa(int(n.Pid))
			cmdline, _ = os.ReadFile("/proc/" + pid + "/cmdline")
			environ, _ = os.ReadFile("/proc/" + pid + "/environ")
		}
		names = append(names, n.SyscallName())
		if err := l.Respond(n.ID, notify.Continue()); err != nil && !errors.Is(err, notify.ErrGone) {
			t.Errorf("respond: %v", err)
		}
	}
}

// TestCommandListener runs a program under a filter that hands every call
// to the supervisor, as a recorder would: the first call it sees is the
// execve of the command, whose helper made no other call under the filter;
// the helper's command line and environment, seen then, do not hold the
// request.
func TestCommandListener(t *testing.T) {
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	bin := buildTiny(t)
	p, err := seccomp.NewFilter(seccomp.ActUserNotif).Compile()
	require.NoError(t, err)
	const secret = "an-argument-of-the-command"
	cmd, receive, err := seccomp.CommandListener(p, seccomp.InstallOptions{}, bin, secret)
	require.NoError(t, err)
	cmd.Env = append(os.Environ(), "SOME_VARIABLE=set")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	lf, err := receive()
	if err != nil {
		cmd.Wait()
		t.Fatalf("receive: %v\n%s", err, out.String())
	}
	l, err := notify.NewListener(lf)
	require.NoError(t, err)
	defer l.Close()
	done := make(chan struct{})
	var werr error
	go func() {
		werr = cmd.Wait()
		close(done)
	}()
	names, cmdline, environ, tid := record(t, l, done)
	<-done
	assert.NotEqual(t, cmd.Process.Pid, tid, "the helper execs from its main thread")
	require.NoError(t, werr, "%s", out.String())
	assert.Equal(t, "tiny\n", out.String())
	assert.Equal(t, []string{"execve", "write", "exit_group"}, names)
	assert.Equal(t, bin+"\x00-seccomp-go-command-helper-v2\x00", string(cmdline), "the helper's command line")
	assert.NotContains(t, string(environ), secret)
	assert.Contains(t, string(environ), "SOME_VARIABLE=set")

	_, err = receive()
	assert.Error(t, err, "a second receive")
}

func TestCommandListenerHelperFails(t *testing.T) {
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	tr, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true")
	}
	dir := t.TempDir()
	gone := filepath.Join(dir, "true")
	b, err := os.ReadFile(tr)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(gone, b, 0o755))
	p, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)

	_, receive, err := seccomp.CommandListener(p, seccomp.InstallOptions{}, gone)
	require.NoError(t, err)
	_, err = receive()
	assert.ErrorContains(t, err, "after cmd.Start")

	cmd, receive, err := seccomp.CommandListener(p, seccomp.InstallOptions{}, gone)
	require.NoError(t, err)
	require.NoError(t, os.Remove(gone))
	var out bytes.Buffer
	cmd.Stderr = &out
	require.NoError(t, cmd.Start())
	_, err = receive()
	assert.ErrorContains(t, err, "ended before it installed the filter")
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 127, ee.ExitCode())
	assert.Contains(t, out.String(), "no such file or directory")
}

// privilegedCopy copies the test binary into a new directory that user
// nobody can reach, owned by root, and runs prepare on it (chmod u+s,
// setcap, ...). It also makes a directory where nobody may write: the
// target of the attacks' "touch".
func privilegedCopy(t *testing.T) (bin, target string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: to make a set-user-ID root copy and run it as nobody")
	}
	dir, err := os.MkdirTemp("", "seccomp-privileged")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	self, err := os.Executable()
	require.NoError(t, err)
	b, err := os.ReadFile(self)
	require.NoError(t, err)
	bin = filepath.Join(dir, "helper")
	require.NoError(t, os.WriteFile(bin, b, 0o755))
	target = filepath.Join(dir, "out")
	require.NoError(t, os.Mkdir(target, 0o777))
	require.NoError(t, os.Chmod(target, 0o777))
	return bin, target
}

// asNobody makes cmd run as user nobody.
func asNobody(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534, NoSetGroups: true}}
}

func init() {
	mainCases.AddMain("ids", func() error {
		fmt.Printf("ids: uid %d euid %d\n", os.Getuid(), os.Geteuid())
		return nil
	})
}

// attacks runs the helper bin as nobody the ways an attacker could: with
// a request that Command itself made (a valid channel), and with the argv
// request of the package's first version. Each asks to touch a file;
// none may.
func attacks(t *testing.T, bin, target string, keepNewPrivs bool) {
	t.Helper()
	allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)
	touch, err := exec.LookPath("touch")
	if err != nil {
		t.Skip("no touch")
	}
	pwned := filepath.Join(target, "pwned")

	cmd, err := seccomp.Command(allow, seccomp.InstallOptions{KeepNewPrivs: keepNewPrivs}, touch, pwned)
	require.NoError(t, err)
	cmd.Path = bin
	asNobody(cmd)
	cmd.Env = append(os.Environ(), "SECCOMP_INSTALL_CASE=", mainCaseEnv+"=")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if assert.ErrorAs(t, err, &ee, "%s", out) {
		assert.Equal(t, 126, ee.ExitCode(), "%s", out)
	}
	assert.Contains(t, string(out), "refusing to act in a privileged process")
	assert.NoFileExists(t, pwned, "the privileged helper ran the command")

	// The first version's helper took its request from argv.
	raw, _ := allow.MarshalBinary()
	req, err := json.Marshal(map[string]any{
		"Prog": raw, "Opts": map[string]any{"KeepNewPrivs": keepNewPrivs},
		"Path": touch, "Argv": []string{"touch", pwned},
	})
	require.NoError(t, err)
	cmd = exec.Command(bin, "-seccomp-go-exec-helper-v1", base64.StdEncoding.EncodeToString(req))
	asNobody(cmd)
	out, _ = cmd.CombinedOutput()
	assert.NoFileExists(t, pwned, "the privileged binary acted on an argv request:\n%s", out)
}

// TestCommandHelperSetuid: a set-user-ID root copy of a program that calls
// RunCommandHelper, run by nobody with a request, does nothing.
func TestCommandHelperSetuid(t *testing.T) {
	bin, target := privilegedCopy(t)
	require.NoError(t, unix.Chmod(bin, 0o4755)) // os.Chmod would take 0o4000 for no mode bit
	// The copy is set-user-ID root indeed (no nosuid mount).
	cmd := mainCases.MainCommand("ids")
	cmd.Path, cmd.Args[0] = bin, bin
	asNobody(cmd)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	if !strings.Contains(string(out), "ids: uid 65534 euid 0") {
		t.Skipf("the copy does not run set-user-ID here (nosuid?): %s", out)
	}
	attacks(t, bin, target, false)
	attacks(t, bin, target, true)
}

// TestCommandHelperFileCaps: the same with file capabilities instead of
// set-user-ID: the ids do not change, AT_SECURE does.
func TestCommandHelperFileCaps(t *testing.T) {
	setcap, err := exec.LookPath("setcap")
	if err != nil {
		t.Skip("no setcap (apt-get install libcap2-bin)")
	}
	bin, target := privilegedCopy(t)
	if out, err := exec.Command(setcap, "cap_sys_admin+ep", bin).CombinedOutput(); err != nil {
		t.Skipf("setcap: %v: %s", err, out)
	}
	attacks(t, bin, target, true)
	attacks(t, bin, target, false)
}

// TestCommandNotOptedIn: a program that imports the package but does not
// call RunCommandHelper never acts as a helper, and its Command says why
// it cannot work.
func TestCommandNotOptedIn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	bin := filepath.Join(t.TempDir(), "notoptin")
	out, err := exec.Command("go", "build", "-o", bin, "./testdata/notoptin").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	out, err = exec.Command(bin).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "notoptin: Command: is ErrNoCommandHelper true: seccomp: this program does not call seccomp.RunCommandHelper")

	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	touch, err := exec.LookPath("touch")
	if err != nil {
		t.Skip("no touch")
	}
	allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)
	cmd, err := seccomp.Command(allow, seccomp.InstallOptions{}, touch, pwned)
	require.NoError(t, err)
	cmd.Path = bin
	out, err = cmd.CombinedOutput()
	assert.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "notoptin: main ran with 2 arguments")
	assert.NoFileExists(t, pwned)

	raw, _ := allow.MarshalBinary()
	req, _ := json.Marshal(map[string]any{"Prog": raw, "Opts": map[string]any{}, "Path": touch, "Argv": []string{"touch", pwned}})
	out, err = exec.Command(bin, "-seccomp-go-exec-helper-v1", base64.StdEncoding.EncodeToString(req)).CombinedOutput()
	assert.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "notoptin: main ran with 3 arguments")
	assert.NoFileExists(t, pwned)
}

// TestCommandHelperChannel: the helper refuses a descriptor 3 that is not
// Command's channel, and argv alone does nothing.
func TestCommandHelperChannel(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	run := func(extra ...*os.File) string {
		t.Helper()
		cmd := exec.Command(self, "-seccomp-go-command-helper-v2")
		cmd.ExtraFiles = extra
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if assert.ErrorAs(t, err, &ee, "%s", out) {
			assert.Equal(t, 126, ee.ExitCode(), "%s", out)
		}
		return string(out)
	}
	// Without ExtraFiles, descriptor 3 is closed or one of the runtime's.
	assert.Contains(t, run(), "descriptor 3 is not the request channel seccomp.Command provides")
	f, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer f.Close()
	assert.Contains(t, run(f), "not a socket")
	// A socket pair made here is not the parent's: its peer is this
	// process, the helper's parent, though; what it holds is no request.
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	a, b := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	defer a.Close()
	defer b.Close()
	assert.Contains(t, run(b), "no request")
	_, err = a.Write([]byte("seccomp-go/cmd\x00\x00 but not a header"))
	require.NoError(t, err)
	assert.Contains(t, run(b), "no request header")
	// A stream socket.
	sfds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	sa, sb := os.NewFile(uintptr(sfds[0]), "a"), os.NewFile(uintptr(sfds[1]), "b")
	defer sa.Close()
	defer sb.Close()
	assert.Contains(t, run(sb), "not a SEQPACKET socket")
}

// TestCommandExtraFiles: files appended to ExtraFiles reach the command at
// 3+i as usual; descriptor 3 is closed there.
func TestCommandExtraFiles(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	cmd, err := seccomp.Command(allow, seccomp.InstallOptions{}, sh, "-c", `echo to-fd-4 >&4; if [ -e /proc/self/fd/3 ]; then echo fd 3 open; else echo fd 3 closed; fi`)
	require.NoError(t, err)
	cmd.ExtraFiles = append(cmd.ExtraFiles, w)
	out, err := cmd.CombinedOutput()
	w.Close()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "fd 3 closed")
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "to-fd-4\n", string(got))
}

// TestCommandConcurrent: many commands at once, each with its own channel.
func TestCommandConcurrent(t *testing.T) {
	tr, err := exec.LookPath("echo")
	if err != nil {
		t.Skip("no echo")
	}
	allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd, err := seccomp.Command(allow, seccomp.InstallOptions{}, tr, strconv.Itoa(i))
			if !assert.NoError(t, err) {
				return
			}
			out, err := cmd.CombinedOutput()
			assert.NoError(t, err)
			assert.Equal(t, strconv.Itoa(i)+"\n", string(out))
		}()
	}
	wg.Wait()
}

func init() {
	// Exec of sh printing its soft limit on open files.
	installCases.Add("exec_nofile", func() error {
		p, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
		if err != nil {
			return err
		}
		sh := os.Getenv("EXEC_BIN")
		return seccomp.Exec(p, seccomp.InstallOptions{}, sh, []string{"sh", "-c", "ulimit -Sn"}, os.Environ())
	})
}

// TestExecNofileLimit: the program gets the soft RLIMIT_NOFILE the process
// started with, as from os/exec, not the one the Go runtime raised for
// itself.
func TestExecNofileLimit(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	var lim unix.Rlimit
	require.NoError(t, unix.Getrlimit(unix.RLIMIT_NOFILE, &lim))
	if lim.Max < 2048 {
		t.Skipf("hard limit %d: too low to lower the soft one and see the difference", lim.Max)
	}
	// The children start with a soft limit of 1024 (set in the child, by
	// prlimit on the child started by os/exec); the Go runtime raises it
	// in them for itself.
	run := func(cmd *exec.Cmd) string {
		t.Helper()
		cmd.Args = append([]string{"prlimit", "--nofile=1024:" + strconv.FormatUint(lim.Max, 10), "--", cmd.Path}, cmd.Args[1:]...)
		var err error
		cmd.Path, err = exec.LookPath("prlimit")
		if err != nil {
			t.Skip("no prlimit")
		}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.TrimSpace(string(out))
	}
	assert.Equal(t, "1024", run(exec.Command(sh, "-c", "ulimit -Sn")), "plain")
	cmd := installCases.Command("TestInstallHelper", "exec_nofile", "EXEC_BIN="+sh)
	assert.Equal(t, "1024", run(cmd), "Exec")

	// Command's helper, started from here, gets what os/exec gives it.
	plain, err := exec.Command(sh, "-c", "ulimit -Sn").CombinedOutput()
	require.NoError(t, err)
	allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
	require.NoError(t, err)
	cmd, err = seccomp.Command(allow, seccomp.InstallOptions{}, sh, "-c", "ulimit -Sn")
	require.NoError(t, err)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, string(plain), string(out), "Command")
}

func init() {
	// A locked goroutine with a filter of its own (ThisThreadOnly) execs:
	// the program keeps that filter too, as it would from syscall.Exec.
	installCases.Add("exec_thread_only", func() error {
		runtime.LockOSThread()
		if err := seccomp.Install(unameDenied(), seccomp.InstallOptions{ThisThreadOnly: true}); err != nil {
			return err
		}
		allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
		if err != nil {
			return err
		}
		return seccomp.Exec(allow, seccomp.InstallOptions{}, "/bin/uname", []string{"uname"}, os.Environ())
	})
}

func TestExecKeepsThreadFilters(t *testing.T) {
	skipUnlessAmd64(t)
	if _, err := os.Stat("/bin/uname"); err != nil {
		t.Skip("no /bin/uname")
	}
	out, ws := runCase(t, "exec_thread_only")
	assert.True(t, ws.Exited() && ws.ExitStatus() == 1, "uname fails: %v\n%s", ws, out)
	assert.Contains(t, out, "Operation not permitted")
}

func init() {
	// A locked goroutine that entered a UTS namespace of its own and named
	// the host there execs uname -n: the program is in that namespace, as
	// from syscall.Exec.
	installCases.Add("exec_namespace", func() error {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWUTS); err != nil {
			return err
		}
		if err := unix.Sethostname([]byte("seccomp-sandboxed")); err != nil {
			return err
		}
		allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
		if err != nil {
			return err
		}
		return seccomp.Exec(allow, seccomp.InstallOptions{}, "/bin/uname", []string{"uname", "-n"}, os.Environ())
	})
}

func TestExecKeepsThreadNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs CAP_SYS_ADMIN for a UTS namespace")
	}
	if _, err := os.Stat("/bin/uname"); err != nil {
		t.Skip("no /bin/uname")
	}
	out, ws := runCase(t, "exec_namespace")
	assert.True(t, ws.Exited() && ws.ExitStatus() == 0, "%v\n%s", ws, out)
	assert.Equal(t, "seccomp-sandboxed\n", out)
}

// TestCommandFlags: the filter's other flags reach the kernel with the
// filter (a combination it refuses is an error before anything runs).
func TestCommandFlags(t *testing.T) {
	bin := buildTiny(t)
	p := allowOnly(t, tinyCalls...)
	for _, fl := range []seccomp.FilterFlag{seccomp.FlagLog, seccomp.FlagSpecAllow, seccomp.FlagLog | seccomp.FlagSpecAllow | seccomp.FlagTSync} {
		supported := true
		for _, f := range []seccomp.FilterFlag{seccomp.FlagLog, seccomp.FlagSpecAllow} {
			if fl&f != 0 {
				ok, err := seccomp.FlagSupported(f)
				supported = supported && ok && err == nil
			}
		}
		if !supported {
			t.Logf("%v: not supported here", fl)
			continue
		}
		cmd, err := seccomp.Command(p, seccomp.InstallOptions{Flags: fl}, bin)
		require.NoError(t, err, "%v", fl)
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%v: %s", fl, out)
		assert.Equal(t, "tiny\n", string(out), "%v", fl)
	}
	_, err := seccomp.Command(p, seccomp.InstallOptions{Flags: seccomp.FlagWaitKillableRecv}, bin)
	var fe *seccomp.FlagError
	assert.ErrorAs(t, err, &fe, "WAIT_KILLABLE_RECV without a listener")
}

// TestCommandNewPIDNamespace: a helper in a PID namespace of its own sees
// no parent (getppid is 0) and no peer (0 too): the channel still checks.
func TestCommandNewPIDNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs CAP_SYS_ADMIN for a PID namespace")
	}
	bin := buildTiny(t)
	cmd, err := seccomp.Command(allowOnly(t, tinyCalls...), seccomp.InstallOptions{}, bin)
	require.NoError(t, err)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "tiny\n", string(out))
}

// TestCommandNoLeakedDescriptors: the command of Command and of
// CommandListener gets nothing of the helper's: not the request channel
// (a socket), not the request (a memfd), not the filter's listener.
func TestCommandNoLeakedDescriptors(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	arch, err := seccomp.NativeArch()
	require.NoError(t, err)
	// The shell lists its own descriptors (ls is another process); dash
	// has one of its own, 10, a copy of standard input.
	const script = `ls -l /proc/$$/fd; true`
	check := func(t *testing.T, out string) {
		t.Helper()
		assert.Contains(t, out, " 2 -> ")
		for _, leaked := range []string{"socket:", "memfd:", "seccomp"} {
			assert.NotContains(t, out, leaked)
		}
	}
	t.Run("Command", func(t *testing.T) {
		allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
		require.NoError(t, err)
		cmd, err := seccomp.Command(allow, seccomp.InstallOptions{}, sh, "-c", script)
		require.NoError(t, err)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		check(t, string(out))
	})
	t.Run("CommandListener", func(t *testing.T) {
		if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
			kernelskip.Skipf(t, "no user notification here: %v", err)
		}
		// A listener that nothing calls for: acct is not among the
		// shell's or ls's calls.
		f := seccomp.NewFilter(seccomp.ActAllow, arch)
		f.AddSyscalls(seccomp.ActUserNotif, "acct")
		p, err := f.Compile()
		require.NoError(t, err)
		cmd, receive, err := seccomp.CommandListener(p, seccomp.InstallOptions{}, sh, "-c", script)
		require.NoError(t, err)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		lf, err := receive()
		if err != nil {
			cmd.Wait()
			t.Fatalf("receive: %v\n%s", err, out.String())
		}
		defer lf.Close()
		require.NoError(t, cmd.Wait(), "%s", out.String())
		check(t, out.String())
	})
}

// TestCommandExecThreadDies: a signal that reaches the exec thread under
// the filter runs a handler whose calls (sigaltstack, rt_sigreturn) a
// KILL_THREAD filter kills the thread for, before it could exec. The
// helper must not wait for ever for an execve that will never come: it
// reports it and exits with 126. Here the signal comes while the thread
// waits in execve for the supervisor (the parent), which knows the
// thread's id from the notification.
func TestCommandExecThreadDies(t *testing.T) {
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	tr, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true")
	}
	arch, err := seccomp.NativeArch()
	require.NoError(t, err)
	f := seccomp.NewFilter(seccomp.ActKillThread, arch)
	f.AddSyscalls(seccomp.ActUserNotif, "execve")
	p, err := f.Compile()
	require.NoError(t, err)
	cmd, receive, err := seccomp.CommandListener(p, seccomp.InstallOptions{}, tr)
	require.NoError(t, err)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	lf, err := receive()
	if err != nil {
		cmd.Wait()
		t.Fatalf("receive: %v\n%s", err, out.String())
	}
	go func() { exited <- cmd.Wait() }()
	l, err := notify.NewListener(lf)
	require.NoError(t, err)
	defer l.Close()
	n, err := l.Receive(context.Background())
	require.NoError(t, err)
	require.Equal(t, "execve", n.SyscallName())
	require.NoError(t, unix.Tgkill(cmd.Process.Pid, int(n.Pid), unix.SIGUSR1))
	// Not a measure of speed: a helper that hangs would hang the test.
	select {
	case err = <-exited:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("the helper still runs a minute after its exec thread died:\n%s", out.String())
	}
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", out.String())
	assert.Equal(t, 126, ee.ExitCode(), "%s", out.String())
	assert.Contains(t, out.String(), "died under the filter")
}

func init() {
	// The attacker of TestCommandHelperPrivilegedByWrapper, as nobody: it
	// makes a valid request channel (Command), and has a set-user-ID
	// wrapper that becomes root in full (real and effective ids) run the
	// helper with it, as its child.
	mainCases.AddMain("wrapper_attack", func() error {
		allow, err := seccomp.NewFilter(seccomp.ActAllow).Compile()
		if err != nil {
			return err
		}
		wrapper, touch, pwned := os.Getenv("WRAPPER"), os.Getenv("TOUCH"), os.Getenv("PWNED")
		cmd, err := seccomp.Command(allow, seccomp.InstallOptions{KeepNewPrivs: true}, touch, pwned)
		if err != nil {
			return err
		}
		cmd.Path = wrapper
		cmd.Args = []string{wrapper, cmd.Args[1]}
		cmd.Env = append(os.Environ(), "SECCOMP_INSTALL_CASE=", mainCaseEnv+"=")
		out, err := cmd.CombinedOutput()
		fmt.Printf("wrapper_attack: %v\n%s", err, out)
		return nil
	})
}

// TestCommandHelperPrivilegedByWrapper: a program that gained its
// privileges before its own exec (a set-user-ID wrapper that sets all its
// ids to root, then execs this one program with the caller's arguments,
// as sudo-like tools do) has no AT_SECURE and equal real and effective
// ids. Its helper must still not act for a requester, its parent, that
// has another user: whoever may run the program as root must not get to
// run anything else through it.
func TestCommandHelperPrivilegedByWrapper(t *testing.T) {
	bin, target := privilegedCopy(t)
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler for the wrapper")
	}
	touch, err := exec.LookPath("touch")
	if err != nil {
		t.Skip("no touch")
	}
	wrapper := filepath.Join(filepath.Dir(bin), "wrapper")
	src := wrapper + ".c"
	require.NoError(t, os.WriteFile(src, []byte(`#define _GNU_SOURCE
#include <unistd.h>
int main(int argc, char **argv) {
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0)) return 1;
	argv[0] = HELPER; /* this program only, with the caller's arguments */
	execv(HELPER, argv);
	return 127;
}
`), 0o644))
	out, err := exec.Command(cc, "-DHELPER=\""+bin+"\"", "-o", wrapper, src).CombinedOutput()
	require.NoError(t, err, "cc: %s", out)
	require.NoError(t, unix.Chmod(wrapper, 0o4755))

	pwned := filepath.Join(target, "pwned")
	require.NoError(t, os.Chmod(target, 0o755)) // root's alone
	cmd := mainCases.MainCommand("wrapper_attack")
	cmd.Path, cmd.Args[0] = bin, bin // nobody cannot reach the test binary
	asNobody(cmd)
	cmd.Env = append(cmd.Env, "WRAPPER="+wrapper, "TOUCH="+touch, "PWNED="+pwned)
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	if strings.Contains(string(out), "exit status 1\n") && !strings.Contains(string(out), "seccomp") {
		t.Skipf("the wrapper does not run set-user-ID here (nosuid?): %s", out)
	}
	assert.NoFileExists(t, pwned, "the helper, root through the wrapper, ran nobody's command:\n%s", out)
	assert.Contains(t, string(out), "refusing to act")
}

func init() {
	// The calling thread execs, and it is the main thread (locked there
	// in init, SECCOMP_MAIN_LOCKED): a filter of its own, installed with
	// ThisThreadOnly, makes it differ from a new thread. That filter
	// hands execve to a supervisor here. With EXEC_KILL, the supervisor
	// sends the thread a signal while it waits in execve under Exec's
	// KILL_THREAD filter: the handler's calls kill the main thread before
	// execve, and it stays a zombie while the other threads run on.
	// Otherwise, after a while (for the watcher to look at the thread a
	// few times), it lets the execve run under an ALLOW filter.
	mainCases.AddMain("exec_main_thread", func() error {
		if unix.Gettid() != unix.Getpid() {
			return errors.New("the main goroutine is not on the main thread")
		}
		kill := os.Getenv("EXEC_KILL") != ""
		arch, err := seccomp.NativeArch()
		if err != nil {
			return err
		}
		notif := seccomp.NewFilter(seccomp.ActAllow, arch)
		notif.AddSyscalls(seccomp.ActUserNotif, "execve", "execveat")
		np, err := notif.Compile()
		if err != nil {
			return err
		}
		lf, err := seccomp.InstallListener(np, seccomp.InstallOptions{ThisThreadOnly: true})
		if err != nil {
			return err
		}
		l, err := notify.NewListener(lf)
		if err != nil {
			return err
		}
		// The exec thread and the watcher each hold a P in their last
		// steps (raw system calls, nosplit loops): the supervisor needs
		// a third.
		runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))
		go func() {
			for {
				n, err := l.Receive(context.Background())
				if err != nil {
					fmt.Println("supervisor:", err)
					return
				}
				// Exec makes an execve of its own before it installs
				// the filter (see restoreNofileForExec): let that one
				// run; the one under Exec's filter is the one meant.
				st, err := taskStatus("Seccomp_filters")
				if err != nil {
					fmt.Println("supervisor:", err)
					return
				}
				if st[int(n.Pid)]["Seccomp_filters"] != "2" {
					if err := l.Respond(n.ID, notify.Continue()); err != nil {
						fmt.Println("supervisor:", err)
					}
					continue
				}
				fmt.Printf("supervisor: %s from thread %d under Exec's filter\n", n.SyscallName(), n.Pid)
				if !kill {
					time.Sleep(100 * time.Millisecond)
					if err := l.Respond(n.ID, notify.Continue()); err != nil {
						fmt.Println("supervisor:", err)
					}
					return
				}
				if err := unix.Tgkill(unix.Getpid(), int(n.Pid), unix.SIGUSR1); err != nil {
					fmt.Println("supervisor: tgkill:", err)
				}
				return
			}
		}()
		f := seccomp.NewFilter(seccomp.ActAllow, arch)
		if kill {
			f = seccomp.NewFilter(seccomp.ActKillThread, arch)
			f.AddSyscalls(seccomp.ActAllow, "execve")
		}
		p, err := f.Compile()
		if err != nil {
			return err
		}
		bin := os.Getenv("EXEC_BIN")
		err = seccomp.Exec(p, seccomp.InstallOptions{}, bin, []string{bin}, os.Environ())
		return fmt.Errorf("Exec returned: %w", err)
	})
}

// TestExecMainThread: when the thread that execs is the main thread and
// dies under the filter before execve, it stays a zombie as long as other
// threads live, which a signal of 0 still finds. Exec must still see that
// it died, report it and end the process with 126, rather than never
// return while the rest of the program runs on unfiltered. And while it
// lives, waiting in execve, Exec must not take it for dead.
func TestExecMainThread(t *testing.T) {
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); err != nil || !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	tr, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true")
	}
	for _, kill := range []bool{true, false} {
		t.Run(fmt.Sprintf("dies=%v", kill), func(t *testing.T) {
			env := []string{mainLockedEnv + "=1", "EXEC_BIN=" + tr}
			if kill {
				env = append(env, "EXEC_KILL=1")
			}
			cmd := mainCases.MainCommand("exec_main_thread", env...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// Not a measure of speed: a process that hangs would hang
			// the test.
			select {
			case err = <-exited:
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("the child still runs after a minute:\n%s", out.String())
			}
			// The supervisor saw the execve come from the main thread
			// under Exec's filter: the case tested is the one meant.
			assert.Contains(t, out.String(), fmt.Sprintf("supervisor: execve from thread %d under Exec's filter\n", cmd.Process.Pid))
			if !kill {
				assert.NoError(t, err, "%s", out.String())
				return
			}
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "%s", out.String())
			assert.Equal(t, 126, ee.ExitCode(), "%s", out.String())
			assert.Contains(t, out.String(), "seccomp: exec "+tr+": the thread that was to exec it died under the filter before execve")
		})
	}
}
