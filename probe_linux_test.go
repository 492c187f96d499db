package seccomp_test

// Tests of the probes against the kernel running them. The probes install
// nothing, so they run in the test process itself (TestProbeInstallsNothing
// checks that); the answers are compared with what the kernel says
// elsewhere (/proc/sys/kernel/seccomp/actions_avail). The case of a process
// already under a filter that denies seccomp(2) runs in a child process
// (TestProbeUnderFilter), which installs such a filter on itself.

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/childcase"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// probeActions are the kernel's actions and their names, written out here
// rather than taken from the package.
var probeActions = []struct {
	value uint32
	name  string
}{
	{0x80000000, "kill_process"},
	{0x00000000, "kill_thread"},
	{0x00030000, "trap"},
	{0x00050000, "errno"},
	{0x7fc00000, "user_notif"},
	{0x7ff00000, "trace"},
	{0x7ffc0000, "log"},
	{0x7fff0000, "allow"},
}

// probeActionsAvail reads /proc/sys/kernel/seccomp/actions_avail, or skips.
func probeActionsAvail(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/kernel/seccomp/actions_avail")
	if err != nil {
		kernelskip.Skip(t, "no /proc/sys/kernel/seccomp/actions_avail: ", err)
	}
	return strings.Fields(string(b))
}

// probeKernelAtLeast reports whether the running kernel's release is at
// least v ("5.19"). Only the tests use the version: to know which answers
// must be yes (features are never removed; a backport may add one earlier).
func probeKernelAtLeast(t *testing.T, v string) bool {
	t.Helper()
	var u unix.Utsname
	require.NoError(t, unix.Uname(&u))
	parse := func(s string) (int, int) {
		major, rest, _ := strings.Cut(s, ".")
		minor := strings.TrimLeftFunc(rest, func(r rune) bool { return r >= '0' && r <= '9' })
		minor = rest[:len(rest)-len(minor)]
		a, _ := strconv.Atoi(major)
		b, _ := strconv.Atoi(minor)
		return a, b
	}
	ka, kb := parse(unix.ByteSliceToString(u.Release[:]))
	va, vb := parse(v)
	return ka > va || ka == va && kb >= vb
}

func TestProbeActionAvailable(t *testing.T) {
	avail := probeActionsAvail(t)
	for _, a := range probeActions {
		ok, err := seccomp.ActionAvailable(seccomp.Action(a.value))
		require.NoError(t, err, a.name)
		assert.Equal(t, slices.Contains(avail, a.name), ok, "%s: ActionAvailable and actions_avail disagree", a.name)
		// The data part is ignored.
		ok2, err := seccomp.ActionAvailable(seccomp.Action(a.value | 0x1234))
		require.NoError(t, err, a.name)
		assert.Equal(t, ok, ok2, "%s with data", a.name)
	}
	for _, v := range []uint32{0x10000000, 0xaaaa0000, 0x7ffe0000, 0xffff0000} {
		ok, err := seccomp.ActionAvailable(seccomp.Action(v))
		assert.NoError(t, err, "%#x", v)
		assert.False(t, ok, "%#x is no action", v)
	}
	// The package's names and order are the kernel's.
	f, err := seccomp.ProbeFeatures()
	require.NoError(t, err)
	var names []string
	for i, a := range f.Actions {
		assert.Equal(t, probeActions[i].value, uint32(a.Action), a.Name)
		if a.Available {
			names = append(names, a.Name)
		}
	}
	assert.Equal(t, avail, names, "the available actions, in the kernel's order")
}

func TestProbeFlagSupported(t *testing.T) {
	for _, f := range seccomp.AllFilterFlags() {
		ok, err := seccomp.FlagSupported(f)
		require.NoError(t, err, f.String())
		if probeKernelAtLeast(t, f.Since()) {
			assert.True(t, ok, "%v (since %s) on this kernel", f, f.Since())
		}
		t.Logf("%-18v %v", f, ok)
	}
	// Bits the kernel does not define.
	bits := []seccomp.FilterFlag{1 << 6, 1 << 12, 1 << 31}
	if big := uint64(1) << 40; uint64(seccomp.FilterFlag(big)) == big {
		// Above the kernel's 32-bit flags, where a FilterFlag has room.
		bits = append(bits, seccomp.FilterFlag(big), seccomp.FilterFlag(big>>8))
	}
	for _, f := range bits {
		ok, err := seccomp.FlagSupported(f)
		assert.False(t, ok, "%v", f)
		assert.NoError(t, err, "%v", f)
	}
	// Not a single flag.
	for _, f := range []seccomp.FilterFlag{0, seccomp.FlagTSync | seccomp.FlagLog} {
		_, err := seccomp.FlagSupported(f)
		assert.Error(t, err, "%v", f)
	}
}

