package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

var versionVerb = &verb{
	name:    "version",
	summary: "print the version of this command",
	usage: `usage: seccomp version

Print the module version this command was built from (or "(devel)" for a
build inside the source tree) and the Go version, on one line. seccomp
-version and seccomp --version do the same.

Exit status: 0 printed, 2 usage error.

Example:
  seccomp version
`,
}

func init() { versionVerb.run = runVersion }

func runVersion(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := versionVerb
	fs := newFlags(v)
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageError(v, stderr, "want no operands, got %d", fs.NArg())
	}
	version := "(unknown)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
	}
	if _, err := fmt.Fprintf(stdout, "seccomp %s %s\n", version, runtime.Version()); err != nil {
		return failure(v, stderr, "writing standard output: %v", err)
	}
	return exitOK
}
