//go:build linux && cgo

package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
	"github.com/seccomp-go/seccomp/profile"
)

// The kernel benchmarks: what real system calls cost under each peer's
// program for Docker's default profile (amd64, default capabilities,
// kernel 6.1). Each program is installed in a child process (the test
// binary run again as TestKernelBenchChild), on a locked thread of its
// own, never in the test process; that thread times raw system calls in
// blocks. BenchmarkKernelDocker runs a child per peer,
// BenchmarkKernelDockerThreads one child with every peer;
// TestKernelBenchChildWorks is the part that runs in go test.

// kernelPeer is one program the kernel benchmark compares. program is nil
// for the baseline, which installs no filter.
type kernelPeer struct {
	name    string // also part of the benchmark's metric units: no spaces
	program func(res *profile.Result) (seccomp.Program, error)
}

// kernelPeers are the programs compared, in the order of the table. The
// first, without a program, is the baseline the overheads are measured
// against; ours-copy is our program again, a control: what separates it
// from ours is the benchmark's noise. Another compiler's program is one
// more line.
var kernelPeers = []kernelPeer{
	{name: "nofilter"},
	{name: "ours", program: func(res *profile.Result) (seccomp.Program, error) { return res.Compile() }},
	{name: "libseccomp-default", program: func(res *profile.Result) (seccomp.Program, error) {
		return runcProgram(res.Profile, seccomp.ArchX86_64, 0)
	}},
	{name: "libseccomp-tree", program: func(res *profile.Result) (seccomp.Program, error) {
		return runcProgram(res.Profile, seccomp.ArchX86_64, 2)
	}},
	// gVisor's pkg/seccomp (gvisor.go), with the layout table's hot mix.
	{name: "gvisor", program: func(res *profile.Result) (seccomp.Program, error) { return gvisorProgram(res, hotMix) }},
	{name: "ours-copy", program: func(res *profile.Result) (seccomp.Program, error) { return res.Compile() }},
}

// kernelCall is one x86_64 system call the child times.
type kernelCall struct {
	name string // also part of the metric units
	what string
	nr   uintptr
	args [3]uintptr
	// allowed is what Docker's default profile decides (ALLOW, or
	// ERRNO(EPERM) when false): checked with Result.Evaluate and with every
	// peer's program in the emulator, and against the kernel in the child.
	allowed bool
	// unfiltered is the errno the call returns where no filter stops it.
	unfiltered syscall.Errno
}

var kernelCalls = []kernelCall{
	{name: "getpid", what: "unconditional allow",
		nr: syscall.SYS_GETPID, allowed: true},
	// Docker allows personality only for five personas; 0xffffffff
	// changes nothing and returns the current one.
	{name: "personality", what: "argument-checked allow, personality(0xffffffff)",
		nr: syscall.SYS_PERSONALITY, args: [3]uintptr{0xffffffff}, allowed: true},
	// umount2 needs CAP_SYS_ADMIN, which Docker's default capabilities
	// lack. If it runs (the baseline), its flags are invalid: the kernel
	// returns EINVAL before it looks at the path (NULL) or privileges.
	{name: "umount2", what: "denied, umount2(NULL, 0xffffffff)",
		nr: syscall.SYS_UMOUNT2, args: [3]uintptr{0, 0xffffffff}, unfiltered: syscall.EINVAL},
}

func (c kernelCall) data() seccomp.Data {
	return seccomp.Data{Nr: int32(c.nr), Arch: seccomp.AuditArchX86_64, Args: [6]uint64{uint64(c.args[0]), uint64(c.args[1]), uint64(c.args[2])}}
}

// kernelProgram is a peer's program and what the emulator and the
// analysis say about it.
type kernelProgram struct {
	kernelPeer
	prog     seccomp.Program // nil for the baseline
	raw      []byte          // prog in the kernel's format, for the child
	executed []int           // instructions the emulator executes per call of kernelCalls
	// cached reports, per call, that the kernel's action cache answers it
	// without running the filter (analyze: an argument-free ALLOW on a
	// path the cache can follow).
	cached []bool
}

