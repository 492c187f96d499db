package seccomp

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// GoRuntimeOptions say which Go runtime GoRuntime allows for.
type GoRuntimeOptions struct {
	// Cgo is for a program that links the C library: built with cgo
	// (CGO_ENABLED=1, the default where a C compiler is found) and using a
	// package with C code (net's resolver, os/user, or the program's own).
	// Threads are then made by the C library's pthread_create, with calls
	// of its own (clone3, rseq, set_robust_list, mprotect, munmap), and
	// futex with the C library's operations.
	//
	// glibc's malloc also counts the CPUs the first time threads contend
	// for its arenas, which may happen after the sandbox: it opens and
	// reads /sys/devices/system/cpu/online (openat, read, close). GoRuntime
	// leaves openat to the program, which usually opens files of its own.
	// A program that does not, and whose default action kills, answers
	// openat with an errno: glibc then counts the CPUs with
	// sched_getaffinity, which GoRuntime allows.
	Cgo bool
	// Race is for a program built with -race (which implies Cgo): the race
	// detector's runtime makes calls of its own (openat, read and close of
	// /proc files). GoRuntime refuses it for an arch Go has no race
	// detector on (386, arm).
	Race bool
}

// GoRuntime returns the rules that allow what the Go runtime calls behind
// a program's back on arch a (nil: the arch this program runs on), for a
// Go program that sandboxes itself once running: add them to a Filter
// with its default action denying the rest, with the calls the program
// makes itself, and install it.
//
//	f := seccomp.NewFilter(seccomp.ActKillProcess)
//	rt, err := seccomp.GoRuntime(nil, nil)
//	f.Add(rt...)
//	f.AddSyscalls(seccomp.ActAllow, "accept4", "read", "write", "close") // the program's own
//
// opts nil means this program's own build: Cgo when it was built with cgo
// enabled, Race with -race (where a has a race detector). The rules allow, on arch a only (Rule.Arch):
//
//   - threads: clone with the runtime's thread flags only (VM, FS, FILES,
//     SIGHAND, SYSVSEM, THREAD, and SETTLS on amd64: runtime/os_linux.go's
//     cloneFlags), gettid, sigaltstack, rt_sigprocmask, set_thread_area
//     on 386, exit when a thread ends (a goroutine that exits locked to
//     its thread); with Cgo, clone with glibc's pthread flags too, and
//     clone3 answered with ERRNO(ENOSYS) (the arch's) rather than allowed: its flags
//     are in memory, where no filter can look, and the C library then
//     falls back to clone (so a program that must allow clone3 leaves
//     GoRuntime's clone3 rule out);
//   - memory: mmap (mmap2) and, with Cgo, mprotect, without PROT_EXEC;
//     munmap; madvise with the advice the runtime gives (DONTNEED, FREE,
//     HUGEPAGE, NOHUGEPAGE, COLLAPSE; any with Race); prctl only to name
//     anonymous mappings (PR_SET_VMA, PR_SET_VMA_ANON_NAME: Go 1.25 and
//     later, on kernels that have it);
//   - scheduling: futex (FUTEX_WAIT_PRIVATE and FUTEX_WAKE_PRIVATE only,
//     unless Cgo or Race), sched_yield, nanosleep, and since Go 1.25 the
//     check of the CPU limit every second, sched_getaffinity of the
//     process itself and pread64 of its cgroup's cpu.max (a program that
//     sets GOMAXPROCS, or runs with GODEBUG=updatemaxprocs=0, stops them);
//   - signals: rt_sigaction, rt_sigreturn, and the preemption signal
//     SIGURG sent to its own threads (getpid, tgkill with SIGURG only);
//   - the network poller: epoll_create1, eventfd2 (it may start after the
//     sandbox), epoll_ctl, epoll_pwait (epoll_pwait2 nowhere), read and
//     write (of its eventfd);
//   - time: clock_gettime (gettimeofday on riscv64), which the vDSO
//     answers unless the clocksource has no vDSO support;
//   - exit_group.
//
// What the program calls itself is its own to allow: the files and
// sockets it opens, reads and writes (read and write are allowed
// whatever the descriptor: the poller needs them), close, os/exec's
// calls and the programs it runs, signals it sends (kill), CPU profiling
// (setitimer, timer_create).
//
// The list was derived by recording programs that exercise the runtime
// (goroutines, the garbage collector under memory pressure, large
// allocations, timers, the network poller on sockets and pipes, signals,
// preemption, threads locked and ended, os/exec, an idle program) after
// they sandboxed themselves, on x86_64, without cgo, with cgo and with
// -race, with the Go releases GoRuntimeRecorded lists; the generator is
// internal/cmd/mkgoruntime, the recording goruntime_table.go. The other
// arches (aarch64, i386, arm, riscv64) get the same calls, translated with
// the system calls their runtime's sources name: derived, not recorded.
// Any other arch is an error: those without a Go port (x32, mips64n32,
// s390, ...) and, for now, the Go ports loong64, mips, mips64, ppc64 and
// s390x and their little-endian variants.
func GoRuntime(a *Arch, opts *GoRuntimeOptions) ([]Rule, error) {
	a, o, err := goRuntimeSetup(a, opts)
	if err != nil {
		return nil, err
	}
	var rules []Rule
	for _, name := range goRuntimeNames(a, o) {
		alts, act := goRuntimeConds(name, a, o)
		if len(alts) == 0 {
			rules = append(rules, Rule{Syscall: name, Arch: a, Action: act})
			continue
		}
		for _, conds := range alts {
			rules = append(rules, Rule{Syscall: name, Arch: a, Action: act, Conds: conds})
		}
	}
	return rules, nil
}