func TestProbeNotifSizes(t *testing.T) {
	s, err := seccomp.GetNotifSizes()
	if errors.Is(err, errors.ErrUnsupported) {
		require.False(t, probeKernelAtLeast(t, "5.0"), "GetNotifSizes: %v", err)
		kernelskip.Skip(t, err)
	}
	require.NoError(t, err)
	assert.Equal(t, seccomp.NotifSizes{Notif: 80, Resp: 24, Data: 64}, s)
}

// probeThreads returns Seccomp and Seccomp_filters of every thread of the
// process.
func probeThreads(t *testing.T) map[string]string {
	t.Helper()
	dirs, err := filepath.Glob("/proc/self/task/*/status")
	require.NoError(t, err)
	m := map[string]string{}
	for _, d := range dirs {
		b, err := os.ReadFile(d)
		if err != nil {
			continue // the thread is gone
		}
		var mode, filters string
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Seccomp:"); ok {
				mode = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "Seccomp_filters:"); ok {
				filters = strings.TrimSpace(v)
			}
		}
		m[mode+"/"+filters] = d
	}
	return m
}

func probeFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(ents)
}

// The probes change nothing: no filter on any thread, not even on the one
// they ran on, and no listener file descriptor.
func TestProbeInstallsNothing(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	mode := func() int {
		r, _, e := unix.RawSyscall(unix.SYS_PRCTL, unix.PR_GET_SECCOMP, 0, 0)
		require.Zero(t, e)
		return int(r)
	}
	modeBefore, threadsBefore, fdsBefore := mode(), probeThreads(t), probeFds(t)
	for range 3 {
		_, err := seccomp.ProbeFeatures()
		require.NoError(t, err)
		for _, f := range seccomp.AllFilterFlags() {
			_, err := seccomp.FlagSupported(f)
			require.NoError(t, err)
		}
		for _, a := range seccomp.AllActions() {
			_, err := seccomp.ActionAvailable(a)
			require.NoError(t, err)
		}
		_, err = seccomp.GetNotifSizes()
		if !errors.Is(err, errors.ErrUnsupported) {
			require.NoError(t, err)
		}
	}
	assert.Equal(t, modeBefore, mode(), "PR_GET_SECCOMP of the probing thread")
	assert.Equal(t, threadsBefore, probeThreads(t), "Seccomp/Seccomp_filters of the threads")
	assert.Equal(t, fdsBefore, probeFds(t), "open file descriptors")
	if _, ok := threadsBefore["0/0"]; ok && len(threadsBefore) == 1 {
		t.Log("no thread has a filter, before and after")
	}
}

// ProbeFeatures agrees with the other sources.
func TestProbeFeatures(t *testing.T) {
	f, err := seccomp.ProbeFeatures()
	require.NoError(t, err)
	t.Logf("\n%s", f)

	var u unix.Utsname
	require.NoError(t, unix.Uname(&u))
	assert.Equal(t, unix.ByteSliceToString(u.Release[:]), f.Kernel)

	assert.True(t, f.SeccompSyscall)
	assert.NoError(t, f.SeccompErr)
	assert.True(t, f.Filter)
	assert.NoError(t, f.FilterErr)

	require.Len(t, f.Actions, 8)
	avail := probeActionsAvail(t)
	for i, a := range f.Actions {
		assert.Equal(t, probeActions[i].name, a.Name)
		assert.NoError(t, a.Err, a.Name)
		assert.Equal(t, slices.Contains(avail, a.Name), a.Available, a.Name)
	}
	require.Len(t, f.Flags, 6)
	for i, fl := range f.Flags {
		assert.Equal(t, seccomp.FilterFlag(1)<<i, fl.Flag)
		assert.NoError(t, fl.Err, fl.Flag.String())
		ok, err := seccomp.FlagSupported(fl.Flag)
		require.NoError(t, err)
		assert.Equal(t, ok, fl.Supported, fl.Flag.String())
	}
	if probeKernelAtLeast(t, "5.0") {
		require.NotNil(t, f.NotifSizes, "%v", f.NotifSizesErr)
		assert.Equal(t, seccomp.NotifSizes{Notif: 80, Resp: 24, Data: 64}, *f.NotifSizes)
	}

	if b, err := os.ReadFile("/proc/sys/kernel/seccomp/actions_logged"); err == nil {
		assert.Equal(t, strings.Fields(string(b)), f.ActionsLogged)
	}
	// The thread's state: the same on every thread of the test process.
	threads := probeThreads(t)
	require.Len(t, threads, 1, "threads differ in seccomp state: %v", threads)
	for state := range threads {
		mode, filters, _ := strings.Cut(state, "/")
		assert.Equal(t, mode, strconv.Itoa(f.Mode))
		if filters == "" {
			filters = "-1"
		}
		assert.Equal(t, filters, strconv.Itoa(f.Filters))
	}
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	assert.Contains(t, string(b), "\nNoNewPrivs:\t"+map[bool]string{false: "0", true: "1"}[f.NoNewPrivs]+"\n")

	s := f.String()
	for _, want := range []string{
		"kernel            " + f.Kernel + "\n",
		"seccomp(2)        yes\n",
		"filter mode       yes\n",
		"actions           " + strings.Join(avail, " ") + "\n",
	} {
		assert.Contains(t, s, want)
	}
}

