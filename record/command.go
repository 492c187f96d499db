package record

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/notify"
)

// recordAll is the recording filter: every call of every arch goes to the
// supervisor. One instruction, RET USER_NOTIF: calls of other ABIs (i386
// through int 0x80, x32) are recorded too, never killed.
var recordAll = seccomp.Program{{Op: 0x06, K: uint32(seccomp.ActUserNotif)}}

// Cmd is a command being recorded: see Command.
type Cmd struct {
	// Cmd is the command. Set its standard files, environment, working
	// directory and process attributes before Start, as for any
	// exec.Cmd; not Path, Args or ExtraFiles[0] (see seccomp.Command).
	Cmd *exec.Cmd

	rec     *Recorder
	receive func() (*os.File, error)
	done    chan struct{}
	serve   error
	cancel  context.CancelFunc
	started bool
}

// Command returns a Cmd that runs the named program with args and records
// every system call it and everything it starts make, from its execve on,
// and lets each one run (see Recorder). The program that calls Command
// must call seccomp.RunCommandHelper first thing in main (or, in a test
// binary, in TestMain): the filter is installed by this executable run
// again as a helper, on the one thread that execs the command, right
// before execve (seccomp.CommandListener), so none of the helper's own
// calls is recorded, and the first call recorded is the command's
// execve.
//
// The filter sends every call of every arch to this process, which
// answers each with "continue": the recorder enforces nothing, and a
// command that misbehaves while recorded is not stopped. It needs no
// privilege: no_new_privs is set, as for any unprivileged filter (so a
// set-user-ID program runs without its privileges, as under any seccomp
// profile). Each call costs a round trip to this process (see
// BENCHMARKS.md). Where the kernel supports it (Linux 5.19),
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is set, so that a signal that
// arrives while the recorder holds a call does not make the call fail
// with EINTR where it would not have failed unrecorded.
func Command(opts *Options, name string, args ...string) (*Cmd, error) {
	var flags seccomp.FilterFlag
	if ok, _ := seccomp.FlagSupported(seccomp.FlagWaitKillableRecv); ok {
		flags |= seccomp.FlagWaitKillableRecv
	}
	cmd, receive, err := seccomp.CommandListener(recordAll, seccomp.InstallOptions{Flags: flags}, name, args...)
	if err != nil {
		return nil, err
	}
	return &Cmd{Cmd: cmd, rec: New(opts), receive: receive, done: make(chan struct{})}, nil
}

// Start starts the command and the recording. If the helper could not
// install the filter or exec the command, Start returns an error and the
// helper's reason is on the command's standard error; Wait then returns
// the helper's exit status (126, or 127 for a command not found).
func (c *Cmd) Start() error {
	if c.started {
		return errors.New("record: Start called twice")
	}
	c.started = true
	if err := c.Cmd.Start(); err != nil {
		close(c.done)
		return err
	}
	f, err := c.receive()
	if err != nil {
		close(c.done)
		return err
	}
	l, err := notify.NewListener(f)
	if err != nil {
		f.Close()
		close(c.done)
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() {
		defer close(c.done)
		defer l.Close()
		c.serve = c.rec.Serve(ctx, l)
	}()
	return nil
}

// Wait waits for the command to exit and then for every process it
// started that is still running under the filter (a daemon it left
// behind keeps the recording going, as strace -f waits for it), and
// returns the recording with the command's exit error (an
// *exec.ExitError for a non-zero status, as from exec.Cmd.Wait).
func (c *Cmd) Wait() (*Recording, error) {
	if !c.started {
		return nil, errors.New("record: Wait called before Start")
	}
	err := c.Cmd.Wait()
	<-c.done
	if c.cancel != nil {
		c.cancel()
	}
	if c.serve != nil && err == nil {
		err = fmt.Errorf("record: serving the listener: %w", c.serve)
	}
	return c.rec.Recording(), err
}

// Run starts the command and waits for it: Start, then Wait.
func (c *Cmd) Run() (*Recording, error) {
	if err := c.Start(); err != nil {
		if c.Cmd.Process != nil {
			c.Cmd.Wait()
		}
		return nil, err
	}
	return c.Wait()
}

// Recorder returns the recorder, to read the recording while the command
// runs.
func (c *Cmd) Recorder() *Recorder { return c.rec }
