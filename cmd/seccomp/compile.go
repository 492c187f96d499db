package main

import (
	"bytes"
	"fmt"
	"go/format"
	"go/token"
	"io"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

var compileVerb = &verb{
	name:    "compile",
	summary: "compile an OCI or Docker seccomp profile (JSON) into a program",
	usage: `usage: seccomp compile [-arch amd64|arm64] [-format raw|text|go] [-o OUT] [flags] PROFILE

Compile the seccomp profile in PROFILE, the OCI runtime-spec LinuxSeccomp
object or Docker's format (detected), into a program, with the meaning runc
and crun give the profile through libseccomp (see package
github.com/seccomp-go/seccomp/profile). PROFILE - reads standard input; the
word default means Docker's default profile, built in.

A Docker profile is first resolved for the arch, Docker's default
capability set (or -caps) and the running kernel (or -kernel).

The program covers the arch (amd64: x86_64; arm64: aarch64; by default the
arch this command runs on) and the arches the profile lists that have
syscall tables here; calls from others get KILL_THREAD, as with libseccomp.

Output formats:
  raw    the kernel's 8-byte struct sock_filter records, little-endian (the
         byte order of both arches); not written to a terminal unless -o -
  text   the disassembly, which seccomp asm reads back
  go     a gofmt'ed Go source file that declares the program as a
         seccomp.Program variable, for go generate

Warnings (system call names skipped because no covered arch has them,
arches without tables, ignored fields) go to standard error; -v adds the
names skipped on some of the arches only. Errors name the entry and field;
nothing is written when there is one.

Flags:
  -arch NAME      the target arch: amd64 (x86_64) or arm64 (aarch64)
  -format FORMAT  raw (default), text or go
  -o OUT          write to OUT instead of standard output (- for standard output)
  -package NAME   package of the go format (default seccompfilter)
  -var NAME       variable of the go format (default Filter)
  -caps LIST      capability set for Docker's includes and excludes, comma
                  separated (sys_admin or CAP_SYS_ADMIN; ALL for every one);
                  default: Docker's default set
  -kernel X.Y     kernel version for Docker's minKernel (default: the
                  running kernel; give it for output that does not depend
                  on the machine, as with go generate)
  -enosys         add runc's stub: calls above the highest system call the
                  profile names get ERRNO(ENOSYS) (unless the default action
                  is ALLOW, LOG or TRACE)
  -hot LIST       the system calls to decide in the fewest instructions,
                  comma separated, each NAME or NAME=WEIGHT (how often,
                  relative to the others; default 1); "none" for no
                  preference; default: the library's DefaultHotSyscalls
                  (read, write, futex, mmap, ...). Decisions do not change,
                  and no call's path grows past the longest one
  -v              also warn about names missing on some of the arches

Exit status: 0 compiled (warnings or not), 1 the profile has an error or a
file cannot be read or written, 2 usage error.

Examples:
  seccomp compile -o docker.bpf default
  seccomp compile -arch arm64 -format text default
  seccomp compile -format go -package filters -o filter_gen.go my-profile.json
  seccomp compile -caps ALL -kernel 6.1 -format text default
  seccomp compile -hot read=10,write=10,epoll_pwait=5,futex -o docker.bpf default
`,
}

func init() { compileVerb.run = runCompile }

func runCompile(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := compileVerb
	fs := newFlags(v)
	archFlag := fs.String("arch", "", "")
	formatFlag := fs.String("format", "raw", "")
	out := fs.String("o", "", "")
	pkg := fs.String("package", "seccompfilter", "")
	varName := fs.String("var", "Filter", "")
	capsFlag := fs.String("caps", "", "")
	kernelFlag := fs.String("kernel", "", "")
	enosys := fs.Bool("enosys", false, "")
	verbose := fs.Bool("v", false, "")
	hotFlag := fs.String("hot", "", "")
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one PROFILE, got %d operands", fs.NArg())
	}
	hot, err := parseHot(*hotFlag)
	if err != nil {
		return usageError(v, stderr, "-hot: %v", err)
	}
	var opts profile.Options
	switch strings.ToLower(*archFlag) {
	case "":
		switch runtime.GOARCH {
		case "amd64":
			opts.Arch = seccomp.ArchX86_64
		case "arm64":
			opts.Arch = seccomp.ArchAArch64
		default:
			return usageError(v, stderr, "no default arch on %s: give -arch amd64 or -arch arm64", runtime.GOARCH)
		}
	case "amd64", "x86_64":
		opts.Arch = seccomp.ArchX86_64
	case "arm64", "aarch64":
		opts.Arch = seccomp.ArchAArch64
	default:
		return usageError(v, stderr, "unknown -arch %q: want amd64 or arm64", *archFlag)
	}
	switch *formatFlag {
	case "raw", "text", "go":
	default:
		return usageError(v, stderr, "unknown -format %q: want raw, text or go", *formatFlag)
	}
	if *formatFlag == "go" {
		if !token.IsIdentifier(*pkg) || *pkg == "_" {
			return usageError(v, stderr, "-package %q is not a Go package name", *pkg)
		}
		if !token.IsIdentifier(*varName) || *varName == "_" {
			return usageError(v, stderr, "-var %q is not a Go identifier", *varName)
		}
	}
	if *capsFlag != "" {
		opts.Caps = profile.NormalizeCaps(strings.Split(*capsFlag, ","))
	}
	if *kernelFlag != "" {
		k, err := profile.ParseKernelVersion(*kernelFlag)
		if err != nil {
			return usageError(v, stderr, "-kernel: %v", err)
		}
		opts.Kernel = &k
	}
	opts.ENOSYSAboveHighest = *enosys
	if *formatFlag == "raw" && *out == "" && isTerminal(stdout) {
		return usageError(v, stderr, "standard output is a terminal: not writing raw BPF there; use -o OUT, a redirection, -format text, or -o - to insist")
	}

	name := fs.Arg(0)
	var data []byte
	if name == "default" {
		if _, err := os.Stat(name); err == nil {
			fmt.Fprintf(stderr, "seccomp compile: warning: compiling the built-in default profile, not the file ./default (write ./default to compile the file)\n")
		}
		data = profile.DefaultJSON()
		name = "<default>"
	} else {
		var err error
		if data, err = readInput(name, stdin); err != nil {
			return failure(v, stderr, "%v", err)
		}
		name = displayName(name)
	}
	res, err := profile.Load(data, opts)
	if err != nil {
		return failure(v, stderr, "%s: %s", name, oneLine(err))
	}
	if hot != nil {
		for _, n := range slices.Sorted(maps.Keys(hot)) {
			known := false
			for _, a := range res.Filter.Arches() {
				if _, ok := a.Syscall(n); ok {
					known = true
				}
			}
			if !known {
				return usageError(v, stderr, "-hot: unknown system call %q on %s", n, archNames(res.Filter.Arches()))
			}
		}
		res.Filter.SetHotSyscalls(hot)
	}
	for _, w := range res.Warnings {
		if w.Kind == profile.WarnSyscallNotOnArch && !*verbose {
			continue
		}
		fmt.Fprintf(stderr, "seccomp compile: %s: %s\n", name, w)
	}
	p, err := res.Compile()
	if err != nil {
		return failure(v, stderr, "%s: %v", name, err)
	}
	var b []byte
	switch *formatFlag {
	case "raw":
		b = p.AppendRaw(nil, littleEndian{})
	case "text":
		b = []byte(seccomp.Disassemble(p))
		if len(b) > 0 && b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
	case "go":
		b, err = goSource(p, *pkg, *varName, fs.Arg(0), opts, res)
		if err != nil {
			return failure(v, stderr, "%v", err)
		}
	}
	if *out != "" && *out != "-" {
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			return failure(v, stderr, "%v", err)
		}
		return exitOK
	}
	if _, err := stdout.Write(b); err != nil {
		return failure(v, stderr, "writing standard output: %v", err)
	}
	return exitOK
}

