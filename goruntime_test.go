package seccomp_test

import (
	"fmt"
	"log"
	"slices"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func goRuntimeFilter(t *testing.T, a *seccomp.Arch, o *seccomp.GoRuntimeOptions) *seccomp.Filter {
	t.Helper()
	rules, err := seccomp.GoRuntime(a, o)
	if err != nil {
		t.Fatal(err)
	}
	f := seccomp.NewFilter(seccomp.Errno(1), a).Add(rules...)
	if _, err := f.Compile(); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestGoRuntimeTight checks that the baseline stays a baseline: what the
// runtime never does is denied, the arguments included. The constants are
// the kernel's (include/uapi/linux), written out.
func TestGoRuntimeTight(t *testing.T) {
	a := seccomp.ArchX86_64
	nr := func(name string) int32 {
		n, ok := a.Syscall(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		return n
	}
	const (
		goThreads   = 0x50f00 | 0x80000 // VM|FS|FILES|SIGHAND|SYSVSEM|THREAD, SETTLS on amd64
		glibcThread = 0x3d0f00
		newUser     = 0x10000000
		newNS       = 0x20000
		vfork       = 0x4000
	)
	deny, allow, enosys := seccomp.Errno(1), seccomp.ActAllow, seccomp.Errno(seccomp.ENOSYS)
	cases := []struct {
		call string
		args []uint64
		pure seccomp.Action
		cgo  seccomp.Action
	}{
		{"clone", []uint64{goThreads}, allow, allow},
		{"clone", []uint64{goThreads | newUser}, deny, deny},
		{"clone", []uint64{goThreads | newNS}, deny, deny},
		{"clone", []uint64{vfork | 0x100 | 17}, deny, deny}, // os/exec's: the program's own
		{"clone", []uint64{glibcThread}, deny, allow},
		{"clone3", nil, deny, enosys},
		{"mmap", []uint64{0, 4096, 3, 0x22}, allow, allow},
		{"mmap", []uint64{0, 4096, 7, 0x22}, deny, deny}, // PROT_EXEC
		{"mprotect", []uint64{0, 4096, 5}, deny, deny},
		{"mprotect", []uint64{0, 4096, 3}, deny, allow},
		{"madvise", []uint64{0, 4096, 4}, allow, allow},
		{"madvise", []uint64{0, 4096, 100}, deny, deny}, // MADV_HWPOISON
		{"futex", []uint64{0, 0x80}, allow, allow},
		{"futex", []uint64{0, 6}, deny, allow}, // FUTEX_LOCK_PI: glibc's may
		{"prctl", []uint64{0x53564d41, 0}, allow, allow},
		{"prctl", []uint64{22, 2}, deny, deny}, // PR_SET_SECCOMP
		{"prctl", []uint64{38, 1}, deny, deny}, // PR_SET_NO_NEW_PRIVS
		{"tgkill", []uint64{1, 1, 23}, allow, allow},
		{"tgkill", []uint64{1, 1, 9}, deny, deny},
		{"sched_getaffinity", []uint64{0}, allow, allow},
		{"sched_getaffinity", []uint64{1}, deny, deny},
		{"execve", nil, deny, deny},
		{"ptrace", nil, deny, deny},
		{"socket", nil, deny, deny},
		{"openat", nil, deny, deny},
		{"kill", nil, deny, deny},
		{"exit_group", nil, allow, allow},
		{"rt_sigreturn", nil, allow, allow},
	}
	pure := goRuntimeFilter(t, a, &seccomp.GoRuntimeOptions{})
	cgo := goRuntimeFilter(t, a, &seccomp.GoRuntimeOptions{Cgo: true})
	for _, c := range cases {
		d := seccomp.Data{Nr: nr(c.call), Arch: a.AuditArch}
		copy(d.Args[:], c.args)
		if got := pure.Evaluate(d); got != c.pure {
			t.Errorf("pure: %s%x: %v, want %v", c.call, c.args, got, c.pure)
		}
		if got := cgo.Evaluate(d); got != c.cgo {
			t.Errorf("cgo: %s%x: %v, want %v", c.call, c.args, got, c.cgo)
		}
	}
}

// TestGoRuntimeArches: a baseline for every arch with a Go port, in its
// runtime's own names; none for x32.
func TestGoRuntimeArches(t *testing.T) {
	want := map[*seccomp.Arch]struct{ has, hasNot []string }{
		seccomp.ArchX86_64:  {[]string{"clone", "futex", "mmap", "epoll_pwait", "sigaltstack", "tgkill"}, []string{"arch_prctl", "mmap2", "execve"}},
		seccomp.ArchAArch64: {[]string{"clone", "futex", "mmap", "epoll_pwait", "sigaltstack", "tgkill"}, []string{"mmap2", "epoll_wait"}},
		seccomp.ArchI386:    {[]string{"clone", "futex", "mmap2", "set_thread_area", "epoll_pwait"}, []string{"mmap", "socketcall"}},
		seccomp.ArchARM:     {[]string{"clone", "futex", "mmap2", "epoll_pwait"}, []string{"mmap"}},
		seccomp.ArchRISCV64: {[]string{"clone", "futex", "mmap", "epoll_pwait"}, nil},
	}
	for a, w := range want {
		names, err := seccomp.GoRuntimeSyscalls(a, &seccomp.GoRuntimeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range w.has {
			if !slices.Contains(names, n) {
				t.Errorf("%s: no %s in %v", a.Name, n, names)
			}
		}
		for _, n := range w.hasNot {
			if slices.Contains(names, n) {
				t.Errorf("%s: %s in %v", a.Name, n, names)
			}
		}
		goRuntimeFilter(t, a, nil)
		cgo, _ := seccomp.GoRuntimeSyscalls(a, &seccomp.GoRuntimeOptions{Cgo: true})
		for _, n := range []string{"clone3", "rseq", "set_robust_list", "mprotect"} {
			if !slices.Contains(cgo, n) {
				t.Errorf("%s with cgo: no %s in %v", a.Name, n, cgo)
			}
		}
	}
	if _, err := seccomp.GoRuntime(seccomp.ArchX32, nil); err == nil || !strings.Contains(err.Error(), "no Go port uses x32") {
		t.Errorf("x32: %v", err)
	}
	// s390x is a Go port without a list: the error says so, not that
	// there is no port.
	if _, err := seccomp.GoRuntime(seccomp.ArchS390X, nil); err == nil || !strings.Contains(err.Error(), "no list of the Go runtime's calls for s390x (GOARCH s390x)") ||
		!strings.Contains(err.Error(), "386, amd64, arm, arm64, riscv64") {
		t.Errorf("s390x: %v", err)
	}
	// Go's race detector runs on amd64 and arm64 but not on 386 or arm:
	// Race there is refused, not answered with rules for a build that
	// cannot exist.
	for a, ok := range map[*seccomp.Arch]bool{seccomp.ArchX86_64: true, seccomp.ArchAArch64: true, seccomp.ArchRISCV64: true, seccomp.ArchI386: false, seccomp.ArchARM: false} {
		_, err := seccomp.GoRuntime(a, &seccomp.GoRuntimeOptions{Race: true})
		if ok && err != nil || !ok && (err == nil || !strings.Contains(err.Error(), "no race detector on linux/"+a.GoArch)) {
			t.Errorf("%s with Race: %v", a.Name, err)
		}
	}
	if a, vs := seccomp.GoRuntimeRecorded(); a == nil || len(vs) == 0 {
		t.Errorf("recorded on %v with %v", a, vs)
	}
}

// A program that sandboxes itself: default deny, the Go runtime's
// baseline, and what it calls itself.
func ExampleGoRuntime() {
	rules, err := seccomp.GoRuntime(nil, nil) // this program's arch and build
	if err != nil {
		log.Fatal(err)
	}
	f := seccomp.NewFilter(seccomp.ActKillProcess)
	f.Add(rules...)
	f.AddSyscalls(seccomp.ActAllow, "accept4", "read", "write", "close", "fstat")
	if err := f.Install(seccomp.InstallOptions{}); err != nil {
		log.Fatal(err)
	}
	// ... serve: anything else kills the process.
}

// The baseline of arm64, seen from any machine.
func ExampleGoRuntimeSyscalls() {
	names, err := seccomp.GoRuntimeSyscalls(seccomp.ArchAArch64, &seccomp.GoRuntimeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(slices.Contains(names, "futex"), slices.Contains(names, "execve"))
	// Output: true false
}
