package seccomp_test

// Differential tests against the kernel of the machine running them: the
// verifier must accept exactly the programs the kernel accepts, the
// emulator must return exactly what the kernel's filters return, and
// CheckStackLimit must match the kernel's limit on stacked filters. The
// kernel work happens in helper processes (internal/kerneltest); nothing is
// ever installed in the test process.
//
// Sizes: a few thousand cases by default (CI); SECCOMP_KERNEL_DIFF=full runs
// 100,000 programs per test. SECCOMP_KERNEL_DIFF_N sets the number of
// programs and SECCOMP_KERNEL_DIFF_SEED the seed (random by default, always
// logged; case i of a run is progen.New(seed, i)).

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kernelskip"
	"github.com/seccomp-go/seccomp/internal/kerneltest"
	"github.com/seccomp-go/seccomp/internal/progen"
)

type diffConfig struct {
	full bool
	n    int
	seed uint64
}

func (c diffConfig) String() string {
	return fmt.Sprintf("seed %d (SECCOMP_KERNEL_DIFF_SEED=%d SECCOMP_KERNEL_DIFF_N=%d)", c.seed, c.seed, c.n)
}

// kernelDiff reads the size and seed of a differential run, and skips the
// test where the kernel tests cannot run.
func kernelDiff(t *testing.T, ciN, fullN int) diffConfig {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("kernel differential tests run on linux/amd64 only")
	}
	c := diffConfig{n: ciN, seed: rand.Uint64()}
	if os.Getenv("SECCOMP_KERNEL_DIFF") == "full" {
		c.full, c.n = true, fullN
	}
	if s := os.Getenv("SECCOMP_KERNEL_DIFF_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			t.Fatalf("SECCOMP_KERNEL_DIFF_N=%q: want a count", s)
		}
		c.n = n
	}
	if s := os.Getenv("SECCOMP_KERNEL_DIFF_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("SECCOMP_KERNEL_DIFF_SEED=%q: want a number", s)
		}
		c.seed = seed
	}
	t.Logf("%d cases, %s", c.n, c)
	return c
}

func skipUnsupported(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, kerneltest.ErrUnsupported) {
		kernelskip.Skip(t, err)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// counts is a tally printed in a stable order.
type counts map[string]int

func (c counts) String() string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n\t%-44s %8d", k, c[k])
	}
	return b.String()
}

// reporter limits the number of disagreements printed in full.
type reporter struct {
	t     *testing.T
	cfg   diffConfig
	n     int
	limit int
}

func (r *reporter) report(format string, args ...any) {
	r.t.Helper()
	r.n++
	if r.n <= r.limit {
		r.t.Errorf("%s\n%s", r.cfg, fmt.Sprintf(format, args...))
	}
}

func (r *reporter) done() {
	if r.n > r.limit {
		r.t.Errorf("%s: %d disagreements in all, %d shown", r.cfg, r.n, r.limit)
	}
}