// parseHot reads -hot: "" is nil (the default), "none" an empty map,
// otherwise NAME or NAME=WEIGHT items separated by commas.
func parseHot(list string) (map[string]float64, error) {
	switch strings.TrimSpace(list) {
	case "":
		return nil, nil
	case "none":
		return map[string]float64{}, nil
	}
	hot := map[string]float64{}
	for _, item := range strings.Split(list, ",") {
		name, weight, hasWeight := strings.Cut(strings.TrimSpace(item), "=")
		if name == "" {
			return nil, fmt.Errorf("empty system call name in %q", list)
		}
		w := 1.0
		if hasWeight {
			var err error
			if w, err = strconv.ParseFloat(weight, 64); err != nil || !(w > 0) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("weight %q of %s: want a number above zero", weight, name)
			}
		}
		if _, dup := hot[name]; dup {
			return nil, fmt.Errorf("%s given twice", name)
		}
		hot[name] = w
	}
	return hot, nil
}

// archNames lists arches' names for a message: "x86_64, i386 or x32".
func archNames(arches []*seccomp.Arch) string {
	var names []string
	for _, a := range arches {
		names = append(names, a.Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// oneLine joins a multi-line error (errors.Join) with "; ", since every
// error of the command is one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// littleEndian is binary.LittleEndian as a binary.AppendByteOrder, written
// out to keep the import list of the command small.
type littleEndian struct{}

func (littleEndian) AppendUint16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
func (littleEndian) AppendUint32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
func (littleEndian) AppendUint64(b []byte, v uint64) []byte {
	return append(littleEndian{}.AppendUint32(b, uint32(v)), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}
func (littleEndian) String() string { return "LittleEndian" }

// goSource returns a gofmt'ed Go file declaring p.
func goSource(p seccomp.Program, pkg, name, src string, opts profile.Options, res *profile.Result) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by seccomp compile; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	b.WriteString("import \"github.com/seccomp-go/seccomp\"\n\n")
	fmt.Fprintf(&b, "// %s is %s compiled for %s", name, goComment(src), opts.Arch.Name)
	var arches []string
	for _, a := range res.Filter.Arches() {
		arches = append(arches, a.Name)
	}
	fmt.Fprintf(&b, " (covering %s)", strings.Join(arches, ", "))
	if res.Flags != 0 {
		fmt.Fprintf(&b, ", to install with filter flags %s", res.Flags)
	}
	fmt.Fprintf(&b, ": %d instructions, the default action %v.\n", len(p), res.Filter.DefaultAction())
	fmt.Fprintf(&b, "var %s = seccomp.Program{\n", name)
	text := strings.Split(strings.TrimRight(seccomp.Disassemble(p), "\n"), "\n")
	for i, in := range p {
		fmt.Fprintf(&b, "\t{Op: %#04x, Jt: %d, Jf: %d, K: %#x},", in.Op, in.Jt, in.Jf, in.K)
		if i < len(text) {
			if _, rest, ok := strings.Cut(text[i], ": "); ok {
				fmt.Fprintf(&b, " // %s", strings.Join(strings.Fields(rest), " "))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("internal error: generated Go does not format: %v", err)
	}
	return out, nil
}

func goComment(s string) string {
	if s == "default" {
		return "Docker's default seccomp profile"
	}
	return fmt.Sprintf("the seccomp profile %q", s)
}
