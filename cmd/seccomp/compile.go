package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"go/token"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

var compileVerb = &verb{
	name:    "compile",
	summary: "compile a JSON profile (OCI, Docker, Podman) into a program",
	usage: `usage: seccomp compile [-arch NAME] [-format FORMAT] [-o OUT] [flags] PROFILE

Compile the seccomp profile in PROFILE, the OCI runtime-spec LinuxSeccomp
object, Docker's format or Podman's (detected; a whole OCI config.json is
read as its linux.seccomp), into a program, with the meaning runc and crun
give the profile through libseccomp (see package
github.com/seccomp-go/seccomp/profile). PROFILE - reads standard input; the
word default means Docker's default profile, built in.

A Docker profile is first resolved for the arch, Docker's default
capability set (or as -caps, -cap-add and -cap-drop say) and the running
kernel (or -kernel).

The program covers the arch (by default the arch this command runs on) and
the arches the profile lists that have syscall tables here; calls from
others get KILL_THREAD, as with libseccomp.

Output formats:
  raw     the kernel's 8-byte struct sock_filter records in the target's
          byte order (little-endian but for s390x, ppc64, mips, mips64 and
          the other big-endian arches), as its kernel takes them; not
          written to a terminal unless -o -
  text    the disassembly, which seccomp asm reads back
  go      a gofmt'ed Go source file that declares the program as a
          seccomp.Program variable, for go generate
  c       a C source file that declares the program as an array of struct
          sock_filter and a struct sock_fprog for seccomp(2) or prctl(2)
  oci     the profile resolved for the arch, capabilities and kernel, as
          the OCI LinuxSeccomp JSON object Docker hands to runc
  docker  the profile as read, in Docker's JSON form (for default, Docker's
          default profile)

A flag the output does not depend on is ignored, with a warning (but with
-json): -package but with go, -var but with go and c, -hot and -enosys with
oci and docker, -caps, -cap-add, -cap-drop and -kernel with docker.

Warnings go to standard error: a line each for names no arch has (typos,
most likely), unknown fields, arches without tables, rules that never
apply; one line sums up the names skipped on the covered arches that other
arches have (recv and send on x86_64, riscv_hwprobe off riscv64), which a
profile for several arches is expected to have; -v lists them all. Errors
name the entry and field; nothing is written when there is one.

Flags:
  -arch NAME      the target arch (default: this machine's)
  -format FORMAT  raw (default), text, go, c, oci or docker
  -o OUT          write to OUT instead of standard output (- for standard output)
  -package NAME   package of the go format (default seccompfilter)
  -var NAME       variable of the go and c formats (default Filter for go,
                  filter for c)
` + profileFlagsUsage + `  -hot LIST       the system calls to decide in the fewest instructions,
                  comma separated, each NAME or NAME=WEIGHT (how often,
                  relative to the others; default 1); "none" for no
                  preference; default: the library's DefaultHotSyscalls
                  (read, write, futex, mmap, ...). Decisions do not change,
                  and no call's path grows past the longest one
  -json           print the warnings (or the errors) on standard error as
                  one JSON object: {"warnings": [W...], "errors": [W...]},
                  W {"kind": "syscall not on arch", "entry": 0, "field":
                  "syscalls[0].names[221]", "syscall": "recv", "arch":
                  "x86_64, x32", "reason": "..."} (entry -1: none; no kind
                  for errors; entry and field as in the file)
  -v              list every warning

` + archUsage + `The target is the arch of the container's processes: x32 cannot be one (a
profile covers x32 with SCMP_ARCH_X32). The -kernel default, the running
kernel, makes the output depend on the machine: give -kernel for go
generate.

Exit status: 0 compiled (warnings or not), 1 the profile has an error or a
file cannot be read or written, 2 usage error.

Examples:
  seccomp compile -o docker.bpf default
  seccomp compile -arch arm64 -format text default
  seccomp compile -format go -package filters -o filter_gen.go my-profile.json
  seccomp compile -format c -o filter.h my-profile.json
  seccomp compile -format oci -cap-add SYS_ADMIN default
  seccomp compile -caps ALL -kernel 6.1 -format text default
  seccomp compile -hot read=10,write=10,epoll_pwait=5,futex -o docker.bpf default
`,
}

func init() { compileVerb.run = runCompile }