// probeCases are the scenarios of TestProbeUnderFilter, each run in a
// child process (see internal/childcase).
var probeCases = childcase.New("SECCOMP_PROBE_TEST_CHILD")

// TestProbeHelper runs a scenario in a child process; it does nothing in a
// normal run.
func TestProbeHelper(t *testing.T) { probeCases.Helper(t) }

func init() {
	for _, sc := range []string{"eperm", "enosys", "prctl", "tsync"} {
		probeCases.AddTest(sc, func(t *testing.T) { probeChild(t, sc) })
	}
}

// A process already under a filter that denies seccomp(2) gets the
// filter's errno from the probes: they must say so, not that the kernel
// lacks something. Each scenario runs in a child process, which installs
// the filter on all its threads and checks the probes there.
func TestProbeUnderFilter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, sc := range []string{"eperm", "enosys", "prctl", "tsync"} {
		t.Run(sc, func(t *testing.T) {
			out := probeCases.RunTest(t, "TestProbeHelper", sc, "GORACE=atexit_sleep_ms=0")
			t.Logf("child output:\n%s", out)
		})
	}
}

// probeChild installs the scenario's filter on every thread of this (child)
// process, and checks what the probes say under it.
func probeChild(t *testing.T, scenario string) {
	const (
		allow  = 0x7fff0000
		errno  = 0x00050000
		nrOff  = 0
		argOff = 16 // seccomp_data.args[0]
	)
	// The low half of a 64-bit argument.
	low := uint32(0)
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		low = 4 // big-endian
	}
	deny := func(e unix.Errno) bpf.Instruction { return bpf.RetConstant{Val: errno | uint32(e)} }
	var prog []bpf.Instruction
	var want unix.Errno
	switch scenario {
	case "eperm", "enosys":
		want = unix.EPERM
		if scenario == "enosys" {
			want = unix.ENOSYS
		}
		prog = []bpf.Instruction{
			bpf.LoadAbsolute{Off: nrOff, Size: 4},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_SECCOMP, SkipFalse: 1},
			deny(want),
			bpf.RetConstant{Val: allow},
		}
	case "prctl": // seccomp(2) and prctl(PR_SET_SECCOMP) denied
		want = unix.EPERM
		prog = []bpf.Instruction{
			bpf.LoadAbsolute{Off: nrOff, Size: 4},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_SECCOMP, SkipTrue: 3},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_PRCTL, SkipFalse: 3},
			bpf.LoadAbsolute{Off: argOff + low, Size: 4},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.PR_SET_SECCOMP, SkipFalse: 1},
			deny(want),
			bpf.RetConstant{Val: allow},
		}
	case "tsync": // seccomp(2) denied when its flags are exactly TSYNC
		want = unix.EACCES
		prog = []bpf.Instruction{
			bpf.LoadAbsolute{Off: nrOff, Size: 4},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.SYS_SECCOMP, SkipFalse: 3},
			bpf.LoadAbsolute{Off: argOff + 8 + low, Size: 4},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(seccomp.FlagTSync), SkipFalse: 1},
			deny(want),
			bpf.RetConstant{Val: allow},
		}
	default:
		t.Fatalf("unknown scenario %q", scenario)
	}
	probeInstall(t, prog)

	f, err := seccomp.ProbeFeatures()
	require.NotNil(t, f)
	t.Logf("ProbeFeatures under the %q filter:\n%s\nerror: %v", scenario, f, err)
	require.Error(t, err)
	assert.ErrorIs(t, err, want)
	assert.NotErrorIs(t, err, errors.ErrUnsupported, "a denial is no lack of support")
	var got unix.Errno
	assert.True(t, errors.As(err, &got) && got == want, "errors.As: %v", got)
	assert.Contains(t, err.Error(), "seccomp(2) is denied by a filter already installed")
	assert.Equal(t, 2, f.Mode)
	assert.Equal(t, 1, f.Filters)
	assert.True(t, f.NoNewPrivs)
	assert.True(t, f.Filter, "filter mode: this thread is in it")
	assert.NoError(t, f.FilterErr)

	denied := func(what string, err error) {
		t.Helper()
		assert.ErrorIs(t, err, want, what)
		assert.NotErrorIs(t, err, errors.ErrUnsupported, what)
		if err != nil {
			assert.Contains(t, err.Error(), "seccomp(2) is denied by a filter already installed", what)
		}
	}
	if scenario == "tsync" {
		// Only the question about TSYNC is denied.
		assert.True(t, f.SeccompSyscall)
		for _, a := range f.Actions {
			assert.NoError(t, a.Err, a.Name)
		}
		for _, fl := range f.Flags {
			if fl.Flag == seccomp.FlagTSync {
				assert.False(t, fl.Supported)
				denied("TSYNC", fl.Err)
			} else {
				assert.True(t, fl.Supported, fl.Flag.String())
				assert.NoError(t, fl.Err, fl.Flag.String())
			}
		}
		assert.NotNil(t, f.NotifSizes)
		ok, err := seccomp.FlagSupported(seccomp.FlagTSync)
		assert.False(t, ok)
		denied("FlagSupported(TSYNC)", err)
		assert.Contains(t, f.String(), "  (unknown: TSYNC: seccomp(2) is denied by a filter already installed")
		return
	}
	assert.False(t, f.SeccompSyscall)
	denied("SeccompErr", f.SeccompErr)
	require.Len(t, f.Actions, 8)
	for _, a := range f.Actions {
		assert.False(t, a.Available, a.Name)
		denied(a.Name, a.Err)
	}
	require.Len(t, f.Flags, 6)
	for _, fl := range f.Flags {
		assert.False(t, fl.Supported, fl.Flag.String())
		denied(fl.Flag.String(), fl.Err)
	}
	assert.Nil(t, f.NotifSizes)
	denied("NotifSizesErr", f.NotifSizesErr)
	s := f.String()
	assert.Contains(t, s, "\nseccomp(2)        unknown: seccomp(2) is denied by a filter already installed")
	assert.Contains(t, s, "\nactions           unknown: seccomp(2) is denied by a filter already installed")
	assert.Contains(t, s, "\nfilter mode       yes\n")
	assert.Contains(t, s, "\nthis thread       no_new_privs 1, seccomp mode 2, filters 1\n")

	ok, err := seccomp.ActionAvailable(seccomp.ActAllow)
	assert.False(t, ok)
	denied("ActionAvailable", err)
	ok, err = seccomp.FlagSupported(seccomp.FlagLog)
	assert.False(t, ok)
	denied("FlagSupported", err)
	_, err = seccomp.GetNotifSizes()
	denied("GetNotifSizes", err)
}

// probeInstall sets no_new_privs and installs prog on every thread of the
// process (TSYNC), with raw system calls: independent of the package.
func probeInstall(t *testing.T, prog []bpf.Instruction) {
	raw, err := bpf.Assemble(prog)
	require.NoError(t, err)
	filter := make([]unix.SockFilter, len(raw))
	for i, in := range raw {
		filter[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	fprog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		kernelskip.Skip(t, "prctl(PR_SET_NO_NEW_PRIVS): ", err)
	}
	r, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog)))
	runtime.KeepAlive(filter)
	if e == unix.ENOSYS || e == unix.EINVAL {
		kernelskip.Skip(t, "cannot install a filter: ", e)
	}
	require.Zero(t, e, "seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): %v", e)
	require.Zero(t, r, "seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): thread %d could not be synchronised", r)
}
