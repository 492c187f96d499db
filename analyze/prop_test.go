package analyze

import (
	"math/rand/v2"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/progen"
)

// A generator of random filters and of inputs aimed at their rules, written
// for these tests (the package's own generator is a test helper of the root
// package).
type filterGen struct {
	rng    *rand.Rand
	values []uint64 // every constant the rules use
}

var edges = []uint64{0, 1, 2, 3, 7, 8, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1 << 63, 1<<64 - 1, 0xffffffff00000000, 0x0000000100000001}

func (g *filterGen) value() uint64 {
	var v uint64
	switch g.rng.IntN(4) {
	case 0:
		v = g.rng.Uint64()
	case 1:
		v = uint64(g.rng.IntN(16))
	default:
		v = edges[g.rng.IntN(len(edges))]
		switch g.rng.IntN(3) {
		case 0:
			v++
		case 1:
			v--
		}
	}
	g.values = append(g.values, v)
	return v
}

var testActions = []seccomp.Action{seccomp.ActKillProcess, seccomp.ActKillThread, seccomp.Trap(1), seccomp.Errno(1), seccomp.Errno(13),
	seccomp.ActUserNotif, seccomp.Trace(3), seccomp.ActLog, seccomp.ActAllow}

func (g *filterGen) action() seccomp.Action { return testActions[g.rng.IntN(len(testActions))] }

var pool = []string{"read", "write", "openat", "socket", "ioctl", "mprotect", "clone", "futex", "exit_group", "personality"}

func (g *filterGen) filter() *seccomp.Filter {
	all := seccomp.Arches()
	g.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	arches := all[:1+g.rng.IntN(3)]
	f := seccomp.NewFilter(g.action(), arches...)
	f.SetBadArchAction(g.action())
	f.SetUnknownSyscallENOSYS(g.rng.IntN(2) == 0)
	f.SetNrMinusOneDefault(g.rng.IntN(2) == 0)
	uncond := map[string]bool{}
	for range g.rng.IntN(12) {
		r := seccomp.Rule{Syscall: pool[g.rng.IntN(len(pool))], Action: g.action()}
		n := g.rng.IntN(4)
		if n == 0 && uncond[r.Syscall] {
			n = 1
		}
		if n == 0 {
			uncond[r.Syscall] = true
		}
		arg := g.rng.IntN(3)
		for range n {
			if g.rng.IntN(3) == 0 {
				arg = g.rng.IntN(6)
			}
			ref := seccomp.Arg(arg)
			if g.rng.IntN(4) == 0 {
				ref = seccomp.Arg32(arg)
			}
			v := g.value()
			var c seccomp.Cond
			switch g.rng.IntN(8) {
			case 0:
				c = ref.Eq(v)
			case 1:
				c = ref.Ne(v)
			case 2:
				c = ref.Lt(max(v, 1))
			case 3:
				c = ref.Le(v)
			case 4:
				c = ref.Gt(min(v, 1<<32-2))
			case 5:
				c = ref.Ge(v)
			case 6:
				m := g.value()
				c = ref.MaskedEq(m, v&m)
			default:
				c = ref.MaskedNe(g.value(), v)
			}
			r.Conds = append(r.Conds, c)
		}
		f.Add(r)
	}
	return f
}

// input returns a call aimed at the filter's rules.
func (g *filterGen) input(arches []*seccomp.Arch) seccomp.Data {
	var d seccomp.Data
	a := arches[g.rng.IntN(len(arches))]
	if g.rng.IntN(6) == 0 {
		a = seccomp.Arches()[g.rng.IntN(6)]
	}
	d.Arch = a.AuditArch
	switch g.rng.IntN(12) {
	case 0:
		d.Arch = seccomp.AuditArch(g.rng.Uint32())
	case 1:
		d.Arch = seccomp.AuditArchS390X
	}
	switch k := g.rng.IntN(14); {
	case k < 6 || k >= 10:
		d.Nr, _ = a.Syscall(pool[g.rng.IntN(len(pool))])
	case k == 6:
		d.Nr = -1
	case k == 7:
		d.Nr = a.MaxSyscall() + int32(g.rng.IntN(3))
	case k == 8:
		d.Nr = int32(g.rng.Uint32())
	default:
		d.Nr = int32(g.rng.IntN(500)) | int32(g.rng.IntN(2))*seccomp.X32SyscallBit
	}
	for i := range d.Args {
		switch g.rng.IntN(5) {
		case 0:
			d.Args[i] = g.rng.Uint64()
		case 1:
			d.Args[i] = edges[g.rng.IntN(len(edges))]
		default:
			if len(g.values) > 0 {
				v := g.values[g.rng.IntN(len(g.values))]
				switch g.rng.IntN(5) {
				case 0:
					v++
				case 1:
					v--
				case 2:
					v ^= 1 << 32 // the other half differs
				case 3:
					v ^= uint64(1) << g.rng.IntN(64)
				}
				d.Args[i] = v
			}
		}
	}
	d.InstructionPointer = g.rng.Uint64()
	return d
}

