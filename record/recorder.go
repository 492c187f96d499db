package record

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/notify"
)

// Options say what a Recorder records besides the system calls, their
// counts and the arguments of ArgSpecs, which it always records. The zero
// value (and nil) is the default.
type Options struct {
	// ReadMemory reads the argument values that live in the target's
	// memory rather than in registers: clone3's flags and exit signal
	// (FieldCloneFlags, FieldCloneExitSignal), for ProfileOptions.Args.
	// Reading needs the permission to ptrace the target, which a
	// supervisor that started it has (see notify.Request.OpenMem).
	ReadMemory bool
	// MoreArgs records the values of more arguments: system call name to
	// argument indexes (0 to 5). For studying what a program passes (the
	// Go-runtime baseline is derived that way); Profile writes no
	// conditions from them.
	MoreArgs map[string][]int
	// MaxValues bounds the distinct values kept per argument; further
	// values are counted in ArgValues.Dropped. 0 means 256.
	MaxValues int
}

// DefaultMaxValues is the bound on distinct values per argument when
// Options.MaxValues is 0.
const DefaultMaxValues = 256

// MaxUnnamedCalls bounds the distinct system call numbers without a name
// (no arch's table has them) that a Recorder keeps an entry for. The
// target chooses the numbers it calls, any of 2^32: without a bound, it
// could make the recorder grow until it runs out of memory. The calls of
// further such numbers are counted in Recording.Total only, and Errors
// says so.
const MaxUnnamedCalls = 1024

// Recorder records the system calls that reach it through user
// notification, and lets each one run as if no filter had been there
// (SECCOMP_USER_NOTIF_FLAG_CONTINUE). It only watches: it never denies,
// changes or delays a call beyond the round trip, so it enforces nothing.
// Command runs a program under a filter that notifies every call; Serve
// and Handle record the calls of any listener.
//
// A Recorder is safe for concurrent use; Recording returns what it has
// recorded so far.
type Recorder struct {
	opts Options
	max  int

	mu          sync.Mutex
	calls       map[callKey]*callRec
	threads     map[uint32]struct{}
	total       uint64
	errs        []string
	unnamed     int  // entries of calls without a name, up to MaxUnnamedCalls
	unnamedFull bool // and calls of further numbers were left out
}

type callKey struct {
	arch seccomp.AuditArch
	nr   int32 // with the x32 bit for x32
}

type callRec struct {
	count uint64
	args  map[argKey]*valueSet
}

type argKey struct {
	index int    // 0 to 5, or -1 for a field read from memory
	field string // the field's name, for index -1
}

type valueSet struct {
	values  map[uint64]uint64 // value to count
	dropped uint64
}

// New returns a Recorder with the given options (nil for none).
func New(opts *Options) *Recorder {
	r := &Recorder{calls: map[callKey]*callRec{}, threads: map[uint32]struct{}{}, max: DefaultMaxValues}
	if opts != nil {
		r.opts = *opts
		if opts.MaxValues > 0 {
			r.max = opts.MaxValues
		}
	}
	return r
}

// Handle records the call of r and answers notify.Continue(): a
// notify.Handler, for a supervisor that records some calls and decides
// others itself. It reads the target's memory for the few arguments that
// live there (clone3's flags, with Options.ReadMemory): see ArgSpecs.
func (rec *Recorder) Handle(ctx context.Context, r *notify.Request) notify.Response {
	a := archOf(&r.Data)
	name := ""
	if a != nil {
		name, _ = a.SyscallName(r.Data.Nr)
	}
	var mem map[string]uint64
	var memErr error
	if rec.opts.ReadMemory && name == "clone3" {
		mem, memErr = readClone3(r)
	}
	rec.record(&r.Notif, name, mem, memErr)
	return notify.Continue()
}

// Serve records the calls arriving on l and lets them run, until no
// process uses the filter any more (notify.Server.Serve's nil), ctx is
// done or l is closed. It handles them one at a time, as they come, on a
// thread of its own (notify.Server.Inline): a call costs a few
// microseconds more than unrecorded, where a goroutine per call would
// cost ten times that (see BENCHMARKS.md).
func (rec *Recorder) Serve(ctx context.Context, l *notify.Listener) error {
	s := notify.Server{
		Handler: rec,
		Inline:  true,
		ErrorLog: func(n *notify.Notif, err error) {
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.errs) < 100 {
				rec.errs = append(rec.errs, err.Error())
			}
		},
	}
	return s.Serve(ctx, l)
}

// archOf returns the arch of a call, x32 told by the x32 bit; nil for an
// arch without a table here.
func archOf(d *seccomp.Data) *seccomp.Arch {
	for _, a := range seccomp.ArchesOf(d.Arch) {
		if (a == seccomp.ArchX32) == (uint32(d.Nr)&seccomp.X32SyscallBit != 0) {
			return a
		}
	}
	return nil
}

