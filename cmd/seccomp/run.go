package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

var runVerb = &verb{
	name:    "run",
	summary: "run a command under a profile (Docker's default if none is given)",
	usage: `usage: seccomp run [-profile FILE|default] [-arch-check profile|strict] [-caps LIST] [-log] [-v] [--] CMD [ARG...]

Install the filter of a seccomp profile on this process and exec CMD under it,
as a container runtime would: the profile is resolved for the arch this
command runs on, with Docker's default capabilities unless -caps says
otherwise, and the running kernel's version. CMD is looked up in PATH. A call
the profile denies shows up in CMD as the error it returns (EPERM, ENOSYS,
...); CMD and everything it starts stay under the filter.

The filter goes on the one thread that execs CMD, right before execve, so
the profile needs to allow execve (or execveat) and what CMD itself calls,
nothing of this command's; no_new_privs is set.

The profile is an OCI LinuxSeccomp or Docker seccomp JSON file; "default" (the
default) is Docker's default profile, embedded in this command. The
profile's warnings (names unknown on an arch, ...) are counted on standard
error, and listed with -v; the embedded profile's are only listed with -v.

Flags:
  -profile FILE     the profile, or "default"
  -arch-check MODE  "profile" (the default): the arches the profile lists are
                    allowed, calls from others get KILL_THREAD, as with runc;
                    "strict": only this machine's own arch is allowed, and
                    calls from any other ABI (i386 through int 0x80, x32) kill
                    the process
  -caps LIST        the capabilities Docker's includes/excludes look at,
                    comma-separated (CAP_SYS_ADMIN or SYS_ADMIN), replacing
                    Docker's default set; "" for none
  -log              log instead of denying: every action other than ALLOW
                    becomes LOG, so CMD runs and the kernel's audit log
                    (dmesg, journalctl -k) lists what the profile would have
                    denied; for building a profile by trial
  -v                list the profile's warnings

Exit status: CMD's own; 126 when the filter cannot be installed or CMD
cannot be executed (also when execve fails once the filter is on: the
message then starts with "seccomp: exec"), 127 when CMD is not found, 2 for
usage errors, 1 when the profile is wrong.

Examples:
  seccomp run -- ls -l /
  seccomp run -profile my-profile.json ./server --port 8080
  seccomp run -caps CAP_SYS_ADMIN -- unshare -U true
  seccomp run -log -profile strict.json -- make test
`,
}

func init() { runVerb.run = runRun }

// Exit statuses of run, as shells use them.
const (
	exitCannotExec = 126
	exitNotFound   = 127
)

func runRun(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := runVerb
	fs := newFlags(v)
	prof := fs.String("profile", "default", "")
	archCheck := fs.String("arch-check", "profile", "")
	capsFlag := fs.String("caps", "", "")
	logMode := fs.Bool("log", false, "")
	verbose := fs.Bool("v", false, "")
	// Parse only up to the command: its own flags are its business.
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, v.usage)
			return exitOK
		}
		return usageError(v, stderr, "%v", err)
	}
	cmdArgs := fs.Args()
	if len(cmdArgs) == 0 {
		return usageError(v, stderr, "no command to run")
	}
	if *archCheck != "profile" && *archCheck != "strict" {
		return usageError(v, stderr, "-arch-check %q: want profile or strict", *archCheck)
	}
	capsSet := false
	fs.Visit(func(f *flag.Flag) { capsSet = capsSet || f.Name == "caps" })
	prog, flags, warns, err := runProgram(*prof, *archCheck == "strict", capsSet, *capsFlag, *logMode)
	for _, w := range warns {
		if *verbose {
			fmt.Fprintln(stderr, "seccomp run:", w)
		}
	}
	if len(warns) > 0 && !*verbose && *prof != "default" {
		fmt.Fprintf(stderr, "seccomp run: the profile has %d warnings (-v lists them)\n", len(warns))
	}
	if err != nil {
		return failure(v, stderr, "%v", err)
	}
	path, err := exec.LookPath(cmdArgs[0])
	if err != nil {
		fmt.Fprintf(stderr, "seccomp run: %v\n", err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return exitNotFound
		}
		return exitCannotExec // a directory, no execute permission
	}
	err = seccomp.Exec(prog, seccomp.InstallOptions{Flags: flags}, path, cmdArgs, os.Environ())
	fmt.Fprintf(stderr, "seccomp run: %v\n", err)
	if errors.Is(err, os.ErrNotExist) {
		return exitNotFound
	}
	return exitCannotExec
}

// runProgram loads, resolves and compiles the profile for this machine.
func runProgram(name string, strict, capsSet bool, caps string, logMode bool) (seccomp.Program, seccomp.FilterFlag, []string, error) {
	var data []byte
	if name == "default" {
		data = profile.DefaultJSON()
	} else {
		var err error
		if data, err = os.ReadFile(name); err != nil {
			return nil, 0, nil, err
		}
	}
	d, warns, err := profile.Parse(data)
	if err != nil {
		return nil, 0, nil, err
	}
	if logMode {
		toLog(d)
	}
	arch, err := seccomp.NativeArch()
	if err != nil {
		return nil, 0, nil, err
	}
	opts := profile.Options{Arch: arch}
	if capsSet {
		opts.Caps = []string{}
		for _, c := range strings.Split(caps, ",") {
			if c = strings.TrimSpace(c); c != "" {
				opts.Caps = append(opts.Caps, c)
			}
		}
	}
	s, w, err := d.Resolve(opts)
	if err != nil {
		return nil, 0, nil, err
	}
	warns = append(warns, w...)
	if strict {
		s.Architectures = nil
		kill := seccomp.ActKillProcess
		opts.BadArchAction = &kill
	}
	r, err := s.Build(opts)
	if err != nil {
		return nil, 0, nil, err
	}
	warns = append(warns, r.Warnings...)
	var msgs []string
	for _, w := range warns {
		msgs = append(msgs, w.String())
	}
	prog, err := r.Compile()
	if err != nil {
		return nil, 0, nil, err
	}
	flags := r.Flags
	if flags&seccomp.FlagNewListener != 0 {
		msgs = append(msgs, "the profile hands calls to a supervisor (SCMP_ACT_NOTIFY), and there is none here: those calls fail with ENOSYS")
		flags &^= seccomp.FlagNewListener
	}
	return prog, flags, msgs, nil
}

// toLog turns every action other than ALLOW into LOG.
func toLog(d *profile.Docker) {
	if d.DefaultAction != profile.ActAllow {
		d.DefaultAction, d.DefaultErrnoRet = profile.ActLog, nil
	}
	for i := range d.Syscalls {
		if d.Syscalls[i].Action != profile.ActAllow {
			d.Syscalls[i].Action, d.Syscalls[i].ErrnoRet = profile.ActLog, nil
		}
	}
}
