package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/seccomp-go/seccomp"
)

var syscallsVerb = &verb{
	name:    "syscalls",
	summary: "look up system call names and numbers, per arch",
	usage: `usage: seccomp syscalls [-arch NAME] [-all-arches] [-since] [-json] [NAME|NUMBER...]
       seccomp syscalls -go-runtime[=pure|cgo|race] [-arch NAME] [-json]

Look up system calls in the syscall table of an arch: each operand, a name
or a number (seccomp_data.nr as is: x32 numbers carry 0x40000000), prints a
line with the name and the number. Without operands, the whole table is
printed, by number. Numbers print in decimal below 0x10000 and in hex from
there on, as the disassembler prints them.

The arch is -arch, by default the one this command was built for. -arch
takes the tables' names of the arches (x86_64, i386, x32, aarch64, arm,
riscv64, loongarch64, mips, mipsel, mips64, mipsel64, mips64n32,
mipsel64n32, ppc, ppc64, ppc64le, s390, s390x, parisc, parisc64, m68k, sh,
sheb), GOARCH names (amd64, 386, arm64, loong64, mipsle, mips64le, ...),
libseccomp's (x86) and SCMP_ARCH_ names, in any case. Numbers are as
seccomp sees them: mips's carry the ABI's 4000, 5000 or 6000.

With -since, a third column gives the Linux release that added the call to
the arch ("3.0" for 3.0 or earlier, and never before the arch's first
release; the method and its known gaps are in the seccomp package's
Arch.SyscallSince).

With -all-arches, each line is one name across every arch: a column per
arch, "-" where the arch lacks it; with -since each number is followed by
its release, "435/5.3". A NAME operand gives its line; a NUMBER gives the
line of every name that has that number on some arch.

-json prints one JSON object instead, the releases included:

  {"arch": "x86_64", "syscalls": [{"name": "read", "nr": 0, "since": "3.0"}, ...]}

and with -all-arches:

  {"arches": ["x86_64", "i386", ...],
   "syscalls": [{"name": "read", "numbers": {"x86_64": 0, "i386": 3, ...},
                 "since": {"x86_64": "3.0", "i386": "3.0", ...}}, ...]}

where an arch that lacks the name is absent from "numbers" and "since".
` + goRuntimeUsage + `
Flags:
  -arch NAME    the arch whose table to look in
  -all-arches   look in every arch's table, a column each
  -since        print the release that added each call (see above)
  -json         print JSON (see above)
  -go-runtime   print the Go runtime's baseline instead (=cgo, =race: for
                those builds; see above)

Exit status: 0 every operand found, 1 some operand is not in the table
(the others are printed; each missing one is an error line), 2 usage error.

Examples:
  seccomp syscalls openat execve
  seccomp syscalls -arch aarch64 56
  seccomp syscalls -arch x32 0x40000101
  seccomp syscalls -all-arches open openat
  seccomp syscalls -arch s390x -since clone3 openat2 socket
  seccomp syscalls -arch i386 -json | jq -r '.syscalls[].name'
  seccomp syscalls -go-runtime -arch aarch64
`,
}

func init() { syscallsVerb.run = runSyscalls }