func (rec *Recorder) record(n *notify.Notif, name string, mem map[string]uint64, memErr error) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.total++
	if n.Pid != 0 {
		rec.threads[n.Pid] = struct{}{}
	}
	k := callKey{arch: n.Data.Arch, nr: n.Data.Nr}
	c := rec.calls[k]
	if c == nil {
		if name == "" {
			if rec.unnamed == MaxUnnamedCalls {
				// Counted in total only (see MaxUnnamedCalls).
				if !rec.unnamedFull && len(rec.errs) < 100 {
					rec.errs = append(rec.errs, fmt.Sprintf("more than %d distinct system call numbers without a name: the calls of those past the first %[1]d are counted in the total only", MaxUnnamedCalls))
				}
				rec.unnamedFull = true
				return
			}
			rec.unnamed++
		}
		c = &callRec{}
		rec.calls[k] = c
	}
	c.count++
	for _, s := range argSpecs[name] {
		rec.add(c, argKey{index: s.Index}, n.Data.Args[s.Index])
	}
	for _, i := range rec.opts.MoreArgs[name] {
		if i >= 0 && i < 6 && !slices.ContainsFunc(argSpecs[name], func(s ArgSpec) bool { return s.Index == i }) {
			rec.add(c, argKey{index: i}, n.Data.Args[i])
		}
	}
	if name == "clone3" && rec.opts.ReadMemory {
		if memErr != nil {
			rec.add(c, argKey{index: -1, field: FieldUnread}, 0)
			if len(rec.errs) < 100 {
				rec.errs = append(rec.errs, fmt.Sprintf("clone3 of thread %d: %v", n.Pid, memErr))
			}
		}
		for f, v := range mem {
			rec.add(c, argKey{index: -1, field: f}, v)
		}
	}
}

func (rec *Recorder) add(c *callRec, k argKey, v uint64) {
	if c.args == nil {
		c.args = map[argKey]*valueSet{}
	}
	s := c.args[k]
	if s == nil {
		s = &valueSet{values: map[uint64]uint64{}}
		c.args[k] = s
	}
	if _, ok := s.values[v]; !ok && len(s.values) >= rec.max {
		s.dropped++
		return
	}
	s.values[v]++
}

// The fields of struct clone_args that Handle reads for clone3
// (include/uapi/linux/sched.h), and FieldUnread, counted when the struct
// could not be read.
const (
	FieldCloneFlags      = "clone_args.flags"
	FieldCloneExitSignal = "clone_args.exit_signal"
	FieldUnread          = "unreadable"
)

// readClone3 reads flags and exit_signal of clone3's struct clone_args
// (both 64-bit, at offsets 0 and 32, in the target's byte order, which is
// this process's: a supervisor runs on the same machine).
func readClone3(r *notify.Request) (map[string]uint64, error) {
	if r.Data.Args[1] < 40 {
		return nil, fmt.Errorf("clone_args of %d bytes, fewer than the 40 that hold exit_signal", r.Data.Args[1])
	}
	m, err := r.OpenMem()
	if err != nil {
		return nil, err
	}
	defer m.Close()
	var b [40]byte
	if _, err := m.ReadAt(b[:], int64(r.Data.Args[0])); err != nil {
		return nil, err
	}
	return map[string]uint64{
		FieldCloneFlags:      binary.NativeEndian.Uint64(b[0:]),
		FieldCloneExitSignal: binary.NativeEndian.Uint64(b[32:]),
	}, nil
}

// Recording returns what rec has recorded so far.
func (rec *Recorder) Recording() *Recording {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := &Recording{Total: rec.total, Threads: len(rec.threads), Errors: slices.Clone(rec.errs)}
	for k, c := range rec.calls {
		call := Call{AuditArch: k.arch, Nr: k.nr, Count: c.count}
		d := seccomp.Data{Arch: k.arch, Nr: k.nr}
		if a := archOf(&d); a != nil {
			call.Arch = a.Name
			call.Name, _ = a.SyscallName(k.nr)
		}
		for ak, s := range c.args {
			av := ArgValues{Index: ak.index, Field: ak.field, Dropped: s.dropped}
			for v, n := range s.values {
				av.Values = append(av.Values, Value{Value: v, Count: n})
			}
			slices.SortFunc(av.Values, func(a, b Value) int { return cmpUint(a.Value, b.Value) })
			call.Args = append(call.Args, av)
		}
		sortArgs(call.Args)
		out.Calls = append(out.Calls, call)
	}
	out.sort()
	return out
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
