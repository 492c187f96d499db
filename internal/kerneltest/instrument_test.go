package kerneltest_test

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/kerneltest"
	"github.com/seccomp-go/seccomp/internal/progen"
)

// outcome is what the kernel would show for a filter result, as far as the
// Runner can tell: an ERRNO (clamped to 4095) or a killed thread.
func outcome(t *testing.T, a seccomp.Action) kerneltest.Outcome {
	t.Helper()
	switch a.Kind() {
	case seccomp.ActKillThread:
		return kerneltest.Outcome{Killed: true}
	case seccomp.ActErrno:
		return kerneltest.Outcome{Ret: ^uintptr(0), Errno: min(a.Data(), 4095)}
	}
	t.Fatalf("instrumented program returned %v", a.RawString())
	return kerneltest.Outcome{}
}

// TestInstrument checks, with the emulator as the kernel, that decoding
// what instrumented programs return gives back what the original programs
// return, and that the instrumented programs are valid and let the
// helper's own system calls through.
func TestInstrument(t *testing.T) {
	cfg := progen.EmuConfig{Arch: uint32(seccomp.AuditArchX86_64), IP: 0x401234, Nr: progen.NrUnimplementedX86_64, MaxLen: kerneltest.MaxLen, Inputs: 4}
	retA := 0
	for i := range 3000 {
		prog, inputs := progen.New(11, uint64(i)).EmuCase(cfg)
		orig, err := seccomp.NewEmulator(seccomp.Program(prog))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		inst, err := kerneltest.Instrument(prog)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var emus []*seccomp.Emulator
		for v, p := range inst.Variants {
			e, err := seccomp.NewEmulator(seccomp.Program(p))
			if err != nil {
				t.Fatalf("case %d: variant %d does not verify: %v\n%s", i, v, err, progen.Format(p))
			}
			emus = append(emus, e)
			own := seccomp.Data{Nr: 202, Arch: seccomp.AuditArchX86_64, Args: inputs[0].Args}
			if a := e.Action(own); a != seccomp.ActAllow {
				t.Fatalf("case %d: variant %d returns %v for futex", i, v, a)
			}
		}
		for _, in := range inputs {
			d := seccomp.Data{Nr: in.Nr, Arch: seccomp.AuditArch(in.Arch), InstructionPointer: in.IP, Args: in.Args}
			want := orig.Run(d).Action
			outs := []kerneltest.Outcome{outcome(t, emus[0].Run(d).Action)}
			if inst.NeedsAllVariants(outs[0]) {
				retA++
				for _, e := range emus[1:] {
					outs = append(outs, outcome(t, e.Run(d).Action))
				}
			}
			got, killed, err := inst.Decode(outs)
			if err != nil || got != uint32(want) || killed != (outs[0].Killed) {
				t.Fatalf("case %d, input %v: decoded %#x (killed %v, %v), want %#x\n%s", i, in, got, killed, err, uint32(want), progen.Format(prog))
			}
		}
	}
	if retA == 0 {
		t.Error("no input took a RET A")
	}
}

func TestInstrumentLimits(t *testing.T) {
	if _, err := kerneltest.Instrument(nil); err == nil {
		t.Error("empty program instrumented")
	}
	if _, err := kerneltest.Instrument(kerneltest.AllowFilter(kerneltest.MaxLen + 1)); err == nil {
		t.Error("program too long to instrument was instrumented")
	}
	p := make([]bpf.RawInstruction, 0, kerneltest.MaxRetValues+2)
	for k := range kerneltest.MaxRetValues + 1 {
		p = append(p, bpf.RawInstruction{Op: progen.OpRetK, K: uint32(k)})
	}
	if _, err := kerneltest.Instrument(p); err == nil {
		t.Error("program with too many RET K values instrumented")
	}
	if _, err := kerneltest.Instrument(p[1:]); err != nil {
		t.Error(err)
	}
}

func TestTestNr(t *testing.T) {
	for nr, want := range map[int32]bool{0: false, 60: false, 999: false, 1000: true, -1: false, -2: true,
		0x40000000: false, 0x40000000 + 999: false, 0x40000000 + 1000: true, 0x7fffffff: true} {
		if got := kerneltest.TestNr(nr); got != want {
			t.Errorf("TestNr(%#x) = %v, want %v", nr, got, want)
		}
	}
}

