//go:build linux && cgo

package bench

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// hotMix is the mix of frequent x86_64 system calls, with zero
// arguments: read, write, futex, epoll_pwait, mmap, munmap, openat, close,
// fstat, newfstatat, clock_gettime, getpid, sched_yield, nanosleep,
// recvfrom, sendto, brk.
var hotMix = []int32{0, 1, 202, 281, 9, 11, 257, 3, 5, 262, 228, 39, 24, 35, 45, 44, 12}

// layoutRow is what one compiler makes of Docker's default profile for
// amd64 (x86_64, i386 and x32, or x86_64 alone for gVisor).
type layoutRow struct {
	name                  string
	insns                 int
	allowedMean           float64 // x86_64, zero arguments
	allowedMax, deniedMax int     // x86_64, zero arguments
	argAllowedMax         int     // x86_64, argument values the rules name
	argDeniedMax          int
	hotMean               float64
	cacheable, constAllow int     // argument-free allows on a cacheable path, of all
	x86Only               bool    // cacheable and constAllow count x86_64's allows only
	compile               float64 // ns per compile
}

// constAllowPath reports whether the program decides d using only what
// the kernel's action cache can follow: loads of nr and arch, compares
// with constants, JA, AND K, RET K (the root package's test of the same
// name).
func constAllowPath(p seccomp.Program, d seccomp.Data) bool {
	var a uint32
	for pc := 0; pc < len(p); {
		in := p[pc]
		pc++
		switch in.Op {
		case 0x20: // ld [k]
			switch in.K {
			case 0:
				a = uint32(d.Nr)
			case 4:
				a = uint32(d.Arch)
			default:
				return false
			}
		case 0x15, 0x25, 0x35, 0x45: // jeq, jgt, jge, jset #k
			var c bool
			switch in.Op {
			case 0x15:
				c = a == in.K
			case 0x25:
				c = a > in.K
			case 0x35:
				c = a >= in.K
			default:
				c = a&in.K != 0
			}
			if c {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case 0x05: // ja
			pc += int(in.K)
		case 0x54: // and #k
			a &= in.K
		case 0x06: // ret #k
			return true
		default:
			return false
		}
	}
	return false
}

// measure fills a row for program p, checking it against the resolved
// profile's meaning on every input it runs (all of them x86_64 calls), but
// for the numbers in skip (libseccomp's table differences, see
// tableDiffs). The argument-free allows are counted on every arch of the
// filter, or on x86_64 alone with x86Only (for a program that covers only
// x86_64, which cannot allow the other arches' calls).
func measure(t testing.TB, name string, p seccomp.Program, res *profile.Result, compile float64, skip map[seccomp.AuditArch]map[int32]string, x86Only bool) layoutRow {
	e := seccomp.MustEmulator(p)
	row := layoutRow{name: name, insns: len(p), compile: compile, x86Only: x86Only}
	run := func(d seccomp.Data) seccomp.Result {
		r := e.Run(d)
		if _, ok := skip[d.Arch][d.Nr]; ok {
			return r
		}
		if want := res.Evaluate(d); r.Action != want {
			t.Fatalf("%s: %+v: program says %v, the profile means %v", name, d, r.Action, want)
		}
		return r
	}
	x86 := seccomp.ArchX86_64
	n := 0
	for nr := int32(0); nr <= x86.MaxSyscall(); nr++ {
		r := run(seccomp.Data{Nr: nr, Arch: x86.AuditArch})
		if r.Action == seccomp.ActAllow {
			row.allowedMean += float64(r.Executed)
			n++
			row.allowedMax = max(row.allowedMax, r.Executed)
		} else {
			row.deniedMax = max(row.deniedMax, r.Executed)
		}
	}
	row.allowedMean /= float64(n)
	row.argAllowedMax, row.argDeniedMax = row.allowedMax, row.deniedMax
	conditional := map[*seccomp.Arch]map[int32]bool{}
	for _, a := range res.Filter.Arches() {
		conditional[a] = map[int32]bool{}
	}
	for _, r := range res.Filter.Rules() {
		if len(r.Conds) == 0 {
			continue
		}
		for _, a := range res.Filter.Arches() {
			nr, ok := ruleNumber(r, a)
			if !ok {
				continue
			}
			conditional[a][nr] = true
			if a != x86 {
				continue
			}
			for _, c := range r.Conds {
				for _, v := range []uint64{c.Value, c.Value + 1, c.Value - 1, c.Value | 1<<32} {
					d := seccomp.Data{Nr: nr, Arch: a.AuditArch}
					d.Args[c.Arg] = v
					res := run(d)
					if res.Action == seccomp.ActAllow {
						row.argAllowedMax = max(row.argAllowedMax, res.Executed)
					} else {
						row.argDeniedMax = max(row.argDeniedMax, res.Executed)
					}
				}
			}
		}
	}
	for _, nr := range hotMix {
		row.hotMean += float64(run(seccomp.Data{Nr: nr, Arch: x86.AuditArch}).Executed)
	}
	row.hotMean /= float64(len(hotMix))
	for _, a := range res.Filter.Arches() {
		if x86Only && a != x86 {
			continue
		}
		lo, hi := int32(0), a.MaxSyscall()
		if a == seccomp.ArchX32 {
			lo, hi = seccomp.X32SyscallBit, seccomp.X32SyscallBit|hi
		}
		for nr := lo; nr <= hi; nr++ {
			d := seccomp.Data{Nr: nr, Arch: a.AuditArch}
			if conditional[a][nr] || res.Evaluate(d) != seccomp.ActAllow {
				continue
			}
			row.constAllow++
			if constAllowPath(p, d) {
				row.cacheable++
			}
		}
	}
	return row
}

// TestLayoutTable prints, for Docker's default profile resolved for amd64
// (x86_64, i386 and x32; default capabilities; kernel 6.1), what this
// module's compiler, libseccomp (default layout, and the binary tree runc
// asks for) and gVisor's pkg/seccomp (x86_64 only, on linux/amd64) make of
// it: instructions, paths executed in the emulator, cache eligibility of
// argument-free allows, and compile time (ours: resolved profile to
// program, Compile; libseccomp: the same profile to program through runc's
// calls, context creation to seccomp_export_bpf; gVisor: the resolved
// profile's x86_64 rules to gVisor rules, Program.Build, raw instructions).
// Every program is checked against the profile's meaning on every call it
// runs (x86_64 calls). Compile times are measured only with -v or
// SECCOMP_LAYOUT_TIMES=1, so that go test stays fast; paths and sizes are
// always checked.
func TestLayoutTable(t *testing.T) {
	k := profile.KernelVersion{Kernel: 6, Major: 1}
	res, err := profile.Default().Build(profile.Options{Arch: seccomp.ArchX86_64, Kernel: &k, StricterWins: os.Getenv("STRICT") != ""})
	if err != nil {
		t.Fatal(err)
	}
	timed := testing.Verbose() || os.Getenv("SECCOMP_LAYOUT_TIMES") == "1"
	timeIt := func(f func() error) float64 {
		if !timed {
			return 0
		}
		r := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
		return float64(r.NsPerOp())
	}
	ours, err := res.Compile()
	if err != nil {
		t.Fatal(err)
	}
	rows := []layoutRow{measure(t, "seccomp-go", ours, res, timeIt(func() error { _, err := res.Compile(); return err }), nil, false)}
	skip := map[seccomp.AuditArch]map[int32]string{} // x86_64 and x32 share a token
	for _, a := range res.Filter.Arches() {
		if skip[a.AuditArch] == nil {
			skip[a.AuditArch] = map[int32]string{}
		}
		diffs, _ := tableDiffs(res.Profile, a)
		for nr, n := range diffs {
			skip[a.AuditArch][nr] = n
		}
	}
	for _, opt := range []struct {
		name  string
		level int
	}{{"libseccomp " + Version() + ", default layout", 0}, {"libseccomp " + Version() + ", binary tree", 2}} {
		p, err := runcProgram(res.Profile, seccomp.ArchX86_64, opt.level)
		if err != nil {
			t.Fatal(err)
		}
		ns := timeIt(func() error { _, err := runcProgram(res.Profile, seccomp.ArchX86_64, opt.level); return err })
		rows = append(rows, measure(t, opt.name, p, res, ns, skip, false))
	}
	// gVisor's pkg/seccomp: the same resolved profile's x86_64 rules (see
	// gvisorProgram), with the hot mix as its HotSyscalls.
	var gvisorNote string
	if gvisorAvailable {
		p, err := gvisorProgram(res, hotMix)
		if err != nil {
			t.Fatal(err)
		}
		ns := timeIt(func() error { _, err := gvisorProgram(res, hotMix); return err })
		rows = append(rows, measure(t, "gVisor pkg/seccomp (x86_64 only, with the argument rules)", p, res, ns, nil, true))
		e := seccomp.MustEmulator(p)
		gvisorNote = fmt.Sprintf("gVisor: %s; its program covers x86_64 only: i386 calls get %v (its bad-arch action), x32 calls (nr|0x40000000) %v (the default: it has no x32 guard, and no rule has such a number); its cacheable count is of x86_64's argument-free allows only.\n",
			gvisorVersion(), e.Action(seccomp.Data{Nr: 0, Arch: seccomp.AuditArchI386}), e.Action(seccomp.Data{Nr: seccomp.X32SyscallBit, Arch: seccomp.AuditArchX86_64}))
	} else {
		gvisorNote = "gVisor: no row, " + runtime.GOOS + "/" + runtime.GOARCH + " cannot build its x86_64 program.\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Docker default profile for amd64 (x86_64+i386+x32), %s/%s, %d CPUs\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	b.WriteString("| | instructions | x86_64 allowed path mean / max | allowed max, argument values | denied max | denied max, argument values | hot-mix mean | cacheable argument-free allows | compile |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		ct := "(not timed)"
		if timed {
			ct = fmt.Sprintf("%.3f ms", r.compile/1e6)
		}
		only := ""
		if r.x86Only {
			only = " (x86_64 only)"
		}
		fmt.Fprintf(&b, "| %s | %d | %.1f / %d | %d | %d | %d | %.1f | %d of %d%s | %s |\n",
			r.name, r.insns, r.allowedMean, r.allowedMax, r.argAllowedMax, r.deniedMax, r.argDeniedMax, r.hotMean, r.cacheable, r.constAllow, only, ct)
	}
	b.WriteString(gvisorNote)
	t.Log("\n" + b.String())
	// Deterministic properties of our program: a regression check, no
	// timing.
	o := rows[0]
	if o.cacheable != o.constAllow {
		t.Errorf("%d argument-free allows are not on a cacheable path", o.constAllow-o.cacheable)
	}
	if tree := rows[2]; o.insns > tree.insns || o.argAllowedMax > tree.argAllowedMax || o.argDeniedMax > tree.argDeniedMax {
		t.Errorf("our program is bigger or has a longer worst path than libseccomp's binary tree")
	}
}