// kernelSetup builds every peer's program for Docker's default profile and
// checks that each decides the calls as the profile means.
func kernelSetup(tb testing.TB) []kernelProgram {
	tb.Helper()
	if runtime.GOARCH != "amd64" {
		tb.Skip("the calls timed are x86_64 system calls and the programs are built for amd64")
	}
	k := profile.KernelVersion{Kernel: 6, Major: 1}
	res, err := profile.Default().Build(profile.Options{Arch: seccomp.ArchX86_64, Kernel: &k})
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range kernelCalls {
		want := seccomp.Errno(uint16(syscall.EPERM))
		if c.allowed {
			want = seccomp.ActAllow
		}
		if got := res.Evaluate(c.data()); got != want {
			tb.Fatalf("%s: Docker's default profile decides %v, the benchmark expects %v", c.name, got, want)
		}
	}
	var progs []kernelProgram
	for _, peer := range kernelPeers {
		kp := kernelProgram{kernelPeer: peer}
		if peer.program != nil {
			if kp.prog, err = peer.program(res); err != nil {
				tb.Fatalf("%s: %v", peer.name, err)
			}
			kp.raw, _ = kp.prog.MarshalBinary()
			e, err := seccomp.NewEmulator(kp.prog)
			if err != nil {
				tb.Fatalf("%s: %v", peer.name, err)
			}
			rep, err := analyze.Analyze(kp.prog, &analyze.Options{Arches: []*seccomp.Arch{seccomp.ArchX86_64}})
			if err != nil {
				tb.Fatalf("%s: %v", peer.name, err)
			}
			for _, c := range kernelCalls {
				r := e.Run(c.data())
				if want := res.Evaluate(c.data()); r.Action != want {
					tb.Fatalf("%s: the program decides %v for %s, the profile %v", peer.name, r.Action, c.name, want)
				}
				kp.executed = append(kp.executed, r.Executed)
				cached := false
				for _, sc := range rep.Arch("x86_64").Syscalls {
					if sc.Nr == int32(c.nr) {
						cached = sc.Cacheable
					}
				}
				kp.cached = append(kp.cached, cached)
			}
		}
		progs = append(progs, kp)
	}
	return progs
}

// kernelChildEnv marks the child process; the job comes on its stdin.
const kernelChildEnv = "SECCOMP_KERNEL_BENCH_CHILD"

const (
	kernelReportPrefix = "kernel-bench-report: "
	kernelErrorPrefix  = "kernel-bench-error: "
	kernelSkipPrefix   = "kernel-bench-cannot-install: " // refused for want of support or privileges
)

// kernelJob is what the parent sends the child, as JSON on stdin.
type kernelJob struct {
	// Programs are installed one per thread, in the kernel's format (host
	// byte order); an empty one means no filter.
	Programs [][]byte `json:"programs"`
	Iters    int      `json:"iters"`  // calls per timed block
	Blocks   int      `json:"blocks"` // timed blocks per program and call
	CPU      int      `json:"cpu"`    // the CPU every timing thread is pinned to; -1 for none
}

// kernelOutcome is what one call returned.
type kernelOutcome struct {
	R     uintptr       `json:"r"`
	Errno syscall.Errno `json:"errno"`
}

func (o kernelOutcome) String() string {
	if o.Errno != 0 {
		return fmt.Sprintf("%v (errno %d)", o.Errno, int(o.Errno))
	}
	return strconv.FormatUint(uint64(o.R), 10)
}

// kernelThreadReport is what one timing thread saw.
type kernelThreadReport struct {
	// The thread's Seccomp mode and Seccomp_filters before the install,
	// and its filter count after (-1: not reported by the kernel).
	SeccompBefore int `json:"seccomp_before"`
	FiltersBefore int `json:"filters_before"`
	FiltersAfter  int `json:"filters_after"`
	// One call of each of kernelCalls before the install and one after.
	Before []kernelOutcome `json:"before"`
	After  []kernelOutcome `json:"after"`
	// Ns holds, per call of kernelCalls, the nanoseconds per call of each
	// timed block.
	Ns [][]float64 `json:"ns"`
}

// kernelChildReport is what the child prints, as JSON on one line.
type kernelChildReport struct {
	Pid     int                  `json:"pid"`
	Threads []kernelThreadReport `json:"threads"`
}