// GoRuntimeSyscalls returns the names of the system calls GoRuntime has
// rules for on arch a (nil: this program's), sorted.
func GoRuntimeSyscalls(a *Arch, opts *GoRuntimeOptions) ([]string, error) {
	a, o, err := goRuntimeSetup(a, opts)
	if err != nil {
		return nil, err
	}
	return goRuntimeNames(a, o), nil
}

// GoRuntimeRecorded returns the arch GoRuntime's list was recorded on and
// the Go releases whose runtime was recorded; the other arches' lists are
// derived from that recording and their runtime's sources.
func GoRuntimeRecorded() (*Arch, []string) {
	a, _ := LookupArch(goRuntimeArch)
	return a, slices.Clone(goRuntimeVersions)
}

func goRuntimeSetup(a *Arch, opts *GoRuntimeOptions) (*Arch, GoRuntimeOptions, error) {
	if a == nil {
		n, err := NativeArch()
		if err != nil {
			return nil, GoRuntimeOptions{}, err
		}
		a = n
	}
	// This program's build; -race only where a has a race detector (a
	// filter for another arch is for a build of its own).
	o := GoRuntimeOptions{Cgo: buildCgo, Race: buildRace && slices.Contains(goRaceArches, a.GoArch)}
	if opts != nil {
		o = *opts
	}
	if o.Race {
		o.Cgo = true
	}
	if a.GoArch == "" {
		return nil, o, fmt.Errorf("seccomp: GoRuntime: no Go port uses %s", a.Name)
	}
	if _, ok := goRuntimeSource[a.GoArch]; !ok {
		ports := slices.Sorted(maps.Keys(goRuntimeSource))
		return nil, o, fmt.Errorf("seccomp: GoRuntime: no list of the Go runtime's calls for %s (GOARCH %s) yet; there are lists for GOARCH %s", a.Name, a.GoArch, strings.Join(ports, ", "))
	}
	if o.Race && !slices.Contains(goRaceArches, a.GoArch) {
		return nil, o, fmt.Errorf("seccomp: GoRuntime: Race for %s: Go has no race detector on linux/%s (it has on %s)", a.Name, a.GoArch, strings.Join(goRaceArches, ", "))
	}
	return a, o, nil
}

// goRaceArches are the GOARCHes with a race detector on Linux (Go's
// internal/platform.RaceDetectorSupported).
var goRaceArches = []string{"amd64", "arm64", "loong64", "ppc64le", "riscv64", "s390x"}

// goRuntimeMode is a build of the runtime recorded: without cgo, with
// cgo, with the race detector.
type goRuntimeMode uint8

const (
	goPure goRuntimeMode = 1 << iota
	goCgo
	goRace
)

func (o GoRuntimeOptions) modes() goRuntimeMode {
	m := goPure
	if o.Cgo {
		m |= goCgo
	}
	if o.Race {
		m |= goRace
	}
	return m
}

// goRuntimeCall is a call the runtime was recorded making
// (goruntime_table.go).
type goRuntimeCall struct {
	name     string
	modes    goRuntimeMode
	versions string
	args     map[int][]uint64
	fields   map[string][]uint64
}

// goRuntimeExtra are calls the runtime's sources make after start-up that
// the recordings did not meet on the machine they were made on, and why
// the runtime may make them.
var goRuntimeExtra = []struct {
	name  string
	modes goRuntimeMode
	why   string
}{
	{"epoll_create1", goPure | goCgo | goRace, "the network poller starts when first needed (a pollable file, a socket), which may be after the sandbox"},
	{"eventfd2", goPure | goCgo | goRace, "the network poller's wake-up descriptor, made when it starts"},
	{"clock_gettime", goPure | goCgo | goRace, "the vDSO answers it, unless the clocksource has no vDSO support"},
	{"prctl", goPure | goCgo | goRace, "naming anonymous mappings (Go 1.25 and later) on kernels with CONFIG_ANON_VMA_NAME"},
	{"munmap", goPure, "sysFree, in the runtime without cgo"},
}