// TestKernelVerifier checks that Verify accepts exactly the programs that
// the kernel accepts, on random programs valid and broken (progen.Case:
// every load-time rule, every opcode byte, edge cases on both sides).
func TestKernelVerifier(t *testing.T) {
	cfg := kernelDiff(t, 5000, 100000)
	start := time.Now()
	loader, err := kerneltest.NewLoader(2)
	skipUnsupported(t, err)
	defer func() {
		if err := loader.Close(); err != nil {
			t.Error(err)
		}
	}()
	for i, fill := range loader.Fills {
		var lens []int
		for _, a := range fill {
			if a.OK() {
				lens = append(lens, a.Len)
			}
		}
		t.Logf("helper %d (had %d filters): filled with ALLOW filters of %v instructions", i, loader.Info[i].Filters, lens)
	}

	rep := &reporter{t: t, cfg: cfg, limit: 10}
	byRule := counts{}
	byKind := counts{}
	var opSeen [256]int
	highOps := 0
	const round = 4096
	for base := 0; base < cfg.n; base += round {
		m := min(round, cfg.n-base)
		progs := make([][]bpf.RawInstruction, m)
		kinds := make([]progen.Kind, m)
		for i := range progs {
			progs[i], kinds[i] = progen.New(cfg.seed, uint64(base+i)).Case()
		}
		got, err := loader.Load(progs)
		if err != nil {
			t.Fatalf("%s: %v", cfg, err)
		}
		for i, p := range progs {
			for _, in := range p {
				if in.Op < 256 {
					opSeen[in.Op]++
				} else {
					highOps++
				}
			}
			verr := seccomp.Verify(seccomp.Program(p))
			rule := "accepted"
			var ve *seccomp.VerifyError
			if errors.As(verr, &ve) {
				rule = "rejected: " + ve.Rule.String()
			} else if verr != nil {
				rule = "rejected: " + verr.Error()
			}
			var kernel string
			switch got[i] {
			case unix.ENOMEM:
				kernel = "accepted"
			case unix.EINVAL:
				kernel = "rejected"
			default:
				rep.report("case %d (%v): the kernel answered errno %d (%v), neither EINVAL nor ENOMEM\n%s",
					base+i, kinds[i], int(got[i]), got[i], progen.Format(p))
				continue
			}
			byRule[rule]++
			byKind[fmt.Sprintf("%-14v kernel %s", kinds[i], kernel)]++
			if (verr == nil) != (kernel == "accepted") {
				rep.report("case %d (%v): the kernel %s the program (errno %v), Verify says: %v\n%s",
					base+i, kinds[i], kernel, got[i], verr, progen.Format(p))
			}
		}
	}
	rep.done()
	covered := 0
	for _, n := range opSeen {
		if n > 0 {
			covered++
		}
	}
	t.Logf("compared %d programs with the kernel in %v: %d disagreements", cfg.n, time.Since(start).Round(time.Millisecond), rep.n)
	t.Logf("opcode bytes present: %d of 256; instructions with opcodes above 0xff: %d", covered, highOps)
	t.Logf("verifier verdicts (first rule that fails):%v", byRule)
	t.Logf("generator kinds and kernel verdicts:%v", byKind)
	if cfg.n >= 20000 && covered < 256 {
		t.Errorf("only %d of the 256 opcode bytes were generated", covered)
	}
}

