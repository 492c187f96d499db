package seccomp

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/compile")

// goldenFilters are small filters whose compiled form is kept under
// testdata/compile as text, so that a change in the compiler's output is
// seen in review.
var goldenFilters = map[string]func() *Filter{
	"allow_stdio": func() *Filter {
		f := NewFilter(ActKillProcess, ArchX86_64)
		f.AddSyscalls(ActAllow, "read", "exit_group", "rt_sigreturn")
		f.Add(Rule{Syscall: "write", Action: ActAllow, Conds: []Cond{Arg32(0).Le(2)}})
		return f
	},
	"deny_list_multiarch": func() *Filter {
		f := NewFilter(ActAllow, ArchX86_64, ArchX32, ArchI386).SetBadArchAction(Errno(ENOSYS))
		f.AddSyscalls(Errno(1), "ptrace", "mount", "kexec_load")
		f.Add(Rule{Syscall: "clone", Action: Errno(1), Conds: []Cond{Arg(0).MaskedNe(0x10000000, 0)}})
		return f
	},
	"conditions": func() *Filter {
		f := NewFilter(Errno(1), ArchAArch64).SetUnknownSyscallENOSYS(true)
		f.Add(
			Rule{Syscall: "personality", Action: ActAllow, Conds: []Cond{Arg(0).Eq(0xffffffff)}},
			Rule{Syscall: "mmap", Action: ActAllow, Conds: []Cond{Arg(2).MaskedEq(0x4, 0)}},
			Rule{Syscall: "ioctl", Action: ActAllow, Conds: []Cond{Arg(1).Ge(0x5401), Arg(1).Lt(0x5410)}},
			Rule{Syscall: "ioctl", Action: Trap(7), Conds: []Cond{Arg(0).Gt(1 << 32)}},
		)
		return f
	},
}

// TestCompileGolden compares compiled programs with their text under
// testdata/compile. The golden text is checked on its own too: it must
// assemble to the same program, verify, and mean what the filter means on
// random inputs, so a golden file cannot silently record a wrong program.
func TestCompileGolden(t *testing.T) {
	for name, build := range goldenFilters {
		t.Run(name, func(t *testing.T) {
			f := build()
			p, err := f.Compile()
			require.NoError(t, err)
			path := filepath.Join("testdata", "compile", name+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(Disassemble(p)), 0o644))
			}
			golden, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -run TestCompileGolden -update to create it")
			assert.Equal(t, string(golden), Disassemble(p), "compiled program differs from %s", path)
			gp, err := AssembleText(string(golden))
			require.NoError(t, err)
			e, err := NewEmulator(gp)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(3, 3))
			for i := 0; i < 20000; i++ {
				d := randInput(rng, f)
				require.Equal(t, f.Evaluate(d), e.Action(d), "golden program disagrees with the filter on %+v", d)
			}
		})
	}
}