// goRuntimeCanon maps the names some arches' runtimes use to the x86_64
// call of the same purpose, the one recorded.
var goRuntimeCanon = map[string]string{
	"mmap2":           "mmap",
	"futex_time64":    "futex",
	"open":            "openat",
	"access":          "faccessat",
	"gettimeofday":    "clock_gettime",
	"pselect6":        "nanosleep",
	"set_thread_area": "clone", // 386: each new thread sets its TLS
}

// goRuntimeNames returns the names of the calls GoRuntime allows on a.
func goRuntimeNames(a *Arch, o GoRuntimeOptions) []string {
	modes := o.modes()
	want := map[string]bool{} // names as recorded (x86_64)
	for _, c := range goRuntimeRecorded {
		if c.modes&modes != 0 {
			want[c.name] = true
		}
	}
	for _, e := range goRuntimeExtra {
		if e.modes&modes != 0 {
			want[e.name] = true
		}
	}
	var out []string
	add := func(n string) {
		if _, ok := a.Syscall(n); ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if a.Name == goRuntimeArch {
		for n := range want {
			add(n)
		}
	} else {
		for _, n := range goRuntimeSource[a.GoArch] {
			canon := n
			if c, ok := goRuntimeCanon[n]; ok {
				canon = c
			}
			if want[canon] {
				add(n)
			}
		}
		// What the C library and the race runtime call, by name.
		for n := range want {
			if !slices.Contains(goRuntimeSource["amd64"], n) {
				add(n)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Constants of the conditions (include/uapi/linux, glibc).
const (
	cloneVM, cloneFS, cloneFiles, cloneSighand = 0x100, 0x200, 0x400, 0x800
	cloneThread, cloneSysvsem, cloneSettls     = 0x10000, 0x40000, 0x80000
	cloneParentSettid, cloneChildCleartid      = 0x100000, 0x200000
	// goCloneFlags is runtime/os_linux.go's cloneFlags.
	goCloneFlags = cloneVM | cloneFS | cloneFiles | cloneSighand | cloneSysvsem | cloneThread
	// glibcThreadFlags are glibc's pthread_create's (clone_internal).
	glibcThreadFlags = goCloneFlags | cloneSettls | cloneParentSettid | cloneChildCleartid
	protExec         = 0x4
	futexWaitPrivate = 0x80
	futexWakePrivate = 0x81
	prSetVMA         = 0x53564d41
	prSetVMAAnonName = 0
	sigURG           = 23
)

// goMadvise is the advice the runtime gives (runtime/mem_linux.go):
// MADV_DONTNEED, MADV_FREE, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_COLLAPSE.
var goMadvise = []uint64{4, 8, 14, 15, 25}

// goRuntimeConds returns the alternatives of conditions for a call (nil:
// none) and its action.
func goRuntimeConds(name string, a *Arch, o GoRuntimeOptions) ([][]Cond, Action) {
	eq := func(c ArgRef, vs ...uint64) [][]Cond {
		var alts [][]Cond
		for _, v := range vs {
			alts = append(alts, []Cond{c.Eq(v)})
		}
		return alts
	}
	switch name {
	case "clone":
		flags := uint64(goCloneFlags)
		if a.GoArch == "amd64" {
			flags |= cloneSettls // sys_linux_amd64.s sets the new thread's TLS in clone
		}
		alts := eq(Arg(0), flags)
		if o.Cgo {
			alts = append(alts, eq(Arg(0), glibcThreadFlags)...)
		}
		return alts, ActAllow
	case "clone3":
		return nil, a.ENOSYS()
	case "mmap", "mmap2", "mprotect":
		return [][]Cond{{Arg32(2).MaskedEq(protExec, 0)}}, ActAllow
	case "madvise":
		if o.Race {
			return nil, ActAllow
		}
		return eq(Arg32(2), goMadvise...), ActAllow
	case "futex", "futex_time64":
		if o.Cgo {
			return nil, ActAllow
		}
		return eq(Arg32(1), futexWaitPrivate, futexWakePrivate), ActAllow
	case "prctl":
		return [][]Cond{{Arg32(0).Eq(prSetVMA), Arg(1).Eq(prSetVMAAnonName)}}, ActAllow
	case "tgkill":
		return [][]Cond{{Arg32(2).Eq(sigURG)}}, ActAllow
	case "sched_getaffinity":
		return [][]Cond{{Arg32(0).Eq(0)}}, ActAllow
	}
	return nil, ActAllow
}
