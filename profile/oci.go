package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Seccomp is the OCI runtime-spec LinuxSeccomp object (config.json's
// linux.seccomp): what runc and crun take.
type Seccomp struct {
	// DefaultAction is what calls no entry decides get.
	DefaultAction Action `json:"defaultAction"`
	// DefaultErrnoRet is the errno (or ptrace message) of DefaultAction
	// when that is SCMP_ACT_ERRNO (or SCMP_ACT_TRACE); EPERM when absent.
	DefaultErrnoRet *uint `json:"defaultErrnoRet,omitempty"`
	// Architectures are the ABIs the filter covers besides the target's
	// own (SCMP_ARCH_* names).
	Architectures []Arch `json:"architectures,omitempty"`
	// Flags are SECCOMP_FILTER_FLAG_* names for seccomp(2).
	Flags []Flag `json:"flags,omitempty"`
	// ListenerPath is the UNIX socket a runtime sends the notification
	// file descriptor to, when an entry uses SCMP_ACT_NOTIFY. It is kept
	// as is; compiling does not use it.
	ListenerPath string `json:"listenerPath,omitempty"`
	// ListenerMetadata is opaque data sent along with the descriptor; kept
	// as is.
	ListenerMetadata string `json:"listenerMetadata,omitempty"`
	// Syscalls are the entries, each for a set of system call names.
	Syscalls []Syscall `json:"syscalls,omitempty"`
}

// Syscall is one entry of an OCI profile: an action for system calls by
// name, with optional conditions on their arguments.
type Syscall struct {
	Names    []string `json:"names"`
	Action   Action   `json:"action"`
	ErrnoRet *uint    `json:"errnoRet,omitempty"`
	Args     []Arg    `json:"args,omitempty"`
}

// Arg is a condition on one argument. For SCMP_CMP_MASKED_EQ, Value is the
// mask and ValueTwo the datum: (arg & Value) == (ValueTwo & Value). The
// other operators compare the argument with Value and ignore ValueTwo.
type Arg struct {
	Index    uint     `json:"index"`
	Value    uint64   `json:"value"`
	ValueTwo uint64   `json:"valueTwo,omitempty"`
	Op       Operator `json:"op"`
}

// Action is an SCMP_ACT_* name.
type Action string

// The actions of a profile.
const (
	ActKill        Action = "SCMP_ACT_KILL" // KILL_THREAD, as in libseccomp
	ActKillProcess Action = "SCMP_ACT_KILL_PROCESS"
	ActKillThread  Action = "SCMP_ACT_KILL_THREAD"
	ActTrap        Action = "SCMP_ACT_TRAP"
	ActErrno       Action = "SCMP_ACT_ERRNO"
	ActTrace       Action = "SCMP_ACT_TRACE"
	ActAllow       Action = "SCMP_ACT_ALLOW"
	ActLog         Action = "SCMP_ACT_LOG"
	ActNotify      Action = "SCMP_ACT_NOTIFY"
)

// Operator is an SCMP_CMP_* name.
type Operator string

// The comparisons of a profile.
const (
	OpNotEqual     Operator = "SCMP_CMP_NE"
	OpLessThan     Operator = "SCMP_CMP_LT"
	OpLessEqual    Operator = "SCMP_CMP_LE"
	OpEqualTo      Operator = "SCMP_CMP_EQ"
	OpGreaterEqual Operator = "SCMP_CMP_GE"
	OpGreaterThan  Operator = "SCMP_CMP_GT"
	OpMaskedEqual  Operator = "SCMP_CMP_MASKED_EQ"
)

// Arch is an SCMP_ARCH_* name.
type Arch string

// Flag is a SECCOMP_FILTER_FLAG_* name.
type Flag string

// The flags a profile may set.
const (
	FlagTSync            Flag = "SECCOMP_FILTER_FLAG_TSYNC"
	FlagLog              Flag = "SECCOMP_FILTER_FLAG_LOG"
	FlagSpecAllow        Flag = "SECCOMP_FILTER_FLAG_SPEC_ALLOW"
	FlagWaitKillableRecv Flag = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"
)

// Error is something wrong in a profile. Field is where, as a JSON path
// ("syscalls[3].args[1].op"); Entry is the index of the syscalls entry
// concerned, or -1.
type Error struct {
	Entry   int
	Field   string
	Syscall string // the entry's first name, to help find it
	Reason  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("profile: ")
	if e.Field != "" {
		b.WriteString(e.Field)
		if e.Syscall != "" {
			fmt.Fprintf(&b, " (%s)", e.Syscall)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// WarningKind sorts warnings.
type WarningKind int

// The kinds of warning.
const (
	// WarnUnknownSyscall: a name that no arch the filter covers knows; its
	// rules are skipped.
	WarnUnknownSyscall WarningKind = iota + 1
	// WarnSyscallNotOnArch: a name that some of the covered arches do not
	// have (i386-only calls on x86_64, say); skipped on those, as
	// libseccomp does. Expected for multi-arch profiles.
	WarnSyscallNotOnArch
	// WarnArchSkipped: an SCMP_ARCH_* name without a syscall table here
	// (ppc64le, s390x, mips...): the filter does not cover it.
	WarnArchSkipped
	// WarnUnknownField: a JSON field the format does not have; ignored, as
	// runc and crun ignore it.
	WarnUnknownField
	// WarnIgnored: something that has no effect: valueTwo on an operator
	// other than SCMP_CMP_MASKED_EQ, an entry without names, a rule whose
	// conditions no call can meet, an entry that an unconditional entry
	// before it overrides.
	WarnIgnored
	// WarnValueWidth: a condition whose value does not fit in 32 bits, on
	// an arch where libseccomp compares only the low 32 bits of arguments
	// and values (i386, arm, and x32): the value's high half is lost there,
	// as under runc (arg <= 0x100000005 means arg <= 5).
	WarnValueWidth
)

func (k WarningKind) String() string {
	switch k {
	case WarnUnknownSyscall:
		return "unknown syscall"
	case WarnSyscallNotOnArch:
		return "syscall not on arch"
	case WarnArchSkipped:
		return "arch skipped"
	case WarnUnknownField:
		return "unknown field"
	case WarnIgnored:
		return "ignored"
	case WarnValueWidth:
		return "value width"
	}
	return fmt.Sprintf("WarningKind(%d)", int(k))
}

// Warning is something in a profile that was skipped or has no effect.
// Nothing is silently lost: every skipped name and arch has a warning.
type Warning struct {
	Kind    WarningKind
	Entry   int    // index of the syscalls entry, or -1
	Field   string // JSON path, as in Error
	Syscall string // the system call name concerned, if any
	Arch    string // the arch(es) concerned, if any
	Reason  string
}

func (w Warning) String() string {
	var b strings.Builder
	b.WriteString("profile: warning: ")
	if w.Field != "" {
		b.WriteString(w.Field)
		b.WriteString(": ")
	}
	b.WriteString(w.Reason)
	return b.String()
}

// ParseOCI decodes an OCI LinuxSeccomp object. Fields the OCI format does
// not have are reported as warnings (Docker's fields among them: use Parse
// for Docker profiles). Errors (*Error, joined) name the field.
func ParseOCI(data []byte) (*Seccomp, []Warning, error) {
	d, warns, err := parse(data, false)
	if err != nil {
		return nil, warns, err
	}
	s := d.header()
	for _, e := range d.Syscalls {
		s.Syscalls = append(s.Syscalls, e.Syscall())
	}
	return s, warns, nil
}

// Marshal encodes the profile as indented JSON, ending in a newline, the
// way ParseOCI reads it back.
func (s *Seccomp) Marshal() ([]byte, error) { return marshalIndent(s) }

func marshalIndent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "\t")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decoder decodes JSON objects field by field, so that errors name the
// field and unknown fields become warnings.
type decoder struct {
	errs  []error
	warns []Warning
}

func (d *decoder) errorf(entry int, field, sys, format string, a ...any) {
	d.errs = append(d.errs, &Error{Entry: entry, Field: field, Syscall: sys, Reason: fmt.Sprintf(format, a...)})
}

// object splits raw into its fields. Keys match known names as
// encoding/json matches them: exactly, else without regard to case. It
// reports unknown keys as warnings, and returns nil (after an error) when
// raw is not an object; null is an empty object.
func (d *decoder) object(raw json.RawMessage, entry int, where string, known []string) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		d.errorf(entry, where, "", "%s", jsonReason(err, raw))
		return nil
	}
	out := make(map[string]json.RawMessage, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name := ""
		for _, kn := range known {
			if k == kn {
				name = kn
				break
			}
		}
		if name == "" {
			for _, kn := range known {
				if strings.EqualFold(k, kn) {
					name = kn
					break
				}
			}
		}
		if name == "" {
			d.warns = append(d.warns, Warning{Kind: WarnUnknownField, Entry: entry, Field: join(where, k),
				Reason: fmt.Sprintf("unknown field %q ignored", k)})
			continue
		}
		if _, dup := out[name]; dup && k != name {
			continue // the exact spelling wins
		}
		out[name] = m[k]
	}
	return out
}

// field decodes field name of m into dst, if present.
func (d *decoder) field(m map[string]json.RawMessage, name string, dst any, entry int, where, sys string) bool {
	raw, ok := m[name]
	if !ok {
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		d.errorf(entry, join(where, name), sys, "%s", jsonReason(err, raw))
		return false
	}
	return true
}

func join(where, field string) string {
	if where == "" {
		return field
	}
	return where + "." + field
}

// jsonReason describes a decoding error without Go type names where it can.
func jsonReason(err error, raw []byte) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(raw, se.Offset)
		return fmt.Sprintf("malformed JSON at line %d, column %d: %v", line, col, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := te.Type.String()
		switch te.Type.Kind().String() {
		case "uint", "uint64", "uint32", "uint8":
			want = "an unsigned integer"
		case "string":
			want = "a string"
		case "slice":
			want = "an array"
		case "struct", "map":
			want = "an object"
		}
		if strings.HasPrefix(te.Value, "number ") {
			return fmt.Sprintf("got %s, want %s", te.Value, want)
		}
		return fmt.Sprintf("got %s %s, want %s", te.Value, strings.TrimSpace(shorten(raw)), want)
	}
	return err.Error()
}

