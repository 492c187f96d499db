package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

var runVerb = &verb{
	name:    "run",
	summary: "run a command under a profile as docker run does (Docker's by default)",
	usage: `usage: seccomp run [-profile FILE|default] [-arch-check profile|strict] [-cap-add LIST] [-cap-drop LIST] [flags] [--] CMD [ARG...]

Install the filter of a seccomp profile on this process and exec CMD under it,
as a container runtime would for docker run --security-opt seccomp=FILE:
the profile is resolved for the arch this command runs on, Docker's default
capabilities (as -cap-add and -cap-drop change them, as docker run's do)
and the running kernel's version, and compiled with runc's meaning,
runc's ENOSYS stub included (see -enosys). CMD is looked up in PATH. A call
the profile denies shows up in CMD as the error it returns (EPERM, ENOSYS,
...); CMD and everything it starts stay under the filter.

The filter goes on the one thread that execs CMD, right before execve, so
the profile needs to allow execve (or execveat) and what CMD itself calls,
nothing of this command's; no_new_privs is set.

The profile is read as seccomp explain reads its input: a seccomp profile
in JSON (OCI, Docker or Podman, or a whole config.json), "default" (the
default) for Docker's default profile, embedded in this command, or a
program (raw or in the text form), installed as it is. A line on standard
error says what the profile's warnings say (names unknown on every arch,
unknown fields, ...); the ones a profile for several arches is expected to
have (names of other arches) are listed with -v only. A profile that
hands calls to a supervisor (SCMP_ACT_NOTIFY) is always warned about:
there is none here, and those calls fail with ENOSYS.

Flags:
  -profile FILE     the profile, or "default"
  -arch-check MODE  "profile" (the default): the arches the profile lists are
                    allowed, calls from others get KILL_THREAD, as with runc;
                    "strict": only this machine's own arch is allowed, and
                    calls from any other ABI (i386 through int 0x80, x32) kill
                    the process
  -caps LIST        the capability set Docker's includes and excludes look
                    at, comma-separated (CAP_SYS_ADMIN or SYS_ADMIN; ALL),
                    replacing Docker's default set; "" for none
  -cap-add LIST     capabilities added to the set (Docker's default set, or
                    -caps), as docker run --cap-add; ALL for every one
  -cap-drop LIST    capabilities dropped from the set, as docker run
                    --cap-drop; ALL drops every one but those of -cap-add
  -kernel X.Y       the kernel version Docker's minKernel looks at (default:
                    the running kernel's)
  -enosys           runc's ENOSYS stub, on by default (-enosys=false turns
                    it off): calls whose number is above the highest one the
                    profile names (system calls newer than the profile, like
                    clone3 or the newest *at calls for an old profile) fail
                    with ENOSYS instead of the default action, so that glibc
                    and the Go runtime fall back to older calls, as under
                    runc and docker run; not when the default action is
                    ALLOW, LOG or TRACE
  -log              log instead of denying: every action other than ALLOW
                    becomes LOG, so CMD runs and the kernel's audit log
                    (dmesg, journalctl -k) lists what the profile would have
                    denied; for building a profile by trial
  -v                list every warning of the profile

Capability names are checked: an unknown one is a usage error. -caps,
-cap-add and -cap-drop only choose the rules of the profile that apply, as
Docker's includes and excludes see them: they do not change CMD's
capabilities, which are this command's (as root, all of them), where
docker run also drops them. Drop them with setpriv(1) or capsh(1).

Exit status: CMD's own; 126 when the filter cannot be installed or CMD
cannot be executed (a directory, a file without execute permission or in
no format the kernel runs; also when execve fails once the filter is on:
the message then starts with "seccomp: exec"), 127 when CMD is not found,
2 for usage errors, 1 when the profile cannot be read or is wrong.

Examples:
  seccomp run -- ls -l /
  seccomp run -profile my-profile.json ./server --port 8080
  seccomp run -cap-add SYS_ADMIN -- unshare -U true
  seccomp run -profile config.json -- ./app
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
	pf := addProfileFlags(fs, true)
	logMode := fs.Bool("log", false, "")
	verbose := fs.Bool("v", false, "")
	probe(fs)
	// Parse only up to the command: its own flags are its business.
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return write(v, stdout, stderr, v.usage)
		}
		return usageError(v, stderr, "%v", err)
	}
	if msg := pf.visit(fs); msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	cmdArgs := fs.Args()
	if len(cmdArgs) == 0 {
		return usageError(v, stderr, "no command to run")
	}
	if *archCheck != "profile" && *archCheck != "strict" {
		return usageError(v, stderr, "-arch-check %q: want profile or strict", *archCheck)
	}
	archCheckSet := false
	fs.Visit(func(f *flag.Flag) { archCheckSet = archCheckSet || f.Name == "arch-check" })
	rd := &reader{v: v, stdin: stdin, stderr: stderr, pf: pf, warn: warnQuiet}
	if *verbose {
		rd.warn = warnAll
	}
	if *logMode || *archCheck == "strict" {
		strict, logMode := *archCheck == "strict", *logMode
		rd.prepare = func(d *profile.Docker, o *profile.Options) {
			if logMode {
				toLog(d)
			}
			if strict {
				d.Architectures, d.ArchMap = nil, nil
				kill := seccomp.ActKillProcess
				o.BadArchAction = &kill
			}
		}
	}
	src, code := rd.load(*prof)
	if src == nil {
		return code
	}
	var flags seccomp.FilterFlag
	if src.res == nil {
		switch {
		case *logMode:
			return usageError(v, stderr, "-log applies to a profile, and %s is %s", src.name, src.kind)
		case archCheckSet:
			return usageError(v, stderr, "-arch-check applies to a profile, and %s is %s", src.name, src.kind)
		}
	} else {
		flags = src.res.Flags
		if flags&seccomp.FlagNewListener != 0 {
			fmt.Fprintf(stderr, "seccomp run: %s: warning: the profile hands calls to a supervisor (SCMP_ACT_NOTIFY), and there is none here: those calls fail with ENOSYS\n", src.name)
			flags &^= seccomp.FlagNewListener
		}
	}
	path, err := exec.LookPath(cmdArgs[0])
	if err != nil {
		fmt.Fprintf(stderr, "seccomp run: %v\n", err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return exitNotFound
		}
		return exitCannotExec // a directory, no execute permission
	}
	err = seccomp.Exec(src.prog, seccomp.InstallOptions{Flags: flags}, path, cmdArgs, os.Environ())
	fmt.Fprintf(stderr, "seccomp run: %v\n", err)
	if errors.Is(err, os.ErrNotExist) {
		return exitNotFound
	}
	return exitCannotExec
}

// toLog turns every action other than ALLOW into LOG.
func toLog(d *profile.Docker) {
	if d.DefaultAction != profile.ActAllow {
		d.DefaultAction, d.DefaultErrnoRet, d.DefaultErrno = profile.ActLog, nil, ""
	}
	for i := range d.Syscalls {
		if d.Syscalls[i].Action != profile.ActAllow {
			d.Syscalls[i].Action, d.Syscalls[i].ErrnoRet, d.Syscalls[i].Errno = profile.ActLog, nil, ""
		}
	}
}
