package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/uapi"
	"github.com/seccomp-go/seccomp/profile"
	"github.com/seccomp-go/seccomp/record"
)

var recordVerb = &verb{
	name:    "record",
	summary: "run a command and write a profile of the system calls it made",
	usage: `usage: seccomp record [-o FILE] [-format oci|docker] [-args] [-merge FILE | -append-default]
                      [-default-action ACTION] [-summary FILE] [-q] [--] CMD [ARG...]

Run CMD, record every system call it and everything it starts make (every
thread, every child), and write a profile that allows exactly those calls,
by name, on the arches they were made on, with ERRNO(EPERM) for every other
call. The profile runs the same command again under "seccomp run -profile
FILE" (or any OCI runtime); record it doing everything it will do there:
a call made only in another run, on an error path or with another
terminal, is not in it (-merge adds runs).

The filter goes on the one thread that execs CMD, right before execve, and
sends each call to this command, which lets it run at once (seccomp user
notification, continued): nothing of this command's own is recorded, the
first call recorded is CMD's execve. Recording enforces nothing: CMD runs
as it would unrecorded, only slower (each call makes a round trip to this
command). It needs no privilege (no_new_privs is set, as by seccomp run,
so set-user-ID programs run without their privileges), Linux 5.5 and
user notification.

CMD's standard input, output and error are this command's. Its exit status
is this command's (128+N when signal N killed it). SIGINT, SIGQUIT and
SIGHUP reach it from the terminal, or from this command when it is not in
the terminal's foreground; SIGTERM, SIGUSR1, SIGUSR2, SIGALRM and SIGWINCH
are passed on to it. Recording ends when CMD and every process it started
have ended (a daemon it leaves behind is waited for); the profile is then
written, and a summary goes to standard error: the calls and their counts,
the recorded argument values, what is new since the profile started from.

With -args, the arguments profiles usually constrain are recorded and
turned into conditions that allow only the values seen:

  clone      flags: any combination of the bits seen (SCMP_CMP_MASKED_EQ
             with the other bits' mask: no bit outside those seen)
  unshare    flags: likewise
  socket     address family: the values seen (SCMP_CMP_EQ, one entry each)
  socketcall which socket call (i386, arm): the values seen
  personality, prctl (option), ioctl (request): the values seen
  clone3     its flags are in memory, where seccomp cannot look: they are
             read from the caller's struct clone_args, clone3 is answered
             ENOSYS (as by Docker's default), and clone is allowed with
             those flags, to which C libraries and runtimes fall back

-merge FILE starts from a profile (OCI or Docker format; a profile
recorded before, to add another run): its entries are kept, first, and
entries are added for the calls it does not allow. -append-default starts
from Docker's default profile likewise (what it allows is checked for
this machine's arch and Docker's default capabilities). An entry of the
profile started from that denies a recorded call keeps denying it (with a
warning): Docker's default answers clone3 with ENOSYS, for one.

Flags:
  -o FILE               the profile to write (default profile.json; - for
                        standard output, after CMD ended)
  -format oci|docker    the format: an OCI LinuxSeccomp object (the
                        default; a profile started from in Docker's format
                        is resolved for this machine first), or Docker's
                        (archMap, comments; the includes and excludes of
                        the profile started from kept)
  -args                 record argument values and write conditions (above)
  -merge FILE           start from this profile
  -append-default       start from Docker's default profile
  -default-action A     what every call not recorded gets: errno (EPERM,
                        the default; or the profile started from's default),
                        enosys, kill-process, kill-thread, trap, log
  -summary FILE         write the summary to FILE instead of standard error
                        (- for standard output, after CMD ended)
  -q                    no summary (warnings still go to standard error)

Exit status: CMD's own (128+N for signal N); 126 when CMD cannot be
recorded or executed, 127 when it is not found; 1 when the profile to start
from cannot be read or the profile cannot be written (a directory that
does not exist or cannot be written is found before CMD runs); 2 usage
error.

Examples:
  seccomp record -o ls.json -- ls -l /
  seccomp run -profile ls.json -- ls -l /
  seccomp record -args -o server.json -- ./server --selftest
  seccomp record -merge server.json -o server.json -- ./server --other-test
  seccomp record -append-default -format docker -o app.json -- ./app
`,
}

func init() { recordVerb.run = runRecord }

// defaultActions are the values of -default-action.
var defaultActions = map[string]struct {
	action profile.Action
	errno  uint
}{
	"errno":        {profile.ActErrno, 1},
	"enosys":       {profile.ActErrno, seccomp.ENOSYS}, // the native arch's, in runRecord
	"kill-process": {profile.ActKillProcess, 0},
	"kill-thread":  {profile.ActKillThread, 0},
	"trap":         {profile.ActTrap, 0},
	"log":          {profile.ActLog, 0},
}