func shorten(raw []byte) string {
	s := string(raw)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

var (
	headerFields = []string{"defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath", "listenerMetadata", "syscalls"}
	dockerFields = []string{"archMap"}
	entryFields  = []string{"names", "action", "errnoRet", "args"}
	dockerEntry  = []string{"name", "comment", "includes", "excludes"}
	argFields    = []string{"index", "value", "valueTwo", "op"}
	archMapField = []string{"architecture", "subArchitectures"}
	selFields    = []string{"caps", "arches", "minKernel"}
)

// parse decodes a profile, in Docker's format when docker is true (OCI's
// is a subset), else in OCI's.
func parse(data []byte, docker bool) (*Docker, []Warning, error) {
	dec := &decoder{}
	// A syntax error anywhere is reported once, with its position in the
	// whole document.
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, nil, &Error{Entry: -1, Reason: jsonReason(err, data)}
	}
	top := headerFields
	if docker {
		top = append(slices.Clone(headerFields), dockerFields...)
	}
	m := dec.object(data, -1, "", top)
	if m == nil {
		return nil, dec.warns, errors.Join(dec.errs...)
	}
	p := &Docker{}
	dec.field(m, "defaultAction", &p.DefaultAction, -1, "", "")
	dec.field(m, "defaultErrnoRet", &p.DefaultErrnoRet, -1, "", "")
	dec.field(m, "architectures", &p.Architectures, -1, "", "")
	dec.field(m, "flags", &p.Flags, -1, "", "")
	dec.field(m, "listenerPath", &p.ListenerPath, -1, "", "")
	dec.field(m, "listenerMetadata", &p.ListenerMetadata, -1, "", "")
	if docker {
		var maps []json.RawMessage
		dec.field(m, "archMap", &maps, -1, "", "")
		for i, raw := range maps {
			where := fmt.Sprintf("archMap[%d]", i)
			am := dec.object(raw, -1, where, archMapField)
			if am == nil {
				continue
			}
			var a ArchMap
			dec.field(am, "architecture", &a.Arch, -1, where, "")
			dec.field(am, "subArchitectures", &a.SubArches, -1, where, "")
			p.ArchMap = append(p.ArchMap, a)
		}
	}
	var entries []json.RawMessage
	dec.field(m, "syscalls", &entries, -1, "", "")
	fields := entryFields
	if docker {
		fields = append(slices.Clone(entryFields), dockerEntry...)
	}
	for i, raw := range entries {
		where := fmt.Sprintf("syscalls[%d]", i)
		var e DockerSyscall
		if string(raw) == "null" {
			dec.errorf(i, where, "", "null is not an entry")
			continue
		}
		em := dec.object(raw, i, where, fields)
		if em != nil {
			dec.field(em, "names", &e.Names, i, where, "")
			sys := ""
			if len(e.Names) > 0 {
				sys = e.Names[0]
			}
			if docker {
				if dec.field(em, "name", &e.Name, i, where, "") && sys == "" {
					sys = e.Name
				}
				dec.field(em, "comment", &e.Comment, i, where, sys)
				e.Includes = dec.selector(em, "includes", i, where, sys)
				e.Excludes = dec.selector(em, "excludes", i, where, sys)
			}
			dec.field(em, "action", &e.Action, i, where, sys)
			dec.field(em, "errnoRet", &e.ErrnoRet, i, where, sys)
			var args []json.RawMessage
			dec.field(em, "args", &args, i, where, sys)
			for j, raw := range args {
				aw := fmt.Sprintf("%s.args[%d]", where, j)
				if string(raw) == "null" {
					dec.errorf(i, aw, sys, "null is not a condition")
					continue
				}
				am := dec.object(raw, i, aw, argFields)
				if am == nil {
					continue
				}
				var a Arg
				dec.field(am, "index", &a.Index, i, aw, sys)
				dec.field(am, "value", &a.Value, i, aw, sys)
				dec.field(am, "valueTwo", &a.ValueTwo, i, aw, sys)
				dec.field(am, "op", &a.Op, i, aw, sys)
				e.Args = append(e.Args, a)
			}
		}
		p.Syscalls = append(p.Syscalls, e)
	}
	if len(dec.errs) > 0 {
		return nil, dec.warns, errors.Join(dec.errs...)
	}
	return p, dec.warns, nil
}

func (d *decoder) selector(m map[string]json.RawMessage, name string, entry int, where, sys string) *Selector {
	raw, ok := m[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	w := join(where, name)
	sm := d.object(raw, entry, w, selFields)
	if sm == nil {
		return nil
	}
	s := &Selector{}
	d.field(sm, "caps", &s.Caps, entry, w, sys)
	d.field(sm, "arches", &s.Arches, entry, w, sys)
	var kv string
	if d.field(sm, "minKernel", &kv, entry, w, sys) && kv != "" {
		v, err := ParseKernelVersion(kv)
		if err != nil {
			d.errorf(entry, join(w, "minKernel"), sys, "%v", err)
		} else {
			s.MinKernel = &v
		}
	}
	return s
}