// TestKernelBenchChild is the child process of the kernel benchmarks and of
// TestKernelBenchChildWorks (see kernelChild). It skips in a normal run.
func TestKernelBenchChild(t *testing.T) {
	if os.Getenv(kernelChildEnv) == "" {
		t.Skip("runs only as the child process of the kernel benchmark")
	}
	rep, err := kernelChild(os.Stdin)
	if err == nil {
		var out []byte
		if out, err = json.Marshal(rep); err == nil {
			fmt.Printf("%s%s\n", kernelReportPrefix, out)
			os.Exit(0)
		}
	}
	var ie *seccomp.InstallError
	if errors.Is(err, seccomp.ErrPrivilege) || errors.Is(err, seccomp.ErrUnsupportedFlag) ||
		errors.As(err, &ie) && (errors.Is(ie, syscall.ENOSYS) || errors.Is(ie, syscall.EINVAL) || errors.Is(ie, syscall.EPERM)) {
		fmt.Printf("%s%v\n", kernelSkipPrefix, err)
	} else {
		fmt.Printf("%s%v\n", kernelErrorPrefix, err)
	}
	os.Exit(1)
}

// kernelChild runs a job: one thread per program, each locked to its
// goroutine, pinned to the job's CPU, with its program installed on it
// alone (never TSYNC; the process's other threads stay unfiltered). The
// threads then time the calls in turn, one block at a time, so that
// whatever else the machine does falls on every program alike: for each
// round of blocks, call after call, program after program, both orders
// rotated from one round to the next.
func kernelChild(stdin io.Reader) (*kernelChildReport, error) {
	var job kernelJob
	if err := json.NewDecoder(stdin).Decode(&job); err != nil {
		return nil, err
	}
	if job.Iters < 1 || job.Blocks < 1 || len(job.Programs) == 0 {
		return nil, fmt.Errorf("bad job: %d programs, %d blocks of %d calls", len(job.Programs), job.Blocks, job.Iters)
	}
	// No collections while timing; the parent also turns asynchronous
	// preemption off (GODEBUG), so that no signal lands in a timed block.
	debug.SetGCPercent(-1)
	rep := &kernelChildReport{Pid: os.Getpid(), Threads: make([]kernelThreadReport, len(job.Programs))}
	workers := make([]kernelWorker, len(job.Programs))
	for i, raw := range job.Programs {
		prog, err := seccomp.ParseRaw(raw)
		if err != nil {
			return nil, err
		}
		w := kernelWorker{prog: prog, cpu: job.CPU, iters: job.Iters, rep: &rep.Threads[i],
			req: make(chan int), res: make(chan float64), ready: make(chan error)}
		w.rep.Ns = make([][]float64, len(kernelCalls))
		workers[i] = w
		go w.run()
		if err := <-w.ready; err != nil {
			return nil, err
		}
	}
	for _, w := range workers { // warm-up, not reported
		for k := range kernelCalls {
			w.req <- k
			<-w.res
		}
	}
	for b := range job.Blocks {
		for kk := range kernelCalls {
			k := (b + kk) % len(kernelCalls)
			for jj := range workers {
				w := workers[(b+jj)%len(workers)]
				w.req <- k
				w.rep.Ns[k] = append(w.rep.Ns[k], <-w.res)
			}
		}
	}
	for _, w := range workers {
		close(w.req)
	}
	return rep, nil
}

// kernelWorker is one timing thread of the child.
type kernelWorker struct {
	prog  seccomp.Program // empty: no filter
	cpu   int
	iters int
	rep   *kernelThreadReport
	req   chan int     // the call to time a block of; closed at the end
	res   chan float64 // ns per call of the block
	ready chan error   // the install's outcome
}

func (w kernelWorker) run() {
	// Locked for good: the goroutine ends with the thread and its filter.
	runtime.LockOSThread()
	if err := w.setup(); err != nil {
		w.ready <- err
		return
	}
	w.ready <- nil
	for k := range w.req {
		w.res <- timeCalls(kernelCalls[k], w.iters)
	}
}

