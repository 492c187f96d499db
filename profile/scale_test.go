package profile

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/seccomp-go/seccomp"
)

// Profiles of the sizes recorded or generated profiles reach, for the
// benchmarks (see BENCHMARKS.md).

// conditionalProfile returns a profile of n entries "write with arg0 == k:
// ALLOW" (k from 0), default ERRNO.
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

// namesProfile returns a profile with n names no arch has, in one entry
// (entries false) or one entry each, and read allowed.
func namesProfile(n int, entries bool) []byte {
	var b bytes.Buffer
	b.WriteString(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}`)
	if !entries {
		b.WriteString(`, {"names": [`)
	}
	for k := range n {
		name := strconv.Quote("no_such_call_" + strconv.Itoa(k))
		switch {
		case entries:
			fmt.Fprintf(&b, ",\n{\"names\": [%s], \"action\": \"SCMP_ACT_ALLOW\"}", name)
		case k > 0:
			b.WriteString(", " + name)
		default:
			b.WriteString(name)
		}
	}
	if !entries {
		b.WriteString(`], "action": "SCMP_ACT_ALLOW"}`)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkLoadConditional: Load and Compile a profile of 10,000 and
// 100,000 entries of one system call with one condition each.
func BenchmarkLoadConditional(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		data := conditionalProfile(n)
		for _, stricter := range []bool{false, true} {
			name := fmt.Sprintf("%d/libseccomp", n)
			if stricter {
				name = fmt.Sprintf("%d/stricter", n)
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				var p seccomp.Program
				for b.Loop() {
					r, err := Load(data, Options{Arch: seccomp.ArchX86_64, Kernel: k61, StricterWins: stricter})
					if err != nil {
						b.Fatal(err)
					}
					if p, err = r.Compile(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(p)), "instructions")
			})
		}
	}
}

// BenchmarkLoadNames: Load a profile of 1,000,000 names no arch has, in
// one entry and in an entry each.
func BenchmarkLoadNames(b *testing.B) {
	for _, entries := range []bool{false, true} {
		data := namesProfile(1000000, entries)
		name := "1000000-names-one-entry"
		if entries {
			name = "1000000-entries"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.ReportMetric(float64(len(data))/1e6, "MB")
			for b.Loop() {
				r, err := Load(data, Options{Arch: seccomp.ArchX86_64, Kernel: k61})
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Warnings) != 1000000 {
					b.Fatalf("%d warnings", len(r.Warnings))
				}
			}
		})
	}
}

// BenchmarkLoadDockerDefault: Load Docker's default profile and compile it
// for x86_64, from the JSON each time.
func BenchmarkLoadDockerDefault(b *testing.B) {
	data := DefaultJSON()
	b.ReportAllocs()
	for b.Loop() {
		r, err := Load(data, Options{Arch: seccomp.ArchX86_64, Kernel: k61})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Compile(); err != nil {
			b.Fatal(err)
		}
	}
}
