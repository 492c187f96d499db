//go:build linux && cgo

package bench

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// conditionalProfile returns a profile of n entries "write with arg0 == k:
// ALLOW" (k from 0), default ERRNO: the shape of recorded profiles that
// list every value a program passed.
func conditionalProfile(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [`)
	for k := range n {
		if k > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"names": ["write"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": %d, "op": "SCMP_CMP_EQ"}]}`, k)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkScale compiles profiles of 10,000 and 100,000 conditional
// entries on one system call, here (profile.Load and Result.Compile) and
// with libseccomp 2.5.4 as runc drives it (the rules of the resolved
// profile added one by one, then the export; the profile is parsed
// outside the timing). libseccomp's merge grows faster than quadratically
// (2,000 entries 0.07 s, 4,000 0.4 s, 8,000 2 s, 10,000 3.5 s here), so
// it runs at 10,000 and 20,000 only: 100,000 would take hours.
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{10000, 20000, 100000} {
		data := conditionalProfile(n)
		opts := profile.Options{Arch: seccomp.ArchX86_64, Kernel: &profile.KernelVersion{Kernel: 6, Major: 1}}
		b.Run(fmt.Sprintf("%d/ours", n), func(b *testing.B) {
			b.ReportAllocs()
			var p seccomp.Program
			for b.Loop() {
				r, err := profile.Load(data, opts)
				if err != nil {
					b.Fatal(err)
				}
				if p, err = r.Compile(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(p)), "instructions")
		})
		if n > 20000 {
			continue
		}
		b.Run(fmt.Sprintf("%d/libseccomp", n), func(b *testing.B) {
			r, err := profile.Load(data, opts)
			if err != nil {
				b.Fatal(err)
			}
			var p seccomp.Program
			for b.Loop() {
				if p, err = runcProgram(r.Profile, seccomp.ArchX86_64, 2); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(p)), "instructions")
		})
	}
}