func (w kernelWorker) setup() error {
	if w.cpu >= 0 {
		var set [16]uint64 // cpu_set_t of 1024 CPUs
		set[w.cpu/64] |= 1 << (w.cpu % 64)
		if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(set), uintptr(unsafe.Pointer(&set))); e != 0 {
			return fmt.Errorf("sched_setaffinity(%d): %v", w.cpu, e)
		}
	}
	var err error
	if w.rep.SeccompBefore, w.rep.FiltersBefore, err = threadSeccomp(); err != nil {
		return err
	}
	for _, c := range kernelCalls {
		w.rep.Before = append(w.rep.Before, callOnce(c))
	}
	if len(w.prog) > 0 {
		if err := seccomp.Install(w.prog, seccomp.InstallOptions{ThisThreadOnly: true}); err != nil {
			return err
		}
	} else if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0); e != 0 {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %v", e)
	}
	if _, w.rep.FiltersAfter, err = threadSeccomp(); err != nil {
		return err
	}
	for _, c := range kernelCalls {
		w.rep.After = append(w.rep.After, callOnce(c))
	}
	return nil
}

func callOnce(c kernelCall) kernelOutcome {
	r, _, e := syscall.RawSyscall(c.nr, c.args[0], c.args[1], c.args[2])
	return kernelOutcome{R: r, Errno: e}
}

// timeCalls makes n calls with raw system calls (no runtime hooks around
// them) and returns the nanoseconds per call.
func timeCalls(c kernelCall, n int) float64 {
	start := time.Now()
	for range n {
		syscall.RawSyscall(c.nr, c.args[0], c.args[1], c.args[2])
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// threadSeccomp reads the calling thread's Seccomp and Seccomp_filters
// (-1 when the kernel does not report them).
func threadSeccomp() (mode, filters int, err error) {
	b, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		return 0, 0, err
	}
	mode, filters = -1, -1
	s := bufio.NewScanner(bytes.NewReader(b))
	for s.Scan() {
		k, v, _ := strings.Cut(s.Text(), ":")
		switch k {
		case "Seccomp":
			mode, err = strconv.Atoi(strings.TrimSpace(v))
		case "Seccomp_filters":
			filters, err = strconv.Atoi(strings.TrimSpace(v))
		}
		if err != nil {
			return 0, 0, err
		}
	}
	return mode, filters, nil
}

// allowedCPUs returns the CPUs the test process may run on.
func allowedCPUs() []int {
	var set [16]uint64
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(set), uintptr(unsafe.Pointer(&set))); e != 0 {
		return nil
	}
	var cpus []int
	for i := range len(set) * 64 {
		if set[i/64]&(1<<(i%64)) != 0 {
			cpus = append(cpus, i)
		}
	}
	return cpus
}

// errSkipKernel is an install the kernel refused for lack of support or
// privileges.
type errSkipKernel struct{ msg string }

func (e *errSkipKernel) Error() string { return e.msg }

// runKernelChild runs a child with progs, one thread each, and checks what
// the calls returned on each thread (checkKernelThread).
func runKernelChild(progs []kernelProgram, iters, blocks, cpu int) (*kernelChildReport, error) {
	job := kernelJob{Iters: iters, Blocks: blocks, CPU: cpu}
	var names []string
	for _, p := range progs {
		job.Programs = append(job.Programs, p.raw)
		names = append(names, p.name)
	}
	in, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKernelBenchChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), kernelChildEnv+"=1", "GODEBUG=asyncpreemptoff=1")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var rep *kernelChildReport
	for line := range strings.Lines(string(out)) {
		if j, ok := strings.CutPrefix(line, kernelReportPrefix); ok {
			rep = new(kernelChildReport)
			if err := json.Unmarshal([]byte(j), rep); err != nil {
				return nil, fmt.Errorf("%s: child's report: %v", names, err)
			}
		}
		if msg, ok := strings.CutPrefix(line, kernelSkipPrefix); ok {
			return nil, &errSkipKernel{fmt.Sprintf("cannot install filters here: %s", strings.TrimSpace(msg))}
		}
	}
	if err != nil || rep == nil {
		return nil, fmt.Errorf("%s: child: %v\n%s%s", names, err, out, stderr.Bytes())
	}
	if len(rep.Threads) != len(progs) {
		return nil, fmt.Errorf("%s: the child reports %d threads", names, len(rep.Threads))
	}
	for i, p := range progs {
		if err := checkKernelThread(p, &rep.Threads[i], blocks); err != nil {
			return nil, fmt.Errorf("%s: %v", p.name, err)
		}
	}
	return rep, nil
}

