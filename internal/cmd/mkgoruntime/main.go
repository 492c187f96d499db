//go:build linux

// Command mkgoruntime derives the Go-runtime baseline of seccomp.GoRuntime
// and writes goruntime_table.go at the root of the module:
//
//	go run ./internal/cmd/mkgoruntime [-toolchains "local go1.25.14 go1.24.13"] [-o goruntime_table.go]
//
// For each Go toolchain (local is the go command on PATH; the others are
// fetched by the go command, GOTOOLCHAIN=NAME, from the module proxy) and
// with the race detector off and on, it builds the exercise program
// (testdata/goruntime-exercise) and runs each of its workloads with a filter
// installed after the program's start that sends every call to this
// process (but sendmsg, which sends the filter's listener), records them
// (package record) and lets them run. The calls a workload makes of its own
// (internal/goruntime.Workloads) and those of the processes it starts are
// set aside; the rest is what the runtime called behind the program's back.
// It also reads, in each toolchain's sources, the system calls the runtime
// of each GOARCH can make (runtime/sys_linux_GOARCH.s and the runtime's
// syscall package), which maps what was recorded on this machine's arch to
// the others.
//
// It needs Linux with seccomp user notification, on amd64 (or arm64). It
// is not run by go generate: it runs programs and fetches toolchains. Run
// it when a new Go release comes out, and review the diff: a new call, or
// a new argument value that the conditions of goruntime.go do not admit
// (it says so and fails), is a change of the runtime to understand before
// the baseline follows it.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/goruntime"
	"github.com/seccomp-go/seccomp/notify"
	"github.com/seccomp-go/seccomp/record"
)

func main() {
	seccomp.RunCommandHelper()
	toolchains := flag.String("toolchains", "local go1.25.14 go1.24.13", "the Go toolchains to record, space-separated (local: the go command on PATH)")
	out := flag.String("o", "goruntime_table.go", "the file to write")
	dump := flag.Bool("v", false, "print what each run recorded")
	flag.Parse()
	if err := run(strings.Fields(*toolchains), *out, *dump); err != nil {
		fmt.Fprintln(os.Stderr, "mkgoruntime:", err)
		os.Exit(1)
	}
}

// moreArgs are the arguments recorded besides record's own: those the
// conditions of goruntime.go look at, and a few to learn from.
var moreArgs = map[string][]int{
	"clone": {0}, "mmap": {2, 3}, "mprotect": {2}, "madvise": {2}, "futex": {1},
	"prctl": {0, 1}, "arch_prctl": {0}, "tgkill": {2}, "kill": {1}, "rt_sigprocmask": {0},
	"rt_sigaction": {0}, "fcntl": {1}, "epoll_ctl": {1}, "getrandom": {2},
	"openat": {2}, "eventfd2": {1}, "epoll_create1": {0},
	"pipe2": {1}, "socket": {0, 1},
}

// aCall is what was recorded of one call, over every run.
type aCall struct {
	name     string
	modes    map[goruntime.Mode]bool
	versions map[string]bool
	args     map[int]map[uint64]bool
	fields   map[string]map[uint64]bool
}