func TestTranslatedLen(t *testing.T) {
	for _, c := range []struct {
		p    []bpf.RawInstruction
		want int
	}{
		{kerneltest.AllowFilter(1), 5},
		{kerneltest.AllowFilter(4096), 4100},
		{[]bpf.RawInstruction{{Op: progen.OpRetA}}, 4},
		{[]bpf.RawInstruction{{Op: progen.OpDivX}, {Op: progen.OpRetA}}, 9},
		{[]bpf.RawInstruction{{Op: progen.OpJeqK, Jt: 0, Jf: 0, K: 1}, {Op: progen.OpRetA}}, 5},
		{[]bpf.RawInstruction{{Op: progen.OpJeqK, Jt: 0, Jf: 0, K: 0x80000000}, {Op: progen.OpRetA}}, 6},
		{[]bpf.RawInstruction{{Op: progen.OpJgtX, Jt: 0, Jf: 0, K: 0x80000000}, {Op: progen.OpRetA}}, 5},
		{[]bpf.RawInstruction{{Op: progen.OpJgeK, Jt: 0, Jf: 0, K: 1}, {Op: progen.OpRetA}}, 5},
		{[]bpf.RawInstruction{{Op: progen.OpJsetK, Jt: 0, Jf: 0, K: 1}, {Op: progen.OpRetA}}, 5},
		{[]bpf.RawInstruction{{Op: progen.OpJeqK, Jt: 1, Jf: 0, K: 1}, {Op: progen.OpRetA}, {Op: progen.OpRetA}}, 6},
		{[]bpf.RawInstruction{{Op: progen.OpJeqK, Jt: 0, Jf: 1, K: 1}, {Op: progen.OpRetA}, {Op: progen.OpRetA}}, 6},
		{[]bpf.RawInstruction{{Op: progen.OpJsetK, Jt: 0, Jf: 1, K: 1}, {Op: progen.OpRetA}, {Op: progen.OpRetA}}, 7},
		{[]bpf.RawInstruction{{Op: progen.OpJsetK, Jt: 0, Jf: 1, K: 0xffffffff}, {Op: progen.OpRetA}, {Op: progen.OpRetA}}, 8},
		{[]bpf.RawInstruction{{Op: progen.OpJgtK, Jt: 1, Jf: 1, K: 1}, {Op: progen.OpRetA}, {Op: progen.OpRetA}}, 7},
	} {
		if got := kerneltest.TranslatedLen(c.p); got != c.want {
			t.Errorf("TranslatedLen(%s) = %d, want %d", progen.Format(c.p), got, c.want)
		}
	}
}

// TestInstrumentAt checks InstrumentAt as TestInstrument checks Instrument,
// with inputs of any number made from the gate's instruction pointer, and
// that calls made from any other address are let through whatever their
// number.
func TestInstrumentAt(t *testing.T) {
	const ip = 0x401234_00abcdef
	anyNr := func(r *rand.Rand) int32 { return int32(r.Uint32()) }
	cfg := progen.EmuConfig{Arch: uint32(seccomp.AuditArchX86_64), IP: ip, Nr: anyNr, MaxLen: kerneltest.MaxLenAt, Inputs: 4}
	for i := range 2000 {
		prog, inputs := progen.New(12, uint64(i)).EmuCase(cfg)
		orig, err := seccomp.NewEmulator(seccomp.Program(prog))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		inst, err := kerneltest.InstrumentAt(prog, ip, true)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var emus []*seccomp.Emulator
		for v, p := range inst.Variants {
			e, err := seccomp.NewEmulator(seccomp.Program(p))
			if err != nil {
				t.Fatalf("case %d: variant %d does not verify: %v\n%s", i, v, err, progen.Format(p))
			}
			emus = append(emus, e)
			for _, other := range []uint64{ip + 1, ip ^ 1<<32, 0} {
				own := seccomp.Data{Nr: inputs[0].Nr, Arch: seccomp.AuditArchX86_64, InstructionPointer: other, Args: inputs[0].Args}
				if a := e.Action(own); a != seccomp.ActAllow {
					t.Fatalf("case %d: variant %d returns %v for a call from %#x", i, v, a, other)
				}
			}
		}
		for _, in := range inputs {
			d := seccomp.Data{Nr: in.Nr, Arch: seccomp.AuditArch(in.Arch), InstructionPointer: in.IP, Args: in.Args}
			want := orig.Run(d).Action
			outs := []kerneltest.Outcome{outcome(t, emus[0].Run(d).Action)}
			if inst.NeedsAllVariants(outs[0]) {
				for _, e := range emus[1:] {
					outs = append(outs, outcome(t, e.Run(d).Action))
				}
			}
			got, killed, err := inst.Decode(outs)
			if err != nil || got != uint32(want) || killed != (outs[0].Killed) {
				t.Fatalf("case %d, input %v: decoded %#x (killed %v, %v), want %#x\n%s", i, in, got, killed, err, uint32(want), progen.Format(prog))
			}
		}
	}
	// Big-endian: the halves of the instruction pointer swap places.
	inst, err := kerneltest.InstrumentAt(kerneltest.AllowFilter(1), ip, false)
	if err != nil {
		t.Fatal(err)
	}
	p := inst.Variants[0]
	if p[0].K != 12 || p[1].K != uint32(ip&0xffffffff) || p[2].K != 8 || p[3].K != uint32(ip>>32) {
		t.Errorf("big-endian gate:\n%s", progen.Format(p))
	}
	if _, err := kerneltest.InstrumentAt(kerneltest.AllowFilter(kerneltest.MaxLenAt+1), ip, true); err == nil {
		t.Error("program too long to instrument was instrumented")
	}
	if _, err := kerneltest.InstrumentAt(kerneltest.AllowFilter(kerneltest.MaxLenAt), ip, true); err != nil {
		t.Error(err)
	}
}
