package seccomp

import (
	"errors"
	"fmt"
	"strings"
)

// NotifSizes are the sizes of the user-notification structures in the
// running kernel (SECCOMP_GET_NOTIF_SIZES). A supervisor must use buffers at
// least this large: a later kernel may grow the structures.
type NotifSizes struct {
	Notif uint16 // struct seccomp_notif: 80 bytes on current kernels
	Resp  uint16 // struct seccomp_notif_resp: 24
	Data  uint16 // struct seccomp_data: 64
}

// ActionSupport is the kernel's answer about one action.
type ActionSupport struct {
	Action    Action // the action, with data 0
	Name      string // its kernel name, as actions_avail spells it: "kill_process"
	Available bool   // the kernel knows the action
	// Err is why the kernel gave no answer; Available is then false. It
	// wraps errors.ErrUnsupported when this kernel cannot be asked (it has
	// no seccomp(2), or no SECCOMP_GET_ACTION_AVAIL before Linux 4.14);
	// otherwise something denied the question (see ActionAvailable).
	Err error
}

// FlagSupport is the kernel's answer about one filter flag.
type FlagSupport struct {
	Flag      FilterFlag
	Supported bool // the kernel knows the flag
	// Err is why the kernel gave no answer; Supported is then false. It
	// wraps errors.ErrUnsupported when the kernel has no seccomp(2) (no
	// flags can be passed then); otherwise something denied the question
	// (see FlagSupported).
	Err error
}

// Features says what the running kernel supports, and the seccomp state of
// the calling thread. Every answer comes from asking the kernel (see
// ProbeFeatures); none is inferred from the kernel's version.
type Features struct {
	// Kernel is the release (uname -r), for information only.
	Kernel string

	// SeccompSyscall reports whether seccomp(2) exists and answered. When
	// it is false, SeccompErr says why: an error wrapping
	// errors.ErrUnsupported (and ENOSYS) when the kernel has no seccomp(2),
	// in which case filters can only be installed with
	// prctl(PR_SET_SECCOMP), without flags; otherwise the errno of whatever
	// denied the call, typically a filter already installed.
	SeccompSyscall bool
	SeccompErr     error

	// Filter reports whether filter mode is available. FilterErr is set
	// when neither seccomp(2) nor prctl(PR_SET_SECCOMP) answered.
	Filter    bool
	FilterErr error

	// Actions has one entry per action, most restrictive first (the order
	// of AllActions and of actions_avail).
	Actions []ActionSupport

	// Flags has one entry per filter flag, lowest bit first (the order of
	// AllFilterFlags).
	Flags []FlagSupport

	// NotifSizes is nil when the kernel gave no sizes; NotifSizesErr then
	// says why (it wraps errors.ErrUnsupported for a kernel without user
	// notification, before Linux 5.0).
	NotifSizes    *NotifSizes
	NotifSizesErr error

	// ActionsLogged lists /proc/sys/kernel/seccomp/actions_logged: the
	// actions that may be logged. It is nil when the file is unreadable.
	ActionsLogged []string

	// The calling thread's state: NoNewPrivs (PR_GET_NO_NEW_PRIVS), Mode
	// (PR_GET_SECCOMP: 0 disabled, 1 strict, 2 filter; -1 unknown) and
	// Filters (Seccomp_filters of /proc/<pid>/task/<tid>/status: the number
	// of filters on the thread, -1 if the kernel does not say, before
	// Linux 5.9).
	NoNewPrivs bool
	Mode       int
	Filters    int
}