func run(toolchains []string, out string, dump bool) error {
	native, err := seccomp.NativeArch()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mkgoruntime")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The recording filter: every call to the supervisor, but sendmsg,
	// with which the exercise sends the listener.
	f := seccomp.NewFilter(seccomp.ActUserNotif, native)
	f.SetBadArchAction(seccomp.ActUserNotif) // other ABIs (i386, x32) too
	f.AddSyscalls(seccomp.ActAllow, "sendmsg")
	prog, err := f.Compile()
	if err != nil {
		return err
	}

	calls := map[string]*aCall{}
	var versions []string
	sources := map[string]map[string]bool{} // GOARCH to the runtime's calls
	for _, tc := range toolchains {
		var env []string
		if tc != "local" {
			env = []string{"GOTOOLCHAIN=" + tc}
		}
		v, err := goEnv(env, "GOVERSION")
		if err != nil {
			return fmt.Errorf("toolchain %s: %w", tc, err)
		}
		root, err := goEnv(env, "GOROOT")
		if err != nil {
			return err
		}
		versions = append(versions, v)
		if err := scanSources(root, sources); err != nil {
			return fmt.Errorf("%s: %w", v, err)
		}
		for _, mode := range goruntime.Modes {
			bin := filepath.Join(dir, fmt.Sprintf("exercise-%s-%v", v, mode))
			if err := goruntime.Build("go", bin, mode, env...); err != nil {
				return err
			}
			for _, w := range goruntime.Workloads {
				rec, children, err := recordWorkload(bin, prog, w.Name)
				if err != nil {
					return fmt.Errorf("%s %v %s: %w", v, mode, w.Name, err)
				}
				if dump {
					fmt.Printf("== %s %v %s: %v\n   children: %v\n", v, mode, w.Name, rec.Names(native.Name), children.Names(native.Name))
				}
				for _, c := range rec.Calls {
					if c.Arch != native.Name || c.Name == "" {
						return fmt.Errorf("%s %v %s: a call of another arch: %v", v, mode, w.Name, c.String())
					}
					if slices.Contains(w.Own, c.Name) {
						continue
					}
					a := calls[c.Name]
					if a == nil {
						a = &aCall{name: c.Name, modes: map[goruntime.Mode]bool{}, versions: map[string]bool{},
							args: map[int]map[uint64]bool{}, fields: map[string]map[uint64]bool{}}
						calls[c.Name] = a
					}
					a.modes[mode] = true
					a.versions[v] = true
					for _, av := range c.Args {
						m := a.fields[av.Field]
						if av.Index >= 0 {
							m = a.args[av.Index]
						}
						if m == nil {
							m = map[uint64]bool{}
							if av.Index >= 0 {
								a.args[av.Index] = m
							} else {
								a.fields[av.Field] = m
							}
						}
						for _, x := range av.Values {
							m[x.Value] = true
						}
					}
				}
			}
		}
	}
	src, err := generate(native, calls, versions, sources)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

func goEnv(env []string, name string) (string, error) {
	cmd := exec.Command("go", "env", name)
	cmd.Env = append(os.Environ(), env...)
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// recordWorkload runs one workload under the recording filter: the calls
// of the exercise's process, and those of its children.
func recordWorkload(bin string, prog seccomp.Program, workload string) (*record.Recording, *record.Recording, error) {
	rec := record.New(&record.Options{MoreArgs: moreArgs, ReadMemory: true})
	children := record.New(nil)
	_, err := goruntime.Run(bin, prog, func(pid int) notify.Handler {
		var mu sync.Mutex
		tgids := map[uint32]int{}
		return notify.HandlerFunc(func(ctx context.Context, r *notify.Request) notify.Response {
			mu.Lock()
			tgid, ok := tgids[r.Pid]
			if !ok {
				tgid = goruntime.TgidOf(r.Pid)
				tgids[r.Pid] = tgid
			}
			mu.Unlock()
			if tgid == pid {
				return rec.Handle(ctx, r)
			}
			return children.Handle(ctx, r)
		})
	}, workload)
	if err != nil {
		return nil, nil, err
	}
	return rec.Recording(), children.Recording(), nil
}

// The runtime's system calls in its sources: the SYS_ names its assembly
// defines, and those of its syscall package.
var (
	defineRE = regexp.MustCompile(`(?m)^#define\s+SYS_(\w+)\s`)
	constRE  = regexp.MustCompile(`(?m)^\s*SYS_([A-Z0-9_]+)\s*=`)
	goarches = []string{"amd64", "arm64", "386", "arm", "riscv64"}
)

func scanSources(root string, into map[string]map[string]bool) error {
	for _, ga := range goarches {
		if into[ga] == nil {
			into[ga] = map[string]bool{}
		}
		s, err := os.ReadFile(filepath.Join(root, "src", "runtime", "sys_linux_"+ga+".s"))
		if err != nil {
			return err
		}
		for _, m := range defineRE.FindAllStringSubmatch(string(s), -1) {
			into[ga][normalize(m[1])] = true
		}
		found := false
		for _, d := range []string{"internal/runtime/syscall/linux", "internal/runtime/syscall", "runtime/internal/syscall"} {
			b, err := os.ReadFile(filepath.Join(root, "src", d, "defs_linux_"+ga+".go"))
			if err != nil {
				continue
			}
			found = true
			for _, m := range constRE.FindAllStringSubmatch(string(b), -1) {
				into[ga][normalize(m[1])] = true
			}
		}
		if !found {
			return fmt.Errorf("no defs_linux_%s.go of the runtime's syscall package under %s", ga, root)
		}
	}
	return nil
}

// normalize returns a runtime source's SYS_ name as the kernel's tables
// name it (sys_linux_amd64.s and 386 spell setitimer "setittimer").
func normalize(n string) string {
	n = strings.ToLower(n)
	switch n {
	case "setittimer":
		return "setitimer"
	case "base":
		return ""
	}
	return n
}

func generate(native *seccomp.Arch, calls map[string]*aCall, versions []string, sources map[string]map[string]bool) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/cmd/mkgoruntime; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package seccomp\n\n")
	fmt.Fprintf(&b, "// goRuntimeVersions are the Go toolchains whose runtime was recorded, on\n// %s, built without cgo, with cgo and with the race detector.\n", native.Name)
	fmt.Fprintf(&b, "var goRuntimeVersions = %#v\n\n", versions)
	fmt.Fprintf(&b, "// goRuntimeArch is the arch the runtime was recorded on.\nconst goRuntimeArch = %q\n\n", native.Name)
	fmt.Fprintf(&b, "// goRuntimeRecorded are the calls the runtime made on %s in the\n// exercise's workloads, after the program sandboxed itself, the\n// workloads' own calls aside: in which builds (without cgo, with cgo,\n// with the race detector), with which toolchains, and the argument\n// values recorded (args by index; fields read from memory, clone3's).\n", native.Name)
	fmt.Fprintf(&b, "var goRuntimeRecorded = []goRuntimeCall{\n")
	names := make([]string, 0, len(calls))
	for n := range calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := calls[n]
		var vs []string
		for _, v := range versions {
			if c.versions[v] {
				vs = append(vs, v)
			}
		}
		var modes []string
		for _, m := range goruntime.Modes {
			if c.modes[m] {
				modes = append(modes, map[goruntime.Mode]string{goruntime.Pure: "goPure", goruntime.Cgo: "goCgo", goruntime.Race: "goRace"}[m])
			}
		}
		fmt.Fprintf(&b, "\t{name: %q, modes: %s, versions: %q", n, strings.Join(modes, "|"), strings.Join(vs, " "))
		if len(c.fields) > 0 {
			fmt.Fprintf(&b, ", fields: map[string][]uint64{")
			var fs []string
			for f := range c.fields {
				fs = append(fs, f)
			}
			sort.Strings(fs)
			for _, f := range fs {
				fmt.Fprintf(&b, "%q: {%s}, ", f, hexAll(c.fields[f]))
			}
			fmt.Fprintf(&b, "}")
		}
		if len(c.args) > 0 {
			fmt.Fprintf(&b, ", args: map[int][]uint64{")
			var idx []int
			for i := range c.args {
				idx = append(idx, i)
			}
			sort.Ints(idx)
			for _, i := range idx {
				fmt.Fprintf(&b, "%d: {%s}, ", i, hexAll(c.args[i]))
			}
			fmt.Fprintf(&b, "}")
		}
		fmt.Fprintf(&b, "},\n")
	}
	fmt.Fprintf(&b, "}\n\n")
	fmt.Fprintf(&b, "// goRuntimeSource are, per GOARCH, the system calls the runtime's\n// sources name (runtime/sys_linux_GOARCH.s and the runtime's syscall\n// package), in the toolchains above.\n")
	fmt.Fprintf(&b, "var goRuntimeSource = map[string][]string{\n")
	for _, ga := range goarches {
		var ns []string
		for n := range sources[ga] {
			if n != "" {
				ns = append(ns, n)
			}
		}
		sort.Strings(ns)
		fmt.Fprintf(&b, "\t%q: {%s},\n", ga, quoteAll(ns))
	}
	fmt.Fprintf(&b, "}\n")
	return format.Source(b.Bytes())
}

func hexAll(set map[uint64]bool) string {
	var xs []uint64
	for x := range set {
		xs = append(xs, x)
	}
	slices.Sort(xs)
	var hex []string
	for _, x := range xs {
		hex = append(hex, fmt.Sprintf("%#x", x))
	}
	return strings.Join(hex, ", ")
}

func quoteAll(ns []string) string {
	var q []string
	for _, n := range ns {
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}
