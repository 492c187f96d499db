//go:build linux

package kerneltest

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// unsupported reports whether errno e, from an attempt to install a plain
// ALLOW filter, means seccomp filters cannot be used here.
func unsupported(e unix.Errno) bool {
	switch e {
	case unix.ENOSYS, unix.EINVAL, unix.EACCES, unix.EPERM:
		return true
	}
	return false
}

func checkInfo(c *Child) (Info, error) {
	in, err := c.Info()
	if err != nil {
		return in, err
	}
	if in.ActionAvail != 0 {
		return in, fmt.Errorf("%w: SECCOMP_GET_ACTION_AVAIL(ALLOW): %v", ErrUnsupported, in.ActionAvail)
	}
	return in, nil
}

// Loader answers "does the kernel accept this program?" for many programs
// at a time, in filled helper processes: each helper has attached ALLOW
// filters (with TSYNC, to all its threads) until not even a one-instruction
// filter fits (MaxStack), so a load attaches nothing and its errno is the
// verdict: the kernel checks a program (EINVAL when invalid) before it
// checks the room left (ENOMEM).
type Loader struct {
	children []*Child
	// Fills has, for every helper, the attach attempts that filled it.
	Fills [][]Attach
	// Info has the helpers' state before they were filled.
	Info []Info
	// Parallel is the number of threads loading at once in a helper.
	Parallel int
	// Batch is the number of programs sent to a helper at once.
	Batch int
}

// NewLoader starts procs filled helpers and checks the method on them: a
// valid program must get ENOMEM, an invalid one EINVAL. The error wraps
// ErrUnsupported when seccomp filters cannot be used.
func NewLoader(procs int) (*Loader, error) {
	l := &Loader{Parallel: 2, Batch: 256}
	for range max(procs, 1) {
		c, err := Start("")
		if err != nil {
			l.Close()
			return nil, err
		}
		l.children = append(l.children, c)
		in, err := checkInfo(c)
		if err != nil {
			l.Close()
			return nil, err
		}
		l.Info = append(l.Info, in)
		fill, err := c.Fill()
		if err != nil {
			if len(fill) > 0 && unsupported(fill[len(fill)-1].Errno) {
				err = fmt.Errorf("%w: %v", ErrUnsupported, err)
			}
			l.Close()
			return nil, err
		}
		l.Fills = append(l.Fills, fill)
		probe := [][]bpf.RawInstruction{
			{{Op: opRetK, K: retAllow}},                      // valid
			{{Op: opLdWAbs, K: 2}, {Op: opRetA}},             // invalid: unaligned load
			AllowFilter(maxInsns),                            // valid
			append(AllowFilter(maxInsns), AllowFilter(1)...), // invalid: 4097 instructions
		}
		want := []unix.Errno{unix.ENOMEM, unix.EINVAL, unix.ENOMEM, unix.EINVAL}
		got, err := c.Load(probe, 1)
		if err != nil {
			l.Close()
			return nil, err
		}
		for i := range want {
			if got[i] != want[i] {
				l.Close()
				return nil, fmt.Errorf("kerneltest: filled helper: probe %d got %v, want %v: the method does not work here", i, got[i], want[i])
			}
		}
	}
	return l, nil
}

// Close ends the helpers.
func (l *Loader) Close() error {
	var errs []error
	for _, c := range l.children {
		errs = append(errs, c.Close())
	}
	l.children = nil
	return errors.Join(errs...)
}

// Load returns the kernel's errno for loading each program (see
// Child.Load): ENOMEM means accepted, EINVAL refused.
func (l *Loader) Load(progs [][]bpf.RawInstruction) ([]unix.Errno, error) {
	res := make([]unix.Errno, len(progs))
	batches := make(chan int)
	errs := make([]error, len(l.children))
	var wg sync.WaitGroup
	for ci, c := range l.children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range batches {
				end := min(start+l.Batch, len(progs))
				if errs[ci] != nil {
					continue
				}
				got, err := c.Load(progs[start:end], l.Parallel)
				if err != nil {
					errs[ci] = err
					continue
				}
				copy(res[start:end], got)
			}
		}()
	}
	for start := 0; start < len(progs); start += l.Batch {
		batches <- start
	}
	close(batches)
	wg.Wait()
	return res, errors.Join(errs...)
}

// Case is a program, which the kernel must accept, and calls to run it on.
type Case struct {
	Prog  []bpf.RawInstruction
	Calls []Call
}

// Result is what the kernel decided for one call: the value the program
// returned (0 and Killed when a division by a zero X ended it, as the
// kernel does), or why the Runner could not tell.
type Result struct {
	Value  uint32
	Killed bool
	RetA   bool // the value came from a RET A
	Err    error
}

// InstallError is the kernel refusing to install an instrumented program.
type InstallError struct {
	Variant int
	Errno   unix.Errno
}