// String renders the report as aligned lines, one per subject, in a fixed
// order:
//
//	kernel            6.18.44
//	seccomp(2)        yes
//	filter mode       yes
//	actions           kill_process kill_thread trap errno user_notif trace log allow
//	flags             TSYNC LOG SPEC_ALLOW NEW_LISTENER TSYNC_ESRCH WAIT_KILLABLE_RECV
//	notif sizes       seccomp_notif 80, seccomp_notif_resp 24, seccomp_data 64
//	actions_logged    kill_process kill_thread trap errno user_notif trace log
//	this thread       no_new_privs 0, seccomp mode 0, filters 0
//
// Actions and flags the kernel does not know follow in parentheses
// ("(unavailable: log)"); a question the kernel did not answer is
// "unknown: " and the reason.
func (f *Features) String() string {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%-18s%s\n", label, value) }
	line("kernel", f.Kernel)
	switch {
	case f.SeccompSyscall:
		line("seccomp(2)", "yes")
	case f.SeccompErr == nil || errors.Is(f.SeccompErr, errors.ErrUnsupported):
		line("seccomp(2)", "no"+probeReason(f.SeccompErr, ": "))
	default:
		line("seccomp(2)", "unknown"+probeReason(f.SeccompErr, ": "))
	}
	switch {
	case f.Filter:
		line("filter mode", "yes")
	case f.FilterErr == nil:
		line("filter mode", "no")
	default:
		line("filter mode", "unknown"+probeReason(f.FilterErr, ": "))
	}
	var actions []probeItem
	for _, a := range f.Actions {
		actions = append(actions, probeItem{a.Name, a.Available, a.Err})
	}
	line("actions", probeItems(actions, "unavailable"))
	var flags []probeItem
	for _, fl := range f.Flags {
		flags = append(flags, probeItem{fl.Flag.String(), fl.Supported, fl.Err})
	}
	line("flags", probeItems(flags, "unsupported"))
	switch s := f.NotifSizes; {
	case s != nil:
		line("notif sizes", fmt.Sprintf("seccomp_notif %d, seccomp_notif_resp %d, seccomp_data %d", s.Notif, s.Resp, s.Data))
	case f.NotifSizesErr == nil || errors.Is(f.NotifSizesErr, errors.ErrUnsupported):
		line("notif sizes", "unsupported"+probeReason(f.NotifSizesErr, ": "))
	default:
		line("notif sizes", "unknown"+probeReason(f.NotifSizesErr, ": "))
	}
	switch {
	case f.ActionsLogged == nil:
		line("actions_logged", "unknown (unreadable)")
	case len(f.ActionsLogged) == 0:
		line("actions_logged", "none")
	default:
		line("actions_logged", strings.Join(f.ActionsLogged, " "))
	}
	nnp := 0
	if f.NoNewPrivs {
		nnp = 1
	}
	mode, filters := "unknown", "unknown"
	if f.Mode >= 0 {
		mode = fmt.Sprint(f.Mode)
	}
	if f.Filters >= 0 {
		filters = fmt.Sprint(f.Filters)
	}
	line("this thread", fmt.Sprintf("no_new_privs %d, seccomp mode %s, filters %s", nnp, mode, filters))
	return b.String()
}

// probeReason returns sep and err's message without the package prefix, or
// "" for a nil err.
func probeReason(err error, sep string) string {
	if err == nil {
		return ""
	}
	return sep + strings.TrimPrefix(err.Error(), "seccomp: ")
}

type probeItem struct {
	name string
	yes  bool
	err  error
}

// probeItems renders the names of the items the kernel knows, then those it
// does not know ("(no: a b)", with no the word for it), then those it gave
// no answer about, grouped by reason.
func probeItems(items []probeItem, no string) string {
	var yes, not []string
	var reasons []string
	unknown := map[string][]string{}
	for _, it := range items {
		switch {
		case it.err != nil:
			r := probeReason(it.err, "")
			if unknown[r] == nil {
				reasons = append(reasons, r)
			}
			unknown[r] = append(unknown[r], it.name)
		case it.yes:
			yes = append(yes, it.name)
		default:
			not = append(not, it.name)
		}
	}
	if len(reasons) == 1 && len(unknown[reasons[0]]) == len(items) {
		return "unknown: " + reasons[0]
	}
	parts := []string{"none"}
	if len(yes) > 0 {
		parts[0] = strings.Join(yes, " ")
	}
	if len(not) > 0 {
		parts = append(parts, "("+no+": "+strings.Join(not, " ")+")")
	}
	for _, r := range reasons {
		parts = append(parts, "(unknown: "+strings.Join(unknown[r], " ")+": "+r+")")
	}
	return strings.Join(parts, "  ")
}