func runRecord(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := recordVerb
	fs := newFlags(v)
	out := fs.String("o", "profile.json", "")
	format := fs.String("format", "oci", "")
	withArgs := fs.Bool("args", false, "")
	merge := fs.String("merge", "", "")
	appendDefault := fs.Bool("append-default", false, "")
	defAction := fs.String("default-action", "", "")
	summary := fs.String("summary", "", "")
	quiet := fs.Bool("q", false, "")
	// Parse only up to the command: its own flags are its business.
	probe(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return write(v, stdout, stderr, v.usage)
		}
		return usageError(v, stderr, "%v", err)
	}
	cmdArgs := fs.Args()
	switch {
	case len(cmdArgs) == 0:
		return usageError(v, stderr, "no command to record")
	case *format != "oci" && *format != "docker":
		return usageError(v, stderr, "-format %q: want oci or docker", *format)
	case *merge != "" && *appendDefault:
		return usageError(v, stderr, "-merge and -append-default exclude each other (a profile recorded with -append-default holds Docker's default already)")
	case *out == "":
		return usageError(v, stderr, "-o: empty file name")
	case *quiet && *summary != "":
		return usageError(v, stderr, "-q and -summary exclude each other")
	case *out == "-" && *summary == "-":
		return usageError(v, stderr, "-o - and -summary - would both write to standard output")
	}
	popts := record.ProfileOptions{Args: *withArgs}
	if *defAction != "" {
		a, ok := defaultActions[*defAction]
		if !ok {
			return usageError(v, stderr, "-default-action %q: want errno, enosys, kill-process, kill-thread, trap or log", *defAction)
		}
		popts.DefaultAction = a.action
		if a.action == profile.ActErrno {
			popts.DefaultErrnoRet = &a.errno
		}
	}
	native, err := seccomp.NativeArch()
	if err != nil {
		return failure(v, stderr, "%v", err)
	}
	popts.Arch = native
	if *defAction == "enosys" {
		// In the numbers of the arch recorded on: 89 on mips, 251 on parisc.
		n := uint(uapi.ENOSYSOf(uint32(native.AuditArch)))
		popts.DefaultErrnoRet = &n
	}
	popts.Format = profile.FormatOCI
	if *format == "docker" {
		popts.Format = profile.FormatDocker
	}
	switch {
	case *appendDefault:
		popts.Base = profile.Default()
	case *merge != "":
		data, err := os.ReadFile(*merge)
		if err != nil {
			return failure(v, stderr, "-merge: %v", err)
		}
		d, _, err := profile.Parse(data)
		if err != nil {
			return failure(v, stderr, "-merge %s: %v", *merge, err)
		}
		popts.Base = d
	}
	// Check the profile to start from before running anything.
	if _, _, err := (&record.Recording{}).Profile(popts); err != nil {
		return failure(v, stderr, "%v", err)
	}
	// And that the profile and the summary can be written: a recording
	// that ends in "no such file or directory" is lost.
	for _, o := range []struct{ flag, file string }{{"o", *out}, {"summary", *summary}} {
		if o.file == "" || o.file == "-" {
			continue
		}
		if err := checkWritable(o.file); err != nil {
			return failure(v, stderr, "-%s: %v", o.flag, err)
		}
	}

	c, err := record.Command(&record.Options{ReadMemory: *withArgs}, cmdArgs[0], cmdArgs[1:]...)
	if err != nil {
		fmt.Fprintf(stderr, "seccomp record: %v\n", err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return exitNotFound
		}
		return exitCannotExec
	}
	c.Cmd.Stdin, c.Cmd.Stdout, c.Cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := c.Start(); err != nil {
		_, werr := c.Wait()
		fmt.Fprintf(stderr, "seccomp record: %v\n", err)
		var ee *exec.ExitError
		if errors.As(werr, &ee) && ee.ExitCode() > 0 {
			return ee.ExitCode() // the helper's 126 or 127; its reason is on stderr
		}
		return exitCannotExec
	}
	stopForward := make(chan struct{})
	go forward(c.Cmd.Process, sigs, stopForward)
	rec, werr := c.Wait()
	close(stopForward)
	code := exitStatus(c.Cmd.ProcessState, werr)
	if werr != nil && c.Cmd.ProcessState == nil {
		fmt.Fprintf(stderr, "seccomp record: %v\n", werr)
	}

	p, rep, err := rec.Profile(popts)
	if err != nil {
		fmt.Fprintf(stderr, "seccomp record: %v\n", err)
		return exitFailure
	}
	data, err := record.Marshal(p)
	if err != nil {
		fmt.Fprintf(stderr, "seccomp record: %v\n", err)
		return exitFailure
	}
	if *out == "-" {
		_, err = stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "seccomp record: writing the profile: %v\n", err)
		return exitFailure
	}
	switch {
	case *quiet:
		for _, w := range rep.Warnings {
			fmt.Fprintf(stderr, "seccomp record: warning: %s\n", w)
		}
	case *summary == "-":
		err = record.WriteSummary(stdout, rec, rep, popts.Base != nil)
		if err != nil {
			fmt.Fprintf(stderr, "seccomp record: writing the summary: %v\n", err)
			return exitFailure
		}
	case *summary != "":
		f, err := os.Create(*summary)
		if err == nil {
			err = record.WriteSummary(f, rec, rep, popts.Base != nil)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "seccomp record: writing the summary: %v\n", err)
			return exitFailure
		}
	default:
		fmt.Fprint(stderr, "seccomp record: ")
		record.WriteSummary(stderr, rec, rep, popts.Base != nil)
		if *out != "-" {
			fmt.Fprintf(stderr, "seccomp record: profile written to %s\n", *out)
		}
	}
	return code
}

// exitStatus is the status a shell reports for the command: its exit
// status, 128+N when signal N killed it.
func exitStatus(ps *os.ProcessState, err error) int {
	if ps == nil {
		return exitCannotExec
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// checkWritable reports whether file could be written, without touching
// it: it is not a directory, and a file can be created in its directory.
func checkWritable(file string) error {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", file)
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".seccomp-record-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // not the temporary file's name
		}
		return fmt.Errorf("cannot write %s: %w", file, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
