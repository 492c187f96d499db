package goruntime

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/procfs"
	"github.com/seccomp-go/seccomp/notify"
)

// Run runs the exercise binary bin on the workloads, with filter p
// installed after its start with a listener, which h(pid) serves, pid
// being the exercise's process id (to tell its calls from its children's:
// TgidOf). It returns the exercise's output (standard output and error).
// The filter must allow sendmsg, with which the exercise sends the
// listener.
func Run(bin string, p seccomp.Program, h func(pid int) notify.Handler, workloads ...string) (string, error) {
	file, cleanup, err := writeFilter(p)
	if err != nil {
		return "", err
	}
	defer cleanup()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return "", err
	}
	mine, theirs := os.NewFile(uintptr(fds[0]), "supervisor"), os.NewFile(uintptr(fds[1]), "exercise")
	defer mine.Close()
	cmd := exec.Command(bin, append([]string{"-filter", file, "-listener"}, workloads...)...)
	cmd.Env = append(os.Environ(), "GODEBUG="+GODEBUG)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.ExtraFiles = []*os.File{theirs}
	if err := cmd.Start(); err != nil {
		theirs.Close()
		return "", err
	}
	theirs.Close()
	conn, err := net.FileConn(mine)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return "", err
	}
	defer conn.Close()
	type result struct {
		l   *notify.Listener
		err error
	}
	got := make(chan result, 1)
	go func() {
		l, err := notify.ReceiveListener(conn.(*net.UnixConn))
		got <- result{l, err}
	}()
	var l *notify.Listener
	select {
	case r := <-got:
		if r.err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return out.String(), fmt.Errorf("receiving the listener: %w", r.err)
		}
		l = r.l
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		return out.String(), fmt.Errorf("no listener from the exercise within a minute")
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- (&notify.Server{Handler: h(cmd.Process.Pid), Inline: true}).Serve(ctx, l) }()
	timer := time.AfterFunc(10*time.Minute, func() { cmd.Process.Kill() })
	err = cmd.Wait()
	timer.Stop()
	select {
	case serr := <-served:
		if serr != nil && err == nil {
			err = serr
		}
	case <-time.After(time.Minute):
		cancel()
		<-served
	}
	if err != nil {
		return out.String(), fmt.Errorf("%w\n%s", err, out.String())
	}
	return out.String(), nil
}

// RunKill runs the exercise binary bin on the workloads with filter p
// installed after its start, without a supervisor, and returns its output.
// An error is a failed workload or the process killed (by the filter's
// KILL_PROCESS: SIGSYS).
func RunKill(bin string, p seccomp.Program, workloads ...string) (string, error) {
	file, cleanup, err := writeFilter(p)
	if err != nil {
		return "", err
	}
	defer cleanup()
	cmd := exec.Command(bin, append([]string{"-filter", file}, workloads...)...)
	cmd.Env = append(os.Environ(), "GODEBUG="+GODEBUG)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func writeFilter(p seccomp.Program) (string, func(), error) {
	raw, err := p.MarshalBinary()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "goruntime-run")
	if err != nil {
		return "", nil, err
	}
	file := filepath.Join(dir, "filter.bpf")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return file, func() { os.RemoveAll(dir) }, nil
}

// GODEBUG is the exercise's GODEBUG: the defaults of a module whose go.mod
// says go 1.25 or later (the exercise's says 1.22, for older toolchains),
// which make the runtime do more behind the program's back: check the CPU
// limit every second (updatemaxprocs, containermaxprocs) and name its
// memory mappings (decoratemappings). Older runtimes ignore these.
const GODEBUG = "updatemaxprocs=1,containermaxprocs=1,decoratemappings=1"

// TgidOf returns the process (thread group) id of thread tid, or 0 if it
// cannot be read (the thread is gone).
func TgidOf(tid uint32) int {
	s, err := procfs.ReadStatus("/proc/" + strconv.FormatUint(uint64(tid), 10) + "/status")
	if err != nil {
		return 0
	}
	n, _ := s.Int("Tgid")
	return n
}
