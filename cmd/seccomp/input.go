package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// The inputs of the verbs. Every verb that reads a filter takes every kind
// of input, told apart by content: a raw program, the text form, or a
// JSON profile (OCI, Docker, Podman, or a whole config.json), or the word
// default for Docker's default profile.

// maxInput bounds what is read from one input file, so that a mistaken
// operand (/dev/zero, a disk image) fails instead of filling memory. A raw
// program is at most 32 KiB and its text form a few hundred; a JSON
// profile may be larger (recorded or generated profiles name many calls
// and values), up to maxProfile.
const (
	maxInput   = 16 << 20
	maxProfile = 256 << 20
)

// displayName is how errors name the input file.
func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// readInput reads the file called name, or stdin for "-". Its errors name
// the file.
func readInput(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err // *PathError: "open NAME: ..."
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err == nil && len(b) > maxInput && detect(b) == inputJSON {
		var more []byte
		more, err = io.ReadAll(io.LimitReader(r, maxProfile-maxInput))
		b = append(b, more...)
		if err == nil && len(b) > maxProfile {
			return nil, fmt.Errorf("%s: larger than %d MiB: too large for a profile", displayName(name), maxProfile>>20)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", displayName(name), err)
	}
	if len(b) > maxInput && detect(b) != inputJSON {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a seccomp program", displayName(name), maxInput>>20)
	}
	return b, nil
}

// inputKind is what an input holds.
type inputKind int

const (
	inputRaw  inputKind = iota + 1 // struct sock_filter records
	inputJSON                      // a profile (or JSON that is not one)
	inputText                      // the text form
)

func (k inputKind) String() string {
	switch k {
	case inputRaw:
		return "a raw program"
	case inputJSON:
		return "a profile"
	case inputText:
		return "a program in the text form"
	}
	return "?"
}

// detect tells what data holds, by content. A raw program always has NUL
// bytes (an opcode is 16 bits, and every valid one is below 0x100), and
// JSON and the text form never do. JSON starts with {, [ or " (after
// blanks and a byte order mark), or is a JSON literal (null, 1, true):
// JSON that is not an object is thus read as JSON, and refused as a
// profile, never read as a program. Anything else is the text form.
func detect(data []byte) inputKind {
	if bytes.IndexByte(data, 0) >= 0 {
		return inputRaw
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '"') {
		return inputJSON
	}
	if len(t) > 0 && json.Valid(t) {
		return inputJSON
	}
	return inputText
}

// source is an input read as a program.
type source struct {
	name string // for messages
	kind inputKind
	prog seccomp.Program
	res  *profile.Result // a profile's, compiled; nil for a program
}

// reader reads a verb's inputs.
type reader struct {
	v      *verb
	stdin  io.Reader
	stderr io.Writer
	// pf are the verb's profile flags (nil: the defaults).
	pf *profileFlags
	// target is the arch a profile is compiled for; nil: this machine's.
	target *seccomp.Arch
	// lookAt is for the verbs that only look at a filter: where the
	// running kernel's version cannot be read (off Linux), profiles are
	// resolved for assumedKernel.
	lookAt bool
	// warn says how a profile's warnings are shown.
	warn warnMode
	// quiet leaves the warnings to the caller (compile -json).
	quiet bool
	// prepare, if not nil, changes a profile and its options before it is
	// compiled (run -log, -arch-check strict); the profile is checked as
	// it is first.
	prepare func(*profile.Docker, *profile.Options)
	// err is the last error reported (for compile -json).
	err error
}

// fail reports err, an input's error, and returns exitFailure.
func (r *reader) fail(display string, err error) int {
	r.err = err
	if display == "" {
		return failure(r.v, r.stderr, "%v", err)
	}
	return failure(r.v, r.stderr, "%s: %s", display, oneLine(err))
}

// read reads operand name: "default" is Docker's default profile, built
// in; "-" is standard input. It returns the data and the name for
// messages, or reports the error and returns the exit code.
func (r *reader) read(name string) (data []byte, display string, code int) {
	if name == "default" {
		if _, err := os.Stat(name); err == nil {
			fmt.Fprintf(r.stderr, "seccomp %s: warning: using the built-in default profile, not the file ./default (write ./default for the file)\n", r.v.name)
		}
		return profile.DefaultJSON(), "<default>", exitOK
	}
	data, err := readInput(name, r.stdin)
	if err != nil {
		return nil, "", r.fail("", err)
	}
	if len(data) == 0 {
		return nil, "", r.fail(displayName(name), errors.New("empty: no instructions"))
	}
	return data, displayName(name), exitOK
}

// lookReader returns the reader of a verb that looks at filters, with
// -arch (archName, "" when not given) naming the arch looked at: a profile
// is compiled for its machine (machineOf). A bad -arch is reported and its
// exit code returned (ok false).
func lookReader(v *verb, archName string, pf *profileFlags, stdin io.Reader, stderr io.Writer) (rd *reader, arch *seccomp.Arch, code int, ok bool) {
	arch, msg := archFlag(archName)
	if msg != "" {
		return nil, nil, usageError(v, stderr, "%s", msg), false
	}
	rd = &reader{v: v, stdin: stdin, stderr: stderr, pf: pf, lookAt: true}
	if arch != nil {
		rd.target = machineOf(arch)
	}
	return rd, arch, exitOK, true
}

// loadOnly loads a verb's one input (see load) and checks that the
// profile flags given, and -arch when archSet, apply to it (see unused).
func (r *reader) loadOnly(name string, archSet bool) (*source, int) {
	src, code := r.load(name)
	if src == nil {
		return nil, code
	}
	if code, ok := r.unused(archSet, src); !ok {
		return nil, code
	}
	return src, exitOK
}

// load reads operand name as a program: a raw program, the text form, or
// a profile compiled for r.target. On failure it reports the error and
// returns nil and the exit code.
func (r *reader) load(name string) (*source, int) {
	data, display, code := r.read(name)
	if data == nil {
		return nil, code
	}
	kind := detect(data)
	if kind == inputJSON {
		res, code := r.profile(data, display)
		if res == nil {
			return nil, code
		}
		p, err := res.Compile()
		if err != nil {
			return nil, failure(r.v, r.stderr, "%s: %v", display, err)
		}
		return &source{name: display, kind: kind, prog: p, res: res}, exitOK
	}
	if kind == inputText {
		p, err := seccomp.AssembleText(string(data))
		if err != nil {
			return nil, failure(r.v, r.stderr, "%s: read as the text form (it is neither a raw program, which has NUL bytes, nor JSON): %v", display, err)
		}
		if len(p) == 0 {
			return nil, failure(r.v, r.stderr, "%s: the text form has no instructions", display)
		}
		return &source{name: display, kind: kind, prog: p}, exitOK
	}
	p, err := seccomp.ParseRaw(data)
	if err != nil {
		return nil, failure(r.v, r.stderr, "%s: %v", display, err)
	}
	return &source{name: display, kind: kind, prog: otherOrder(data, p)}, exitOK
}

// otherOrder returns p, a raw program read in this machine's byte order,
// or, when the kernel would refuse p and accept the same bytes read in the
// other order, that program: a raw program is in its target's byte order
// (compile -arch s390x writes big-endian), and a valid program reads as
// valid in one order only (every opcode is below 0x100, and swapped, its
// bytes make one above, which no valid program has).
func otherOrder(data []byte, p seccomp.Program) seccomp.Program {
	if seccomp.Verify(p) == nil {
		return p
	}
	var other binary.ByteOrder = binary.BigEndian
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 { // a big-endian host
		other = binary.LittleEndian
	}
	q, err := seccomp.DecodeRaw(data, other)
	if err != nil || seccomp.Verify(q) != nil {
		return p
	}
	return q
}

// unused checks that the profile flags given (and -arch, when archSet, for
// the verbs where -arch only names a profile's machine) apply to one of
// srcs at least: they are a usage error when none is a profile.
func (r *reader) unused(archSet bool, srcs ...*source) (code int, ok bool) {
	f := r.pf.given()
	if f == "" && archSet {
		f = "arch"
	}
	if f == "" {
		return exitOK, true
	}
	for _, s := range srcs {
		if s.res != nil {
			return exitOK, true
		}
	}
	what := fmt.Sprintf("%s is %s", srcs[0].name, srcs[0].kind)
	if len(srcs) == 2 {
		what = fmt.Sprintf("%s is %s and %s %s", srcs[0].name, srcs[0].kind, srcs[1].name, srcs[1].kind)
	}
	return usageError(r.v, r.stderr, "-%s applies to a profile, and %s", f, what), false
}

// profile loads a profile, resolved and built for r.target with the
// options of r.pf, and reports its warnings. On failure it reports the
// error and returns nil and the exit code.
func (r *reader) profile(data []byte, display string) (*profile.Result, int) {
	opts, msg := r.pf.options(r.target)
	if msg != "" {
		return nil, usageError(r.v, r.stderr, "%s", msg)
	}
	if opts.Arch == nil {
		if _, err := seccomp.NativeArch(); err != nil {
			return nil, usageError(r.v, r.stderr, "%s", noNativeArch())
		}
	}
	if r.lookAt && opts.Kernel == nil {
		if _, err := profile.RunningKernel(); err != nil {
			k := assumedKernel
			opts.Kernel = &k
		}
	}
	res, err := profile.Load(data, opts)
	if err != nil {
		return nil, r.fail(display, err)
	}
	if !r.quiet {
		reportWarnings(r.v, r.stderr, display, res.Warnings, r.warn)
	}
	if r.prepare != nil {
		d, _, err := profile.Parse(data)
		if err != nil {
			return nil, r.fail(display, err)
		}
		r.prepare(d, &opts)
		changed, err := d.Build(opts)
		if err != nil {
			return nil, r.fail(display, err)
		}
		changed.Warnings = res.Warnings
		res = changed
	}
	return res, exitOK
}

// oneLine joins a multi-line error (errors.Join) with "; ", since every
// error of the command is one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