// TestKernelStackLimit checks CheckStackLimit against the kernel: stacks of
// filters attached one by one until the kernel refuses them (ENOMEM): ALLOW
// filters of 4096 and of 1 instruction, and random mixes of lengths and
// instruction shapes ending exactly at the limit. It also checks
// kerneltest.TranslatedLen, the model of what the kernel counts, so that a
// disagreement says which side is wrong.
func TestKernelStackLimit(t *testing.T) {
	cfg := kernelDiff(t, 6, 40)
	r := rand.New(rand.NewPCG(cfg.seed, 0))
	type scenario struct {
		name  string
		progs [][]bpf.RawInstruction
		flags uintptr
		fill  bool // end with probes at the exact limit
	}
	allow := func(lens ...int) [][]bpf.RawInstruction {
		var ps [][]bpf.RawInstruction
		for _, n := range lens {
			ps = append(ps, kerneltest.AllowFilter(n))
		}
		return ps
	}
	rep := func(n int, l int) []int { return slices.Repeat([]int{l}, n) }
	scenarios := []scenario{
		{name: "4096s", progs: allow(append(rep(8, 4096), 4069, 4068, 4037, 4036, 1)...), flags: unix.SECCOMP_FILTER_FLAG_TSYNC},
		{name: "ones", progs: allow(rep(6555, 1)...)},
		{name: "4096s then ones", progs: allow(append(rep(7, 4096), rep(820, 1)...)...)},
	}
	for i := range cfg.n {
		var ps [][]bpf.RawInstruction
		for k := range 1 + r.IntN(40) {
			n := 1 + r.IntN(4096)
			switch r.IntN(4) {
			case 0:
				n = 1 + r.IntN(8)
			case 1:
				n = 4096 - r.IntN(8)
			}
			switch k % 3 {
			case 0:
				ps = append(ps, kerneltest.AllowFilter(n))
			case 1:
				ps = append(ps, progen.Harmless(progen.New(cfg.seed, uint64(i)<<8|uint64(k)).Valid(progen.Config{Len: n})))
			default: // DIV X, with X = 1
				p := []bpf.RawInstruction{{Op: progen.OpLdxImm, K: 1}}
				for range n - 2 {
					p = append(p, bpf.RawInstruction{Op: progen.OpDivX})
				}
				ps = append(ps, append(p, bpf.RawInstruction{Op: progen.OpRetK, K: progen.RetAllow}))
			}
		}
		scenarios = append(scenarios, scenario{name: fmt.Sprintf("random %d", i), progs: ps, fill: true, flags: uintptr(r.IntN(2))})
	}
	attempts, refused, libWrong := 0, 0, 0
	for _, sc := range scenarios {
		c, err := kerneltest.Start("")
		if err != nil {
			t.Fatal(err)
		}
		info, err := c.Info()
		if err != nil {
			c.Close()
			t.Fatal(err)
		}
		if info.ActionAvail != 0 {
			c.Close()
			kernelskip.Skipf(t, "seccomp filters unavailable: %v", info.ActionAvail)
		}
		if info.Filters != 0 {
			c.Close()
			kernelskip.Skipf(t, "the helper inherits %d filters of unknown length", info.Filters)
		}
		progs := sc.progs
		got, err := c.AttachPrograms(progs, sc.flags)
		if err == nil && sc.fill {
			// End exactly at the limit: one instruction more than the room
			// left must be refused, the room left accepted, and then
			// nothing fits.
			room := kerneltest.MaxStack
			for i, a := range got {
				if a.OK() {
					room -= kerneltest.TranslatedLen(progs[i]) + kerneltest.StackPenalty
				}
			}
			n := room - (kerneltest.TranslatedLen(kerneltest.AllowFilter(1)) - 1) // ALLOW filter length that fills it
			var more [][]bpf.RawInstruction
			if n >= 1 && n < seccomp.MaxInstructions {
				more = allow(n+1, n, 1)
			} else {
				more = allow(1)
			}
			var got2 []kerneltest.Attach
			got2, err = c.AttachPrograms(more, sc.flags)
			got = append(got, got2...)
			progs = append(progs, more...)
		}
		if cerr := c.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			if len(got) > 0 && got[0].Errno == unix.EACCES {
				kernelskip.Skip(t, err)
			}
			t.Fatalf("%s: %v", sc.name, err)
		}
		var attachedProgs []seccomp.Program
		var translated []int
		for i, a := range got {
			attempts++
			p := progs[i]
			if !a.OK() && a.Errno != unix.ENOMEM {
				t.Fatalf("%s: attempt %d: filter of %d instructions: kernel ret %d errno %v", sc.name, i, len(p), a.Ret, a.Errno)
			}
			model := kerneltest.StackFits(translated, kerneltest.TranslatedLen(p))
			if a.OK() != model {
				t.Errorf("%s, %s: attempt %d: the kernel (ok=%v) disagrees with kerneltest.TranslatedLen (ok=%v): filter of %d instructions (translated %d) on top of translated lengths %s\n%s",
					cfg, sc.name, i, a.OK(), model, len(p), kerneltest.TranslatedLen(p), runs(translated), progen.Format(p))
			}
			lib := seccomp.CheckStackLimit(attachedProgs, p)
			if a.OK() != (lib == nil) {
				libWrong++
				if libWrong <= 5 {
					t.Errorf("%s, %s: attempt %d: the kernel %s a filter of %d instructions on top of %d filters of %s instructions; CheckStackLimit says %v",
						cfg, sc.name, i, map[bool]string{true: "attached", false: "refused (ENOMEM)"}[a.OK()], len(p), len(attachedProgs), runs(translated), lib)
				}
			}
			if a.OK() {
				attachedProgs = append(attachedProgs, p)
				translated = append(translated, kerneltest.TranslatedLen(p))
			} else {
				refused++
			}
		}
		if !sc.fill {
			t.Logf("%s: the kernel took %d filters; they count %d of %d", sc.name, len(attachedProgs),
				seccomp.StackTotal(attachedProgs[:len(attachedProgs)-1], attachedProgs[len(attachedProgs)-1]), kerneltest.MaxStack)
		}
	}
	if libWrong > 0 {
		t.Errorf("%s: CheckStackLimit disagreed with the kernel on %d of %d attach attempts: see KernelLen", cfg, libWrong, attempts)
	}
	t.Logf("compared %d attach attempts in %d stacks (%d refused with ENOMEM)", attempts, len(scenarios), refused)
}