// checkKernelThread checks a timing thread's report: the filter is on the
// thread, the allowed calls return what they return without it, the denied
// call fails with EPERM under it, and where it runs unfiltered with its own
// error (the sign that it did nothing).
func checkKernelThread(p kernelProgram, tr *kernelThreadReport, blocks int) error {
	if len(tr.Before) != len(kernelCalls) || len(tr.After) != len(kernelCalls) || len(tr.Ns) != len(kernelCalls) {
		return fmt.Errorf("incomplete report: %+v", tr)
	}
	for k, ns := range tr.Ns {
		if len(ns) != blocks {
			return fmt.Errorf("%s: %d blocks timed, want %d", kernelCalls[k].name, len(ns), blocks)
		}
	}
	if tr.FiltersBefore >= 0 {
		want := tr.FiltersBefore
		if p.prog != nil {
			want++
		}
		if tr.FiltersAfter != want {
			return fmt.Errorf("the timing thread has %d filters after the install, want %d", tr.FiltersAfter, want)
		}
	}
	for i, c := range kernelCalls {
		before, after := tr.Before[i], tr.After[i]
		switch {
		case c.allowed && before.Errno != 0:
			return fmt.Errorf("%s fails without the filter: %v", c.name, before)
		case c.allowed && after != before:
			return fmt.Errorf("%s returned %v without the filter, %v with it", c.name, before, after)
		case !c.allowed && tr.SeccompBefore == 0 && before.Errno != c.unfiltered:
			// Only where the thread starts without a filter of someone
			// else's.
			return fmt.Errorf("%s returned %v without a filter, want %v", c.name, before, c.unfiltered)
		case !c.allowed && p.prog != nil && after.Errno != syscall.EPERM:
			return fmt.Errorf("%s returned %v under the filter, want EPERM", c.name, after)
		case !c.allowed && p.prog == nil && after != before:
			return fmt.Errorf("%s returned %v, then %v", c.name, before, after)
		}
	}
	return nil
}

