package profile

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/seccomp-go/seccomp"
)

var fuzzSeeds = []string{
	`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`,
	`{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_ARM"], "flags": ["SECCOMP_FILTER_FLAG_LOG"],
	  "syscalls": [{"names": ["personality", "socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_NE"}, {"index": 0, "value": 9, "op": "SCMP_CMP_LT"}]},
	  {"names": ["mprotect"], "action": "SCMP_ACT_KILL", "args": [{"index": 2, "value": 4, "valueTwo": 4, "op": "SCMP_CMP_MASKED_EQ"}, {"index": 1, "value": 4294967296, "op": "SCMP_CMP_GE"}]},
	  {"names": ["mprotect"], "action": "SCMP_ACT_TRACE"}]}`,
	`{"defaultAction": "SCMP_ACT_KILL_PROCESS", "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}],
	  "syscalls": [{"name": "clone", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"], "minKernel": "4.8"}, "excludes": {"arches": ["arm64"]}}]}`,
	`{"defaultAction": "SCMP_ACT_NOTIFY"}`,
	`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_LOG", "args": [{"index": 7, "op": "SCMP_CMP_EQ"}]}]}`,
	"{\"defaultAction\": [",
}

// FuzzParse: the Docker reader never panics, and what it reads it writes
// back so that it reads the same.
func FuzzParse(f *testing.F) {
	f.Add(DefaultJSON())
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _, err := Parse(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *profile.Error: %v", err)
			}
			return
		}
		b, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		d2, _, err := Parse(b)
		if err != nil {
			t.Fatalf("does not read back: %v\n%s", err, b)
		}
		// Writing is a fixed point (an empty list and none write alike).
		if b2, _ := d2.Marshal(); string(b2) != string(b) {
			t.Fatalf("round trip changed the profile:\n%s\n%s", b, b2)
		}
	})
}

// FuzzParseOCI: the same for the OCI reader.
func FuzzParseOCI(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, err := ParseOCI(data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *profile.Error: %v", err)
			}
			return
		}
		b, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		s2, _, err := ParseOCI(b)
		if err != nil {
			t.Fatalf("does not read back: %v\n%s", err, b)
		}
		if b2, _ := s2.Marshal(); string(b2) != string(b) {
			t.Fatalf("round trip changed the profile:\n%s\n%s", b, b2)
		}
	})
}

// FuzzBuild: resolution never panics; a profile that builds compiles, and
// its program agrees with Evaluate on calls drawn from the profile's rules
// and the fuzzer's bytes.
func FuzzBuild(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), false, false, []byte{1, 2, 3})
		f.Add([]byte(s), true, true, []byte{0xff, 0xff, 0xff, 0xff})
	}
	f.Fuzz(func(t *testing.T, data []byte, arm, enosys bool, in []byte) {
		o := Options{Arch: seccomp.ArchX86_64, Kernel: k61, ENOSYSAboveHighest: enosys}
		if arm {
			o.Arch = seccomp.ArchAArch64
		}
		r, err := Load(data, o)
		if err != nil {
			return
		}
		p, err := r.Compile()
		var ce *seccomp.CompileError
		if errors.As(err, &ce) {
			return // too long for the kernel: a valid answer
		}
		if err != nil {
			t.Fatalf("a profile that builds does not compile: %v", err)
		}
		e := seccomp.MustEmulator(p)
		word := func(i int) uint64 {
			var b [8]byte
			copy(b[:], in[min(i, len(in)):])
			return binary.LittleEndian.Uint64(b[:])
		}
		rules := r.Filter.Rules()
		for i, a := range r.Filter.Arches() {
			for j, rule := range rules {
				if rule.Arch != a {
					continue
				}
				nr, _ := a.Syscall(rule.Syscall)
				d := seccomp.Data{Nr: nr, Arch: a.AuditArch}
				for _, c := range rule.Conds {
					d.Args[c.Arg] = c.Value ^ word(i+j)
				}
				if got, want := e.Action(d), r.Evaluate(d); got != want {
					t.Fatalf("%+v: program %v, Evaluate %v", d, got, want)
				}
			}
			d := seccomp.Data{Nr: int32(word(i)), Arch: a.AuditArch, Args: [6]uint64{word(1), word(2)}}
			if got, want := e.Action(d), r.Evaluate(d); got != want {
				t.Fatalf("%+v: program %v, Evaluate %v", d, got, want)
			}
		}
	})
}