// runs prints a list of lengths compactly: [7x4096 449x1].
func runs(ls []int) string {
	var parts []string
	for i := 0; i < len(ls); {
		j := i
		for j < len(ls) && ls[j] == ls[i] {
			j++
		}
		if j-i > 1 {
			parts = append(parts, fmt.Sprintf("%dx%d", j-i, ls[i]))
		} else {
			parts = append(parts, strconv.Itoa(ls[i]))
		}
		i = j
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// TestKernelEmulator checks that the emulator returns what the kernel's
// filter returns, on random verified programs that read seccomp_data
// heavily, run on random inputs made of the programs' own constants. The
// kernel runs each program on real system calls with numbers it does not
// implement (see kerneltest.Runner); the instruction pointer in the
// emulator's input is the one the kernel reports for those calls.
func TestKernelEmulator(t *testing.T) {
	cfg := kernelDiff(t, 3000, 100000)
	inputs := 4
	if cfg.full {
		inputs = 6
	}
	start := time.Now()
	runner, err := kerneltest.NewRunner(2)
	skipUnsupported(t, err)
	defer func() {
		if err := runner.Close(); err != nil {
			t.Error(err)
		}
	}()
	ip := runner.IP
	t.Logf("the helpers' calls have instruction_pointer %#x", ip)
	gcfg := progen.EmuConfig{
		Arch:   uint32(seccomp.AuditArchX86_64),
		IP:     ip,
		Nr:     progen.NrUnimplementedX86_64,
		MaxLen: kerneltest.MaxLen,
		Inputs: inputs,
	}
	rep := &reporter{t: t, cfg: cfg, limit: 10}
	byAction := counts{}
	bySource := counts{}
	paths := counts{}
	calls, invalid := 0, 0
	const round = 1024
	for base := 0; base < cfg.n; base += round {
		m := min(round, cfg.n-base)
		cases := make([]kerneltest.Case, 0, m)
		emus := make([]*seccomp.Emulator, 0, m)
		inputsOf := make([][]progen.Input, 0, m)
		index := make([]int, 0, m)
		for i := range m {
			prog, in := progen.New(cfg.seed, uint64(base+i)).EmuCase(gcfg)
			emu, err := seccomp.NewEmulator(seccomp.Program(prog))
			if err != nil {
				// progen.Valid builds to the kernel's rules; the verifier
				// test tells which side is wrong.
				invalid++
				rep.report("case %d: the generator's valid program fails Verify: %v\n%s", base+i, err, progen.Format(prog))
				continue
			}
			kc := kerneltest.Case{Prog: prog}
			for _, d := range in {
				kc.Calls = append(kc.Calls, kerneltest.Call{Nr: d.Nr, Args: d.Args})
			}
			cases = append(cases, kc)
			emus = append(emus, emu)
			inputsOf = append(inputsOf, in)
			index = append(index, base+i)
		}
		res, err := runner.Run(cases)
		if err != nil {
			t.Fatalf("%s: %v", cfg, err)
		}
		for k, kc := range cases {
			for j, d := range inputsOf[k] {
				calls++
				got := res[k][j]
				if got.Err != nil {
					rep.report("case %d, input %d: %v\ninput %v\n%s", index[k], j, got.Err, d, progen.Format(kc.Prog))
					continue
				}
				want := emus[k].Run(seccomp.Data{Nr: d.Nr, Arch: seccomp.AuditArch(d.Arch), InstructionPointer: d.IP, Args: d.Args})
				// Which paths the input took, by progen's own interpreter.
				if v := progen.Run(kc.Prog, d, func(st progen.Step) { paths[progen.StepName(st)]++ }); v != uint32(want.Action) {
					rep.report("case %d, input %d: progen.Run returned %#x, the emulator %#x\ninput %v\n%s", index[k], j, v, uint32(want.Action), d, progen.Format(kc.Prog))
				}
				kind := want.Action.Kind().String()
				switch {
				case got.Killed:
					kind = "KILL_THREAD: division by zero"
				case !want.Action.Known():
					kind = "unknown action"
				case want.Action.Kind() == seccomp.ActKillThread:
					kind = "KILL_THREAD: returned"
				}
				if i := strings.IndexByte(kind, '('); i >= 0 {
					kind = kind[:i]
				}
				byAction[kind]++
				switch {
				case got.Killed:
					bySource["division by a zero X"]++
				case got.RetA:
					bySource["RET A"]++
				default:
					bySource["RET K"]++
				}
				if uint32(want.Action) != got.Value {
					rep.report("case %d, input %d: the kernel's filter returned %#x (thread killed: %v), the emulator %#x (%v)\ninput %v\n%s",
						index[k], j, got.Value, got.Killed, uint32(want.Action), want.Action.RawString(), d, progen.Format(kc.Prog))
				}
			}
		}
	}
	rep.done()
	t.Logf("compared %d calls of %d programs (%d inputs each) with the kernel in %v: %d disagreements; helpers restarted: %d",
		calls, cfg.n-invalid, inputs, time.Since(start).Round(time.Millisecond), rep.n, runner.Restarts)
	t.Logf("kernel results by where they came from:%v", bySource)
	t.Logf("emulator results by action:%v", byAction)
	t.Logf("instructions executed (by the inputs, in the original programs):%v", paths)
}