func runSyscalls(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := syscallsVerb
	fs := newFlags(v)
	archName := fs.String("arch", "", "")
	all := fs.Bool("all-arches", false, "")
	asJSON := fs.Bool("json", false, "")
	since := fs.Bool("since", false, "")
	var goRT goRuntimeFlag
	fs.Var(&goRT, "go-runtime", "")
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if goRT.set {
		if *all || *since || len(fs.Args()) > 0 {
			return usageError(v, stderr, "-go-runtime takes neither -all-arches, -since nor operands")
		}
		return runGoRuntime(v, *archName, goRT.build, *asJSON, stdout, stderr)
	}
	if *all && *archName != "" {
		return usageError(v, stderr, "-arch and -all-arches exclude each other")
	}
	// Operands: names or numbers.
	type operand struct {
		text  string
		nr    uint32
		isNum bool
	}
	var ops []operand
	for _, a := range fs.Args() {
		if a != "" && (a[0] == '-' || ('0' <= a[0] && a[0] <= '9')) {
			n, e := parseNumber(a, 32)
			if e != numOK {
				return usageError(v, stderr, "%s", e.describe(a, 32))
			}
			ops = append(ops, operand{text: a, nr: uint32(n), isNum: true})
			continue
		}
		if a == "" {
			return usageError(v, stderr, "an empty operand is neither a name nor a number")
		}
		ops = append(ops, operand{text: a})
	}
	code := exitOK
	missing := func(format string, a ...any) {
		fmt.Fprintf(stderr, "seccomp syscalls: "+format+"\n", a...)
		code = exitFailure
	}

	if *all {
		arches := seccomp.Arches()
		var names []string
		seen := map[string]bool{}
		addName := func(n string) {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		if len(ops) == 0 {
			for _, a := range arches {
				for _, n := range a.Syscalls() {
					addName(n)
				}
			}
		}
		for _, op := range ops {
			found := false
			for _, a := range arches {
				if op.isNum {
					if n, ok := a.SyscallName(int32(op.nr)); ok {
						addName(n)
						found = true
					}
				} else if _, ok := a.Syscall(op.text); ok {
					addName(op.text)
					found = true
				}
			}
			if !found {
				if op.isNum {
					missing("no arch has a system call numbered %s", op.text)
				} else {
					missing("unknown system call %q on every arch", op.text)
				}
			}
		}
		if *asJSON {
			type entry struct {
				Name    string            `json:"name"`
				Numbers map[string]uint32 `json:"numbers"`
				Since   map[string]string `json:"since"`
			}
			out := struct {
				Arches   []string `json:"arches"`
				Syscalls []entry  `json:"syscalls"`
			}{Syscalls: []entry{}}
			for _, a := range arches {
				out.Arches = append(out.Arches, a.Name)
			}
			for _, n := range names {
				e := entry{Name: n, Numbers: map[string]uint32{}, Since: map[string]string{}}
				for _, a := range arches {
					if nr, ok := a.Syscall(n); ok {
						e.Numbers[a.Name] = uint32(nr)
						r, _ := a.SyscallSince(n)
						e.Since[a.Name] = r.String()
					}
				}
				out.Syscalls = append(out.Syscalls, e)
			}
			if c := writeJSON(v, stdout, stderr, out); c != exitOK {
				return c
			}
			return code
		}
		rows := [][]string{{"NAME"}}
		for _, a := range arches {
			rows[0] = append(rows[0], a.Name)
		}
		for _, n := range names {
			row := []string{n}
			for _, a := range arches {
				if nr, ok := a.Syscall(n); ok && *since {
					r, _ := a.SyscallSince(n)
					row = append(row, nrText(uint32(nr))+"/"+r.String())
				} else if ok {
					row = append(row, nrText(uint32(nr)))
				} else {
					row = append(row, "-")
				}
			}
			rows = append(rows, row)
		}
		var b strings.Builder
		table(&b, "", rows)
		if c := write(v, stdout, stderr, b.String()); c != exitOK {
			return c
		}
		return code
	}

	arch, msg := archFlag(*archName)
	if msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if arch == nil {
		a, err := seccomp.NativeArch()
		if err != nil {
			return usageError(v, stderr, "no native arch for GOARCH=%s: give -arch", runtime.GOARCH)
		}
		arch = a
	}
	type entry struct {
		Name  string `json:"name"`
		Nr    uint32 `json:"nr"`
		Since string `json:"since"`
	}
	var entries []entry
	add := func(name string, nr uint32) {
		r, _ := arch.SyscallSince(name)
		entries = append(entries, entry{name, nr, r.String()})
	}
	if len(ops) == 0 {
		for _, n := range arch.Syscalls() {
			nr, _ := arch.Syscall(n)
			add(n, uint32(nr))
		}
	}
	for _, op := range ops {
		if op.isNum {
			if n, ok := arch.SyscallName(int32(op.nr)); ok {
				add(n, op.nr)
			} else {
				missing("no system call numbered %s on %s", op.text, arch.Name)
			}
			continue
		}
		if nr, ok := arch.Syscall(op.text); ok {
			add(op.text, uint32(nr))
		} else {
			missing("unknown system call %q on %s", op.text, arch.Name)
		}
	}
	if *asJSON {
		out := struct {
			Arch     string  `json:"arch"`
			Syscalls []entry `json:"syscalls"`
		}{Arch: arch.Name, Syscalls: entries}
		if out.Syscalls == nil {
			out.Syscalls = []entry{}
		}
		if c := writeJSON(v, stdout, stderr, out); c != exitOK {
			return c
		}
		return code
	}
	var rows [][]string
	for _, e := range entries {
		row := []string{e.Name, nrText(e.Nr)}
		if *since {
			row = append(row, e.Since)
		}
		rows = append(rows, row)
	}
	var b strings.Builder
	table(&b, "", rows)
	if c := write(v, stdout, stderr, b.String()); c != exitOK {
		return c
	}
	return code
}