func runCompile(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := compileVerb
	fs := newFlags(v)
	archName := fs.String("arch", "", "")
	formatFlag := fs.String("format", "raw", "")
	out := fs.String("o", "", "")
	pkg := fs.String("package", "seccompfilter", "")
	varName := fs.String("var", "", "")
	pf := addProfileFlags(fs, false)
	verbose := fs.Bool("v", false, "")
	hotFlag := fs.String("hot", "", "")
	asJSON := fs.Bool("json", false, "")
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if msg := pf.visit(fs); msg != "" {
		return usageError(v, stderr, "%s", msg)
	}
	if fs.NArg() != 1 {
		return usageError(v, stderr, "want one PROFILE, got %d operands", fs.NArg())
	}
	hot, err := parseHot(*hotFlag)
	if err != nil {
		return usageError(v, stderr, "-hot: %v", err)
	}
	var target *seccomp.Arch
	if *archName != "" {
		var msg string
		if target, msg = lookupArch(*archName); msg != "" {
			return usageError(v, stderr, "%s", msg)
		}
		if target == seccomp.ArchX32 {
			return usageError(v, stderr, "-arch x32: a profile's target is the arch of the container's processes; x32 calls are covered by an x86_64 filter whose profile lists SCMP_ARCH_X32")
		}
	} else if _, err := seccomp.NativeArch(); err != nil {
		return usageError(v, stderr, "%s", noNativeArch())
	}
	switch *formatFlag {
	case "raw", "text", "go", "c", "oci", "docker":
	default:
		return usageError(v, stderr, "unknown -format %q: want raw, text, go, c, oci or docker", *formatFlag)
	}
	// A flag that no part of the format's output depends on is not
	// refused (one set of flags may serve several formats) but said to be
	// ignored: -format oci -enosys or -format docker -cap-add ALL do not
	// give what they seem to ask.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	programs := []string{"raw", "text", "go", "c"}
	var ignored []string
	for _, fl := range []struct {
		name    string
		formats []string
	}{
		{"package", []string{"go"}},
		{"var", []string{"go", "c"}},
		{"hot", programs},
		{"enosys", programs}, // the OCI format has no field for runc's stub
		{"caps", slices.Concat(programs, []string{"oci"})},
		{"cap-add", slices.Concat(programs, []string{"oci"})},
		{"cap-drop", slices.Concat(programs, []string{"oci"})},
		{"kernel", slices.Concat(programs, []string{"oci"})},
	} {
		if !given[fl.name] || slices.Contains(fl.formats, *formatFlag) || fl.name == "enosys" && !pf.enosys {
			continue
		}
		why := ""
		switch {
		case *formatFlag == "docker":
			why = "; docker writes the profile as read, -format oci writes it resolved"
		case fl.name == "enosys":
			why = "; runc adds its stub itself"
		}
		ignored = append(ignored, fmt.Sprintf("-%s does not apply to -format %s (only to %s): ignored%s", fl.name, *formatFlag, strings.Join(fl.formats, ", "), why))
	}
	if *varName == "" {
		*varName = "Filter"
		if *formatFlag == "c" {
			*varName = "filter"
		}
	}
	if *formatFlag == "go" {
		if !token.IsIdentifier(*pkg) || *pkg == "_" {
			return usageError(v, stderr, "-package %q is not a Go package name", *pkg)
		}
		if !token.IsIdentifier(*varName) || *varName == "_" {
			return usageError(v, stderr, "-var %q is not a Go identifier", *varName)
		}
	}
	if *formatFlag == "c" && !isCIdentifier(*varName) {
		return usageError(v, stderr, "-var %q is not a C identifier", *varName)
	}
	if *formatFlag == "raw" && *out == "" && isTerminal(stdout) {
		return usageError(v, stderr, "standard output is a terminal: not writing raw BPF there; use -o OUT, a redirection, -format text, or -o - to insist")
	}

	if !*asJSON {
		for _, w := range ignored {
			fmt.Fprintf(stderr, "seccomp compile: warning: %s\n", w)
		}
	}

	mode := warnSummary
	if *verbose {
		mode = warnAll
	}
	// The warnings are shown once -hot is checked.
	rd := &reader{v: v, stdin: stdin, stderr: stderr, pf: pf, target: target, quiet: true}
	var jsonErr error // what -json reports as errors
	report := func(warns []profile.Warning) {
		if *asJSON {
			b, _ := json.Marshal(struct {
				Warnings []jsonWarning `json:"warnings"`
				Errors   []jsonWarning `json:"errors"`
			}{warningsJSON(warns), errorsJSON(jsonErr)})
			fmt.Fprintf(stderr, "%s\n", b)
		}
	}
	if *asJSON {
		// Errors are JSON too.
		rd.stderr = io.Discard
	}
	data, name, code := rd.read(fs.Arg(0))
	if data == nil {
		jsonErr = rd.err
		report(nil)
		return code
	}
	if k := detect(data); k != inputJSON {
		jsonErr = fmt.Errorf("%s is %s, not a profile", name, k)
		report(nil)
		return failure(v, rd.stderr, "%s is %s, not a profile: compile compiles profiles (seccomp asm assembles the text form)", name, k)
	}
	res, code := rd.profile(data, name)
	if res == nil {
		jsonErr = rd.err
		report(nil)
		return code
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
	if !*asJSON {
		reportWarnings(v, stderr, name, res.Warnings, mode)
	}
	var b []byte
	switch *formatFlag {
	case "oci":
		b, err = res.Profile.Marshal()
	case "docker":
		var d *profile.Docker
		if d, _, err = profile.Parse(data); err == nil {
			b, err = d.Marshal()
		}
	default:
		var p seccomp.Program
		p, err = res.Compile()
		if err != nil {
			jsonErr = err
			report(res.Warnings)
			return failure(v, rd.stderr, "%s: %v", name, err)
		}
		switch *formatFlag {
		case "raw":
			// In the byte order of the target, as its kernel takes it.
			order, _ := res.Filter.Arches()[0].ByteOrder().(binary.AppendByteOrder)
			b = p.AppendRaw(nil, order)
		case "text":
			b = []byte(seccomp.Disassemble(p))
			if len(b) > 0 && b[len(b)-1] != '\n' {
				b = append(b, '\n')
			}
		case "go":
			b, err = goSource(p, *pkg, *varName, fs.Arg(0), res)
		case "c":
			b = cSource(p, *varName, fs.Arg(0), res)
		}
	}
	if err != nil {
		return failure(v, stderr, "internal error: %v", err)
	}
	report(res.Warnings)
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

// goSource returns a gofmt'ed Go file declaring p.
func goSource(p seccomp.Program, pkg, name, src string, res *profile.Result) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by seccomp compile; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	b.WriteString("import \"github.com/seccomp-go/seccomp\"\n\n")
	fmt.Fprintf(&b, "// %s is %s compiled for %s", name, goComment(src), res.Filter.Arches()[0].Name)
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

// isCIdentifier reports whether s is a C identifier (and not a keyword
// the output would clash with).
func isCIdentifier(s string) bool {
	if s == "" || !token.IsIdentifier(s) {
		return false
	}
	for _, r := range s {
		if r > 0x7f {
			return false
		}
	}
	switch s {
	case "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
		"float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
		"sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while":
		return false
	}
	return true
}

// cSource returns a C source file declaring p as NAME (struct
// sock_filter[]) and NAME_prog (struct sock_fprog).
func cSource(p seccomp.Program, name, src string, res *profile.Result) []byte {
	var b bytes.Buffer
	b.WriteString("/* Code generated by seccomp compile; DO NOT EDIT. */\n\n")
	var arches []string
	for _, a := range res.Filter.Arches() {
		arches = append(arches, a.Name)
	}
	fmt.Fprintf(&b, "/*\n * %s: %s compiled for %s (covering %s)", name, cComment(goComment(src)), res.Filter.Arches()[0].Name, strings.Join(arches, ", "))
	if res.Flags != 0 {
		fmt.Fprintf(&b, ",\n * to install with filter flags %s", res.Flags)
	}
	fmt.Fprintf(&b, ":\n * %d instructions, the default action %v.\n */\n\n", len(p), res.Filter.DefaultAction())
	b.WriteString("#include <linux/filter.h>\n\n")
	fmt.Fprintf(&b, "static struct sock_filter %s[] = {\n", name)
	text := strings.Split(strings.TrimRight(seccomp.Disassemble(p), "\n"), "\n")
	for i, in := range p {
		fmt.Fprintf(&b, "\t{ 0x%02x, %d, %d, 0x%08x },", in.Op, in.Jt, in.Jf, in.K)
		if i < len(text) {
			if _, rest, ok := strings.Cut(text[i], ": "); ok {
				fmt.Fprintf(&b, " /* %04d: %s */", i, cComment(strings.Join(strings.Fields(rest), " ")))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("};\n\n")
	fmt.Fprintf(&b, "static struct sock_fprog %s_prog = {\n", name)
	fmt.Fprintf(&b, "\t.len = (unsigned short)(sizeof(%s) / sizeof(%s[0])),\n", name, name)
	fmt.Fprintf(&b, "\t.filter = %s,\n", name)
	b.WriteString("};\n")
	return b.Bytes()
}

// cComment makes s safe inside a C comment.
func cComment(s string) string { return strings.ReplaceAll(s, "*/", "* /") }
