package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

	// where is the JSON path of the profile in the document it was read
	// from ("linux.seccomp" in a config.json), for messages.
	where string
	// from says where the entries are in the Docker profile (and so the
	// file) the profile was resolved from, for messages; nil when it was
	// not resolved (entry i is syscalls[i]).
	from *origin
}

// origin is where the parts of a profile Docker.Resolve made come from in
// the Docker profile, whose entries are numbered as in the file: Resolve
// drops the entries its includes and excludes leave out, folds name into
// names and Podman's errno into errnoRet, and messages must name the
// field the user wrote.
type origin struct {
	entries      []entryOrigin // one per entry of Syscalls
	defaultErrno bool          // DefaultErrnoRet is Podman's defaultErrno
}

// entryOrigin is where an entry of a resolved profile comes from.
type entryOrigin struct {
	index int  // its index in the Docker profile's syscalls
	name  bool // its one name is Docker's name, not names
	errno bool // its ErrnoRet is Podman's errno
}

// origin returns where entry i comes from: as resolved, or entry i itself
// when s was not resolved from a Docker profile, or its entries changed in
// number since.
func (s *Seccomp) origin(i int) entryOrigin {
	if s.from != nil && len(s.from.entries) == len(s.Syscalls) && i >= 0 && i < len(s.from.entries) {
		return s.from.entries[i]
	}
	return entryOrigin{index: i}
}

// entryIndex returns the index in the file of entry i (Error.Entry).
func (s *Seccomp) entryIndex(i int) int { return s.origin(i).index }

// entryField returns the JSON path of entry i, in the file: syscalls[N].
func (s *Seccomp) entryField(i int) string {
	var b [48]byte
	return string(s.appendEntryField(b[:0], i))
}

func (s *Seccomp) appendEntryField(b []byte, i int) []byte {
	b = append(b, "syscalls["...)
	b = strconv.AppendInt(b, int64(s.origin(i).index), 10)
	return append(b, ']')
}

// entryRef names entry i in a message's reason, with the path of the
// profile in its document, as locate gives the fields.
func (s *Seccomp) entryRef(i int) string { return join(s.where, s.entryField(i)) }

// nameField returns the JSON path of name k of entry i: names[k], or
// Docker's name.
func (s *Seccomp) nameField(i, k int) string {
	var buf [64]byte
	b := s.appendEntryField(buf[:0], i)
	if s.origin(i).name && len(s.Syscalls[i].Names) == 1 {
		return string(append(b, ".name"...))
	}
	b = append(b, ".names["...)
	b = strconv.AppendInt(b, int64(k), 10)
	return string(append(b, ']'))
}

// errnoField returns the field of entry i that holds its errno: errnoRet,
// or Podman's errno.
func (s *Seccomp) errnoField(i int) string {
	if s.origin(i).errno {
		return "errno"
	}
	return "errnoRet"
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
// in the file ("syscalls[3].args[1].op"; "linux.seccomp.syscalls[3]..." in
// a whole config.json); Entry is the index of the syscalls entry concerned
// in the file, or -1. For a profile Docker.Resolve made, both name the
// entry as the Docker profile has it, whatever entries before it includes
// and excludes left out, and name Docker's name and Podman's errno and
// defaultErrno where these gave the names and errnos (unless the entries
// were then added or removed: then Entry is the index in
// Seccomp.Syscalls).
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
	// WarnArchSkipped: an SCMP_ARCH_* name the filter does not cover: of
	// another byte order than the target's (libseccomp cannot mix them), or
	// without a syscall table here (riscv32).
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
	// and values (i386, arm, the other 32-bit ABIs, x32 and mips n32): the value's high half is lost there,
	// as under runc (arg <= 0x100000005 means arg <= 5).
	WarnValueWidth
	// WarnDuplicateField: a field given more than once in one object
	// ("defaultAction" twice, or in two spellings that differ only in
	// case). The last one counts, as in Go's encoding/json, which runc,
	// Docker and Podman read profiles with; a reviewer may read the first.
	WarnDuplicateField
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
	case WarnDuplicateField:
		return "duplicate field"
	}
	return fmt.Sprintf("WarningKind(%d)", int(k))
}

// Warning is something in a profile that was skipped or has no effect.
// Nothing is silently lost: every skipped name and arch has a warning.
type Warning struct {
	Kind    WarningKind
	Entry   int    // index of the syscalls entry in the file, or -1, as in Error
	Field   string // JSON path in the file, as in Error
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
//
// Like Parse, it reads a whole OCI runtime config (config.json) as the
// profile under linux.seccomp.
func ParseOCI(data []byte) (*Seccomp, []Warning, error) {
	d, warns, errs := parse(data, false)
	if len(errs) > 0 {
		return nil, warns, errors.Join(errs...)
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

// locate prefixes the fields of the *Error values in err with where, the
// JSON path of the profile in its document ("linux.seccomp" in a whole
// config.json), so that they name the field in the file.
func locate(where string, err error) error {
	if where == "" || err == nil {
		return err
	}
	for _, e := range unjoin(err) {
		var pe *Error
		if errors.As(e, &pe) {
			pe.Field = locateField(where, pe.Field)
		}
	}
	return err
}

// locateWarnings prefixes the fields of warnings with where, as locate.
func locateWarnings(where string, warns []Warning) []Warning {
	if where == "" {
		return warns
	}
	for i := range warns {
		if warns[i].Field != where && !strings.HasPrefix(warns[i].Field, where+".") {
			warns[i].Field = locateField(where, warns[i].Field)
		}
	}
	return warns
}

// locateField returns the path of field in the document, the profile
// being at where: where itself for the whole profile ("").
func locateField(where, field string) string {
	if field == "" {
		return where
	}
	return join(where, field)
}
