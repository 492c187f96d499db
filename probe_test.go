package seccomp

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

// probeUnsupported is an error that matches errors.ErrUnsupported.
type probeUnsupported string

func (e probeUnsupported) Error() string        { return string(e) }
func (e probeUnsupported) Is(target error) bool { return target == errors.ErrUnsupported }

// probeReport builds a report of a kernel that supports everything.
func probeReport() *Features {
	f := &Features{
		Kernel:         "6.18.44-fc-v782",
		SeccompSyscall: true,
		Filter:         true,
		NotifSizes:     &NotifSizes{Notif: 80, Resp: 24, Data: 64},
		ActionsLogged:  []string{"kill_process", "kill_thread", "trap", "errno", "user_notif", "trace", "log"},
	}
	for _, n := range actionNames {
		f.Actions = append(f.Actions, ActionSupport{Action: n.action, Name: n.name, Available: true})
	}
	for _, fl := range AllFilterFlags() {
		f.Flags = append(f.Flags, FlagSupport{Flag: fl, Supported: true})
	}
	return f
}

func TestProbeFeaturesString(t *testing.T) {
	f := probeReport()
	assert.Equal(t, `kernel            6.18.44-fc-v782
seccomp(2)        yes
filter mode       yes
actions           kill_process kill_thread trap errno user_notif trace log allow
flags             TSYNC LOG SPEC_ALLOW NEW_LISTENER TSYNC_ESRCH WAIT_KILLABLE_RECV
notif sizes       seccomp_notif 80, seccomp_notif_resp 24, seccomp_data 64
actions_logged    kill_process kill_thread trap errno user_notif trace log
this thread       no_new_privs 0, seccomp mode 0, filters 0
`, f.String())

	// An older kernel, and a thread under two filters.
	noOp := probeUnsupported("seccomp: this kernel has no SECCOMP_GET_NOTIF_SIZES (added in Linux 5.0 with user notification)")
	f = probeReport()
	f.Kernel = "4.19.0"
	for i := range f.Actions {
		f.Actions[i].Available = f.Actions[i].Action != ActUserNotif
	}
	for i := range f.Flags {
		f.Flags[i].Supported = f.Flags[i].Flag <= FlagSpecAllow
	}
	f.NotifSizes, f.NotifSizesErr = nil, noOp
	f.ActionsLogged = []string{}
	f.NoNewPrivs, f.Mode, f.Filters = true, 2, -1
	assert.Equal(t, `kernel            4.19.0
seccomp(2)        yes
filter mode       yes
actions           kill_process kill_thread trap errno trace log allow  (unavailable: user_notif)
flags             TSYNC LOG SPEC_ALLOW  (unsupported: NEW_LISTENER TSYNC_ESRCH WAIT_KILLABLE_RECV)
notif sizes       unsupported: this kernel has no SECCOMP_GET_NOTIF_SIZES (added in Linux 5.0 with user notification)
actions_logged    none
this thread       no_new_privs 1, seccomp mode 2, filters unknown
`, f.String())

	// seccomp(2) denied by a filter, filter mode known from prctl.
	denied := errors.New("seccomp: seccomp(2) is denied by a filter already installed: seccomp(...): EPERM (operation not permitted)")
	f = probeReport()
	f.SeccompSyscall, f.SeccompErr = false, denied
	for i := range f.Actions {
		f.Actions[i].Available, f.Actions[i].Err = false, denied
	}
	for i := range f.Flags {
		f.Flags[i].Supported, f.Flags[i].Err = false, denied
	}
	f.NotifSizes, f.NotifSizesErr = nil, denied
	f.ActionsLogged = nil
	f.NoNewPrivs, f.Mode, f.Filters = true, 2, 1
	const why = "seccomp(2) is denied by a filter already installed: seccomp(...): EPERM (operation not permitted)"
	assert.Equal(t, `kernel            6.18.44-fc-v782
seccomp(2)        unknown: `+why+`
filter mode       yes
actions           unknown: `+why+`
flags             unknown: `+why+`
notif sizes       unknown: `+why+`
actions_logged    unknown (unreadable)
this thread       no_new_privs 1, seccomp mode 2, filters 1
`, f.String())

	// Only some questions unanswered; no seccomp(2) at all; nothing known.
	f = probeReport()
	f.Flags[0].Supported, f.Flags[0].Err = false, denied
	f.Actions[6].Available = false
	assert.Contains(t, f.String(), "\nflags             LOG SPEC_ALLOW NEW_LISTENER TSYNC_ESRCH WAIT_KILLABLE_RECV  (unknown: TSYNC: "+why+")\n")
	assert.Contains(t, f.String(), "\nactions           kill_process kill_thread trap errno user_notif trace allow  (unavailable: log)\n")
	f.SeccompSyscall, f.SeccompErr = false, probeUnsupported("seccomp: this kernel has no seccomp(2)")
	f.Filter, f.FilterErr = false, nil
	assert.Contains(t, f.String(), "\nseccomp(2)        no: this kernel has no seccomp(2)\nfilter mode       no\n")
	f.Filter, f.FilterErr = false, denied
	assert.Contains(t, f.String(), "\nfilter mode       unknown: "+why+"\n")
	f = &Features{Mode: -1, Filters: -1}
	assert.Contains(t, f.String(), "\nactions           none\nflags             none\n")
	assert.Contains(t, f.String(), "\nthis thread       no_new_privs 0, seccomp mode unknown, filters unknown\n")
}