// TestKernelBenchChildWorks runs the kernel benchmarks' children with few
// calls: one per peer, and one with every peer on its own thread; and
// checks what the calls return under each program (checkKernelThread). No
// timing.
func TestKernelBenchChildWorks(t *testing.T) {
	progs := kernelSetup(t)
	var b strings.Builder
	names := kernelCallNames(" / ")
	b.WriteString("| peer | instructions | executed: " + names + " | returned under the program: " + names + " |\n|---|---|---|---|\n")
	for _, p := range progs {
		rep, err := runKernelChild([]kernelProgram{p}, 10, 1, -1)
		if err, ok := err.(*errSkipKernel); ok {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		var outs []string
		for _, o := range rep.Threads[0].After {
			outs = append(outs, o.String())
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", p.name, len(p.prog), p.executedText(), strings.Join(outs, " / "))
	}
	cpu := -1
	if cpus := allowedCPUs(); len(cpus) > 0 {
		cpu = cpus[len(cpus)-1]
	}
	if _, err := runKernelChild(progs, 10, 2, cpu); err != nil {
		t.Fatalf("every peer in one child: %v", err)
	}
	t.Log("\n" + b.String())
}

func kernelCallNames(sep string) string {
	var names []string
	for _, c := range kernelCalls {
		names = append(names, c.name)
	}
	return strings.Join(names, sep)
}

func (p kernelProgram) executedText() string {
	if p.prog == nil {
		return "—"
	}
	var s []string
	for i, n := range p.executed {
		t := strconv.Itoa(n)
		if p.cached[i] {
			t += " (cached)"
		}
		s = append(s, t)
	}
	return strings.Join(s, " / ")
}

// BenchmarkKernelDocker times real system calls under each peer's program
// for Docker's default profile (see kernelPeers and kernelCalls): an
// unconditional allow (getpid), an argument-checked allow
// (personality(0xffffffff)) and a denied call (umount2), with the program
// installed on the timing thread of a child process, and with no filter
// for the baseline. Each peer has a child of its own: one b.Loop iteration
// is kernelProcRounds rounds of every peer's child in turn, in an order
// rotated per round (A B C D, then B C D A, ...), the timing threads of a
// round pinned to one CPU (the next one each round), and each child times
// kernelProcBlocks blocks of kernelIters calls of each call, the calls'
// blocks interleaved. See kernelBench for the metrics, and
// BenchmarkKernelDockerThreads for a finer interleaving.
func BenchmarkKernelDocker(b *testing.B) {
	progs := kernelSetup(b)
	cpus := allowedCPUs()
	kernelBench(b, progs, kernelProcRounds, kernelProcBlocks, func(r int) [][][]float64 {
		ns := make([][][]float64, len(progs))
		for j := range progs {
			i := (r + j) % len(progs)
			rep := kernelRound(b, progs[i:i+1], kernelProcBlocks, kernelCPU(cpus, r))
			ns[i] = rep[0]
		}
		return ns
	})
}

// BenchmarkKernelDockerThreads is BenchmarkKernelDocker with every peer in
// one child, each on a thread of its own, all pinned to one CPU (the next
// one each round): the threads take turns block by block (kernelChild), so
// that peers are interleaved every few milliseconds rather than every
// tenth of a second, and share the process's layout. One b.Loop iteration
// is kernelThreadRounds such children, one after the other; the peers take
// the threads in an order rotated per round, so that no peer keeps a
// thread's place in the turns.
func BenchmarkKernelDockerThreads(b *testing.B) {
	progs := kernelSetup(b)
	cpus := allowedCPUs()
	kernelBench(b, progs, kernelThreadRounds, kernelThreadBlocks, func(r int) [][][]float64 {
		rot := append(slices.Clone(progs[r%len(progs):]), progs[:r%len(progs)]...)
		got := kernelRound(b, rot, kernelThreadBlocks, kernelCPU(cpus, r))
		return append(got[len(progs)-r%len(progs):], got[:len(progs)-r%len(progs)]...)
	})
}

// Sizes of the kernel benchmarks: about 10 s each per b.Loop iteration
// with five peers, on a machine where these system calls cost 1 µs.
const (
	kernelIters        = 3000 // calls per timed block
	kernelProcRounds   = 12   // BenchmarkKernelDocker: rounds per iteration
	kernelProcBlocks   = 8    // blocks per call in each child
	kernelThreadRounds = 12   // BenchmarkKernelDockerThreads: children per iteration
	kernelThreadBlocks = 12   // blocks per peer and call in each child
)

func kernelCPU(cpus []int, round int) int {
	if len(cpus) == 0 {
		return -1
	}
	return cpus[round%len(cpus)]
}

// kernelRound runs one child with progs and returns ns[prog][call] =
// the blocks' ns per call.
func kernelRound(b *testing.B, progs []kernelProgram, blocks, cpu int) [][][]float64 {
	rep, err := runKernelChild(progs, kernelIters, blocks, cpu)
	if err, ok := err.(*errSkipKernel); ok {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	ns := make([][][]float64, len(progs))
	for i := range progs {
		ns[i] = rep.Threads[i].Ns
	}
	return ns
}

// kernelBench runs rounds rounds per b.Loop iteration (b.N iterations make
// b.N times as many rounds; ns/op is the wall time of an iteration, child
// start-ups included, not a per-call cost) and reports per-call metrics
// that do not depend on b.N:
//
//   - ns/CALL-PEER: the median over rounds of the round's median over its
//     blocks, nanoseconds per call;
//   - ns-overhead/CALL-PEER: the median over rounds of PEER's round median
//     minus the baseline's (for the denied call the baseline runs umount2
//     to its EINVAL, so this is the filter's cost minus that of a failing
//     umount2).
//
// It logs a table with the quartiles over rounds, the instructions each
// program executes for each call (emulator) and whether the kernel's
// action cache answers the call (then no filter runs at all), and the
// per-round difference between our program and each other filter, with
// the number of rounds in which ours was at or below it.
func kernelBench(b *testing.B, progs []kernelProgram, rounds, blocks int, round func(r int) [][][]float64) {
	// ns[peer][call] holds one value per round.
	ns := make([][][]float64, len(progs))
	for i := range ns {
		ns[i] = make([][]float64, len(kernelCalls))
	}
	n := 0
	for b.Loop() {
		for range rounds {
			r := round(n)
			for i := range progs {
				for k := range kernelCalls {
					ns[i][k] = append(ns[i][k], quantile(r[i][k], 0.5))
				}
			}
			n++
		}
	}
	diff := func(i, j, k int) []float64 { // per round, peer i minus peer j
		d := make([]float64, n)
		for r := range d {
			d[r] = ns[i][k][r] - ns[j][k][r]
		}
		return d
	}
	for i, p := range progs {
		for k, c := range kernelCalls {
			b.ReportMetric(quantile(ns[i][k], 0.5), "ns/"+c.name+"-"+p.name)
			if i > 0 {
				b.ReportMetric(quantile(diff(i, 0, k), 0.5), "ns-overhead/"+c.name+"-"+p.name)
			}
		}
	}
	if out := os.Getenv("SECCOMP_KERNEL_BENCH_OUT"); out != "" {
		kernelDump(b, out, progs, ns)
	}

	// testing keeps 9 lines of a benchmark's log: the first (with the
	// summary), the table's two and one per peer, up to seven peers.
	var t strings.Builder
	fmt.Fprintf(&t, "%d rounds x %d blocks x %d calls; ns/call: median over rounds [quartiles]; overhead and ours minus peer: median of per-round differences (ours at or below in n of %d rounds)\n",
		n, blocks, kernelIters, n)
	names := kernelCallNames(" / ")
	fmt.Fprintf(&t, "| peer | instructions | executed: %s |", names)
	for _, c := range kernelCalls {
		fmt.Fprintf(&t, " ns/%s |", c.name)
	}
	fmt.Fprintf(&t, " overhead: %s | ours minus peer: %s |\n|---|---|---|%s---|---|\n", names, names, strings.Repeat("---|", len(kernelCalls)))
	ours := slices.IndexFunc(progs, func(p kernelProgram) bool { return p.name == "ours" })
	for i, p := range progs {
		insns := "—"
		if p.prog != nil {
			insns = strconv.Itoa(len(p.prog))
		}
		fmt.Fprintf(&t, "| %s | %s | %s |", p.name, insns, p.executedText())
		for k := range kernelCalls {
			fmt.Fprintf(&t, " %.0f [%.0f–%.0f] |", quantile(ns[i][k], 0.5), quantile(ns[i][k], 0.25), quantile(ns[i][k], 0.75))
		}
		var over, vs []string
		for k := range kernelCalls {
			if i == 0 {
				over = append(over, "—")
			} else {
				over = append(over, fmt.Sprintf("%+.0f", quantile(diff(i, 0, k), 0.5)))
			}
			if i == 0 || i == ours || ours < 0 {
				vs = append(vs, "—")
				continue
			}
			d := diff(ours, i, k)
			lower := 0
			for _, v := range d {
				if v <= 0 {
					lower++
				}
			}
			vs = append(vs, fmt.Sprintf("%+.0f (%d)", quantile(d, 0.5), lower))
		}
		fmt.Fprintf(&t, " %s | %s |\n", strings.Join(over, " / "), strings.Join(vs, " / "))
	}
	b.Log(strings.TrimSuffix(t.String(), "\n"))
}

// kernelDump writes a kernel benchmark's per-round values to a JSON file
// (SECCOMP_KERNEL_BENCH_OUT), for a closer look.
func kernelDump(b *testing.B, name string, progs []kernelProgram, ns [][][]float64) {
	type peer struct {
		Name         string               `json:"name"`
		Instructions int                  `json:"instructions"`
		Executed     []int                `json:"executed,omitempty"`
		Cached       []bool               `json:"cached,omitempty"`
		Ns           map[string][]float64 `json:"ns_per_round"`
	}
	var out struct {
		Benchmark string   `json:"benchmark"`
		Calls     []string `json:"calls"`
		Peers     []peer   `json:"peers"`
	}
	out.Benchmark, out.Calls = b.Name(), strings.Split(kernelCallNames(","), ",")
	for i, p := range progs {
		q := peer{Name: p.name, Instructions: len(p.prog), Executed: p.executed, Cached: p.cached, Ns: map[string][]float64{}}
		for k, c := range kernelCalls {
			q.Ns[c.name] = ns[i][k]
		}
		out.Peers = append(out.Peers, q)
	}
	j, err := json.MarshalIndent(out, "", "  ")
	if err == nil {
		err = os.WriteFile(strings.ReplaceAll(name, "NAME", b.Name()), j, 0o644)
	}
	if err != nil {
		b.Error(err)
	}
}

// quantile returns the q-quantile of xs (linear interpolation).
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	pos := q * float64(len(s)-1)
	lo := int(pos)
	if lo+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}
