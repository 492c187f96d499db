package seccomp_test

import (
	"fmt"
	"testing"

	"github.com/seccomp-go/seccomp"
)

// BenchmarkFilterConditional builds and compiles a Filter of 10,000 and
// 100,000 rules "write with arg0 == k" (k from 0), in both resolutions:
// the size of recorded profiles that list every value a program passed.
func BenchmarkFilterConditional(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		for _, res := range []seccomp.Resolution{seccomp.ResolveStricter, seccomp.ResolveLibseccomp} {
			b.Run(fmt.Sprintf("%d/%v", n, res), func(b *testing.B) {
				b.ReportAllocs()
				var p seccomp.Program
				for b.Loop() {
					f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64).SetResolution(res)
					for k := range n {
						f.Add(seccomp.Rule{Syscall: "write", Action: seccomp.ActAllow, Conds: []seccomp.Cond{seccomp.Arg(0).Eq(uint64(k))}})
					}
					var err error
					if p, err = f.Compile(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(p)), "instructions")
			})
		}
	}
}