func (e *InstallError) Error() string {
	return fmt.Sprintf("kerneltest: the kernel refused variant %d of the instrumented program: %v", e.Variant, e.Errno)
}

// Runner runs programs on calls in helper processes (see Instrument): the
// kernel runs every case on its calls, and the Runner reports what the
// program returned each time.
type Runner struct {
	procs    int
	startFn  func() (*Child, error)
	children []*Child
	// IP is seccomp_data.instruction_pointer as the kernel fills it for
	// the Runner's calls: the address after the system call instruction in
	// the Go runtime. Inputs for an emulator must use it.
	IP uint64
	// Parallel is the number of worker threads at once in a helper.
	Parallel int
	// Chunk is the number of cases sent to a helper at once.
	Chunk int
	// MaxKills is the number of killed threads after which a helper is
	// replaced by a fresh one (a killed thread's Go runtime bookkeeping
	// is never freed).
	MaxKills int
	// Restarts counts the helpers replaced so far.
	Restarts int
}

// NewRunner starts procs helpers, finds the instruction pointer of their
// calls and checks the method: a RET K and a division by zero must be seen
// as such. The error wraps ErrUnsupported when seccomp filters cannot be
// used.
func NewRunner(procs int) (*Runner, error) {
	return NewRunnerStart(procs, func() (*Child, error) { return Start("") })
}

// NewRunnerStart is NewRunner with helpers started by start.
func NewRunnerStart(procs int, start func() (*Child, error)) (*Runner, error) {
	r := &Runner{procs: max(procs, 1), startFn: start, Parallel: 4, Chunk: 64, MaxKills: 2000}
	for range r.procs {
		c, err := r.start()
		if err != nil {
			r.Close()
			return nil, err
		}
		r.children = append(r.children, c)
	}
	return r, nil
}

// start starts a helper and checks it against the Runner's IP (setting it
// the first time).
func (r *Runner) start() (*Child, error) {
	c, err := r.startFn()
	if err != nil {
		return nil, err
	}
	ip, err := r.calibrate(c)
	if err != nil {
		c.Close()
		return nil, err
	}
	if r.IP == 0 {
		r.IP = ip
	} else if ip != r.IP {
		c.Close()
		return nil, fmt.Errorf("kerneltest: helper %d calls from IP %#x, another from %#x", c.Pid(), ip, r.IP)
	}
	return c, nil
}

func (r *Runner) calibrate(c *Child) (uint64, error) {
	if _, err := checkInfo(c); err != nil {
		return 0, err
	}
	call := []Call{{Nr: MinTestNr, Args: [6]uint64{1, 2, 3, 4, 5, 6}}}
	cases := []Case{
		{Prog: []bpf.RawInstruction{{Op: opRetK, K: retErrno | 5}}, Calls: call},
		{Prog: []bpf.RawInstruction{{Op: opLdWAbs, K: 8}, {Op: opRetA}}, Calls: call},
		{Prog: []bpf.RawInstruction{{Op: opLdWAbs, K: 12}, {Op: opRetA}}, Calls: call},
		{Prog: []bpf.RawInstruction{{Op: 0x3c /* div x */}, {Op: opRetK, K: retAllow}}, Calls: call},
	}
	res, err := r.runOn(c, cases, false)
	if err != nil {
		return 0, err
	}
	if e := res[0][0].Err; e != nil {
		var ie *InstallError
		if errors.As(e, &ie) && unsupported(ie.Errno) {
			return 0, fmt.Errorf("%w: %v", ErrUnsupported, e)
		}
		return 0, e
	}
	if v := res[0][0]; v.Value != retErrno|5 || v.Killed {
		return 0, fmt.Errorf("kerneltest: helper %d: RET ERRNO(5) seen as %+v", c.Pid(), v)
	}
	if v := res[3][0]; !v.Killed || v.Err != nil {
		return 0, fmt.Errorf("kerneltest: helper %d: a division by a zero X seen as %+v", c.Pid(), v)
	}
	lo, hi := res[1][0], res[2][0]
	if lo.Err != nil || hi.Err != nil {
		return 0, errors.Join(lo.Err, hi.Err)
	}
	return uint64(hi.Value)<<32 | uint64(lo.Value), nil
}

// Close ends the helpers.
func (r *Runner) Close() error {
	var errs []error
	for _, c := range r.children {
		if c != nil {
			errs = append(errs, c.Close())
		}
	}
	r.children = nil
	return errors.Join(errs...)
}

// Run runs every case on its calls and returns one Result per call. The
// error reports failures of the machinery; a case the Runner cannot run
// (too long, too many RET K values) gets an Err in each of its Results.
func (r *Runner) Run(cases []Case) ([][]Result, error) {
	return r.run(cases, false)
}

