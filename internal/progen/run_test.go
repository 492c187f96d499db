package progen_test

import (
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/progen"
)

// TestRunMatchesEmulator checks progen.Run, the generator's own
// interpreter, against the library's emulator (which the kernel tests check
// against the kernel).
func TestRunMatchesEmulator(t *testing.T) {
	cfg := progen.EmuConfig{Arch: uint32(seccomp.AuditArchX86_64), IP: 0x401234, Nr: progen.NrUnimplementedX86_64, Inputs: 8}
	for i := range 5000 {
		p, inputs := progen.New(5, uint64(i)).EmuCase(cfg)
		e, err := seccomp.NewEmulator(seccomp.Program(p))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		for _, d := range inputs {
			want := e.Action(seccomp.Data{Nr: d.Nr, Arch: seccomp.AuditArch(d.Arch), InstructionPointer: d.IP, Args: d.Args})
			if got := progen.Run(p, d, nil); got != uint32(want) {
				t.Fatalf("case %d, input %v: Run %#x, emulator %#x\n%s", i, d, got, uint32(want), progen.Format(p))
			}
		}
	}
}
