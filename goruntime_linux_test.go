package seccomp_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/goruntime"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/notify"
)

// TestGoRuntimeKernel runs the exercise program's workloads (goroutines,
// the garbage collector, timers, the network poller, signals, preemption,
// threads ended, os/exec, an idle runtime), built without cgo, with cgo and
// with -race, under a filter of GoRuntime's rules and each workload's own
// calls, installed by the program on all its threads once started: no
// call of the program is denied.
//
// Every other call of the program goes to a supervisor (user
// notification), which lists it and fails it with EPERM; the calls of the
// programs it starts (os/exec's child, before and after its execve) are
// let run, as they are not the runtime's. Then the same without a
// supervisor, with TRAP as the default action: the programs exit normally
// (a denied call would kill them with SIGSYS). SECCOMP_GORUNTIME_TOOLCHAINS="go1.25.14 go1.24.13" adds other
// Go toolchains (fetched by the go command).
func TestGoRuntimeKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the exercise program three times")
	}
	native, err := seccomp.NativeArch()
	if err != nil || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("needs a native arch")
	}
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	if ok, err := seccomp.FlagSupported(seccomp.FlagNewListener); !ok {
		kernelskip.Skipf(t, "no user notification here: %v", err)
	}
	toolchains := append([]string{"local"}, strings.Fields(os.Getenv("SECCOMP_GORUNTIME_TOOLCHAINS"))...)
	dir := t.TempDir()
	for _, tc := range toolchains {
		var env []string
		if tc != "local" {
			env = []string{"GOTOOLCHAIN=" + tc}
		}
		for _, mode := range goruntime.Modes {
			t.Run(tc+"/"+mode.String(), func(t *testing.T) {
				bin := filepath.Join(dir, tc+"-"+mode.String())
				if err := goruntime.Build(gotool, bin, mode, env...); err != nil {
					if mode != goruntime.Pure {
						if _, cerr := exec.LookPath("gcc"); cerr != nil {
							t.Skipf("no C compiler for cgo: %v", err)
						}
					}
					t.Fatal(err)
				}
				opts := &seccomp.GoRuntimeOptions{Cgo: mode != goruntime.Pure, Race: mode == goruntime.Race}
				rules, err := seccomp.GoRuntime(native, opts)
				if err != nil {
					t.Fatal(err)
				}
				// The program's own decision (see GoRuntimeOptions.Cgo):
				// glibc's malloc may open /sys/devices/system/cpu/online;
				// ENOENT, and it falls back to sched_getaffinity.
				for _, w := range goruntime.Workloads {
					var mine []seccomp.Rule
					if mode == goruntime.Cgo && !slices.Contains(w.Own, "openat") {
						mine = append(mine, seccomp.Rule{Syscall: "openat", Action: seccomp.Errno(uint16(unix.ENOENT))})
					}
					// With a supervisor: every call denied is listed.
					f := seccomp.NewFilter(seccomp.ActUserNotif, native).Add(rules...).Add(mine...)
					f.AddSyscalls(seccomp.ActAllow, append(w.Own, "sendmsg")...)
					prog, err := f.Compile()
					if err != nil {
						t.Fatal(err)
					}
					var mu sync.Mutex
					denied := map[string]int{}
					out, err := goruntime.Run(bin, prog, func(pid int) notify.Handler {
						tgids := map[uint32]int{}
						return notify.HandlerFunc(func(ctx context.Context, r *notify.Request) notify.Response {
							mu.Lock()
							defer mu.Unlock()
							tgid, ok := tgids[r.Pid]
							if !ok {
								tgid = goruntime.TgidOf(r.Pid)
								tgids[r.Pid] = tgid
							}
							if tgid != pid {
								return notify.Continue() // a child's: not the runtime's
							}
							denied[fmt.Sprintf("%s%x", r.SyscallName(), r.Data.Args[:3])]++
							return notify.Errno(unix.EPERM)
						})
					}, w.Name)
					if err != nil || len(denied) > 0 {
						var ds []string
						for d, n := range denied {
							ds = append(ds, fmt.Sprintf("%s ×%d", d, n))
						}
						sort.Strings(ds)
						t.Errorf("%s: %v; calls the baseline denied: %v\n%s", w.Name, err, ds, out)
					}
					if w.Children {
						continue // the children's calls would need their own rules
					}
					// Without a supervisor: a call denied traps, and the Go
					// runtime dies of the SIGSYS saying where it was.
					f = seccomp.NewFilter(seccomp.Trap(0), native).Add(rules...).Add(mine...)
					f.AddSyscalls(seccomp.ActAllow, w.Own...)
					prog, err = f.Compile()
					if err != nil {
						t.Fatal(err)
					}
					if out, err := goruntime.RunKill(bin, prog, w.Name); err != nil {
						t.Errorf("%s under TRAP: %v\n%s", w.Name, err, out)
					}
				}
			})
		}
	}
}