// RunAnyNr is Run for calls of any number, the numbers of real system
// calls included: each program is instrumented with InstrumentAt(r.IP),
// so that every call the helpers make for the cases is judged by the
// instrumented program and none runs (every return of the program is an
// ERRNO), while the helpers' own calls, made from other addresses, are let
// through. Programs may be at most MaxLenAt instructions long. The kernel
// runs a few calls without consulting any filter (x86_64's uretprobe and
// uprobe, which then kill the caller): the caller must not ask for them.
func (r *Runner) RunAnyNr(cases []Case) ([][]Result, error) {
	return r.run(cases, true)
}

func (r *Runner) run(cases []Case, anyNr bool) ([][]Result, error) {
	res := make([][]Result, len(cases))
	chunks := make(chan int)
	errs := make([]error, len(r.children))
	var mu sync.Mutex // guards r.IP and r.Restarts during restarts
	var wg sync.WaitGroup
	for ci := range r.children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range chunks {
				if errs[ci] != nil {
					continue
				}
				c := r.children[ci]
				end := min(start+r.Chunk, len(cases))
				got, err := r.runOn(c, cases[start:end], anyNr)
				if err != nil {
					errs[ci] = err
					continue
				}
				copy(res[start:end], got)
				if c.Kills() >= r.MaxKills {
					mu.Lock()
					errs[ci] = c.Close()
					if errs[ci] == nil {
						r.children[ci], errs[ci] = r.start()
						r.Restarts++
					}
					mu.Unlock()
				}
			}
		}()
	}
	for start := 0; start < len(cases); start += r.Chunk {
		chunks <- start
	}
	close(chunks)
	wg.Wait()
	return res, errors.Join(errs...)
}

// runOn runs cases in one helper: first Variants[0] of every program on all
// its calls, then the other variants on the calls that took a RET A. With
// anyNr the programs are gated on r.IP (see RunAnyNr).
func (r *Runner) runOn(c *Child, cases []Case, anyNr bool) ([][]Result, error) {
	instrument := Instrument
	if anyNr {
		instrument = func(p []bpf.RawInstruction) (*Instrumented, error) {
			return InstrumentAt(p, r.IP, nativeLittleEndian)
		}
	}
	res := make([][]Result, len(cases))
	insts := make([]*Instrumented, len(cases))
	var jobs []Job
	var jobCase []int
	for i, cs := range cases {
		res[i] = make([]Result, len(cs.Calls))
		inst, err := instrument(cs.Prog)
		if err != nil {
			for j := range res[i] {
				res[i][j].Err = err
			}
			continue
		}
		insts[i] = inst
		jobs = append(jobs, Job{Prog: inst.Variants[0], Calls: cs.Calls, RealCalls: anyNr})
		jobCase = append(jobCase, i)
	}
	first, err := c.Run(jobs, r.Parallel)
	if err != nil {
		return nil, err
	}
	// outs[i][j] are the outcomes of call j of case i, one per variant run.
	outs := make([][][]Outcome, len(cases))
	type more struct{ i, v int }
	var jobs2 []Job
	var more2 []more
	var callIdx [][]int // for each job of the second round, the calls it makes
	for k, jr := range first {
		i := jobCase[k]
		if jr.InstallErrno != 0 {
			err := &InstallError{Variant: 0, Errno: jr.InstallErrno}
			for j := range res[i] {
				res[i][j].Err = err
			}
			insts[i] = nil
			continue
		}
		outs[i] = make([][]Outcome, len(cases[i].Calls))
		var need []int
		var calls []Call
		for j, o := range jr.Outcomes {
			outs[i][j] = []Outcome{o}
			if insts[i].NeedsAllVariants(o) {
				need = append(need, j)
				calls = append(calls, cases[i].Calls[j])
			}
		}
		if len(need) == 0 {
			continue
		}
		for v := 1; v < len(insts[i].Variants); v++ {
			jobs2 = append(jobs2, Job{Prog: insts[i].Variants[v], Calls: calls, RealCalls: anyNr})
			more2 = append(more2, more{i, v})
			callIdx = append(callIdx, need)
		}
	}
	if len(jobs2) > 0 {
		second, err := c.Run(jobs2, r.Parallel)
		if err != nil {
			return nil, err
		}
		for k, jr := range second {
			i := more2[k].i
			if jr.InstallErrno != 0 {
				err := &InstallError{Variant: more2[k].v, Errno: jr.InstallErrno}
				for j := range res[i] {
					res[i][j].Err = err
				}
				continue
			}
			for n, j := range callIdx[k] {
				outs[i][j] = append(outs[i][j], jr.Outcomes[n])
			}
		}
	}
	for i := range cases {
		if insts[i] == nil {
			continue
		}
		for j := range cases[i].Calls {
			if res[i][j].Err != nil {
				continue
			}
			v, killed, err := insts[i].Decode(outs[i][j])
			res[i][j] = Result{Value: v, Killed: killed, RetA: insts[i].NeedsAllVariants(outs[i][j][0]), Err: err}
		}
	}
	return res, nil
}