// checkAgainstEmulator runs the program and the recovered decisions on the
// inputs and reports every difference; it also checks that exactly one
// decision holds for each input.
func checkAgainstEmulator(t *testing.T, p seccomp.Program, r *Report, inputs []seccomp.Data) (checked, conditional int) {
	t.Helper()
	em := seccomp.MustEmulator(p)
	for _, d := range inputs {
		want := em.Run(d).Action
		ds, ok := r.decisionsFor(&d)
		if !ok {
			continue // too complex
		}
		checked++
		if len(ds) > 1 {
			conditional++
		}
		n := 0
		var got seccomp.Action
		for i := range ds {
			if ds[i].Holds(&d) {
				n++
				got = ds[i].Value(&d)
			}
		}
		if n != 1 || got != want {
			t.Fatalf("input %+v: %d decisions hold, got %v, the program returns %v\nprogram:\n%s\ndecisions: %v",
				d, n, got.RawString(), want.RawString(), seccomp.Disassemble(p), ds)
		}
	}
	return checked, conditional
}

// The decisions recovered from compiled filters give the program's action
// on random inputs, and exactly one holds for each.
func TestRecoveredMatchesEmulatorFilters(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	var checked, conditional int
	for seed := range n {
		g := &filterGen{rng: rand.New(rand.NewPCG(uint64(seed), 1))}
		var f *seccomp.Filter
		var p seccomp.Program
		for {
			g.values = nil
			f = g.filter()
			var err error
			if p, err = f.Compile(); err == nil {
				break // a random filter may be invalid: try another
			}
		}
		r, err := Analyze(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Complete {
			t.Errorf("seed %d: analysis not complete", seed)
		}
		var inputs []seccomp.Data
		for range 400 {
			inputs = append(inputs, g.input(f.Arches()))
		}
		c, k := checkAgainstEmulator(t, p, r, inputs)
		checked, conditional = checked+c, conditional+k
		if t.Failed() {
			t.Logf("seed %d", seed)
			return
		}
	}
	t.Logf("%d inputs checked, %d of them on conditional decisions", checked, conditional)
	if checked < n*300 || conditional < checked/10 {
		t.Errorf("too few inputs checked (%d), or on conditional decisions (%d)", checked, conditional)
	}
}

// The same for random valid programs of any shape: arithmetic, scratch
// memory, X, RET A, division by a register that may be zero.
func TestRecoveredMatchesEmulatorRandomPrograms(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 80
	}
	var checked, conditional, total int
	for seed := range n {
		g := progen.New(uint64(seed), 7)
		nrs := []int32{0, 1, 59, 231, -1, seccomp.X32SyscallBit | 1}
		cfg := progen.EmuConfig{Arch: uint32(seccomp.AuditArchX86_64), MaxLen: 120, Inputs: 200,
			Nr: func(r *rand.Rand) int32 { return nrs[r.IntN(len(nrs))] }}
		raw, ins := g.EmuCase(cfg)
		p := seccomp.Program(raw)
		if seccomp.Verify(p) != nil {
			continue
		}
		r, err := Analyze(p, &Options{Arches: []*seccomp.Arch{seccomp.ArchX86_64}, MaxPaths: 256})
		if err != nil {
			t.Fatal(err)
		}
		var inputs []seccomp.Data
		for _, in := range ins {
			inputs = append(inputs, seccomp.Data{Nr: in.Nr, Arch: seccomp.AuditArch(in.Arch), InstructionPointer: in.IP, Args: in.Args})
			d := inputs[len(inputs)-1]
			d.Arch = seccomp.AuditArchAArch64 // a bad arch
			inputs = append(inputs, d)
		}
		c, k := checkAgainstEmulator(t, p, r, inputs)
		checked, conditional, total = checked+c, conditional+k, total+len(inputs)
		if t.Failed() {
			t.Logf("seed %d", seed)
			return
		}
	}
	t.Logf("%d of %d inputs checked (the others too complex), %d of them on conditional decisions", checked, total, conditional)
	if checked < total*8/10 || conditional < checked/10 {
		t.Errorf("too few inputs checked (%d of %d), or on conditional decisions (%d)", checked, total, conditional)
	}
}
