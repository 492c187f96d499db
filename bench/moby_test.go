//go:build linux

package bench

import (
	"encoding/json"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	moby "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// mobyResolve resolves a Docker profile with moby's code, for the arch and
// kernel this test runs on (the only ones moby resolves for), and returns
// the OCI profile as JSON, or nil when moby returns no profile.
func mobyResolve(t *testing.T, data []byte, caps []string) ([]byte, error) {
	spec := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: caps}}}
	s, err := moby.LoadProfile(string(data), spec)
	if err != nil || s == nil {
		return nil, err
	}
	return json.Marshal(s)
}

// ourResolve resolves with package profile for the same arch, and returns
// the OCI profile as JSON in the shape of moby's (through specs-go types).
func ourResolve(data []byte, caps []string) ([]byte, error) {
	d, _, err := profile.Parse(data)
	if err != nil {
		return nil, err
	}
	if caps == nil {
		caps = []string{}
	}
	s, _, err := d.Resolve(profile.Options{Caps: caps})
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var spec specs.LinuxSeccomp
	if err := json.Unmarshal(b, &spec); err != nil {
		return nil, err
	}
	return json.Marshal(&spec)
}

func nativeSupported(t *testing.T) {
	if _, err := seccomp.NativeArch(); err != nil || runtime.GOOS != "linux" {
		t.Skip("moby resolves for the running arch and kernel: needs Linux on an arch with tables")
	}
}

// TestResolveAgainstMoby: Docker's default profile, with no capabilities,
// Docker's default set and all of them.
func TestResolveAgainstMoby(t *testing.T) {
	nativeSupported(t)
	for _, caps := range [][]string{nil, profile.DefaultCaps, profile.AllCaps, {"CAP_SYS_ADMIN"}, {"CAP_SYS_PTRACE", "CAP_SYS_ADMIN", "CAP_BPF"}} {
		theirs, err := mobyResolve(t, profile.DefaultJSON(), caps)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := ourResolve(profile.DefaultJSON(), caps)
		if err != nil {
			t.Fatal(err)
		}
		if string(ours) != string(theirs) {
			t.Errorf("caps %v: resolutions differ\nmoby: %s\nours: %s", caps, theirs, ours)
		}
	}
}

// randDocker returns a random Docker profile: archMap, includes and
// excludes by arch, caps and kernel version.
func randDocker(rng *rand.Rand) *profile.Docker {
	arches := []string{"amd64", "x86", "x32", "arm64", "arm", "ppc64le", "s390x", "riscv64"}
	caps := []string{"CAP_SYS_ADMIN", "CAP_CHOWN", "CAP_SYS_PTRACE", "CAP_BPF", "CAP_KILL"}
	kernels := []string{"3.10", "4.8", "5.4", "6.1", "6.99", "7.0", "255.255"}
	pick := func(list []string) []string {
		var out []string
		for range rng.IntN(3) {
			out = append(out, list[rng.IntN(len(list))])
		}
		return out
	}
	sel := func() *profile.Selector {
		if rng.IntN(2) == 0 {
			return nil
		}
		s := &profile.Selector{Caps: pick(caps), Arches: pick(arches)}
		if rng.IntN(3) == 0 {
			k, _ := profile.ParseKernelVersion(kernels[rng.IntN(len(kernels))])
			s.MinKernel = &k
		}
		return s
	}
	d := &profile.Docker{DefaultAction: profile.ActErrno}
	if rng.IntN(2) == 0 {
		d.ArchMap = []profile.ArchMap{
			{Arch: "SCMP_ARCH_X86_64", SubArches: []profile.Arch{"SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
			{Arch: "SCMP_ARCH_AARCH64", SubArches: []profile.Arch{"SCMP_ARCH_ARM"}},
		}
		rng.Shuffle(len(d.ArchMap), func(i, j int) { d.ArchMap[i], d.ArchMap[j] = d.ArchMap[j], d.ArchMap[i] })
	}
	if rng.IntN(3) == 0 {
		d.Architectures = []profile.Arch{"SCMP_ARCH_X86_64"} // with archMap too: an error for both
	}
	for i := range 1 + rng.IntN(8) {
		e := profile.DockerSyscall{Names: []string{pool[i%len(pool)]}, Action: profile.ActAllow, Comment: "c", Includes: sel(), Excludes: sel()}
		if rng.IntN(20) == 0 {
			e.Name = "read" // with names too: an error for both
		}
		d.Syscalls = append(d.Syscalls, e)
	}
	return d
}

// TestResolveAgainstMobyRandom: random Docker profiles and capability
// sets resolve as moby resolves them.
func TestResolveAgainstMobyRandom(t *testing.T) {
	nativeSupported(t)
	rng := rand.New(rand.NewPCG(3, 4))
	errs := 0
	for i := range 2000 {
		d := randDocker(rng)
		data, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		caps := slices.Clone(profile.AllCaps[:rng.IntN(len(profile.AllCaps))])
		rng.Shuffle(len(caps), func(i, j int) { caps[i], caps[j] = caps[j], caps[i] })
		caps = caps[:rng.IntN(len(caps)+1)]
		theirs, errMoby := mobyResolve(t, data, caps)
		ours, errOurs := ourResolve(data, caps)
		if (errMoby != nil) != (errOurs != nil) {
			t.Fatalf("profile %d: moby error %v, ours %v\n%s", i, errMoby, errOurs, data)
		}
		if errMoby != nil {
			errs++
		}
		if string(ours) != string(theirs) {
			t.Fatalf("profile %d, caps %v: resolutions differ\nprofile: %s\nmoby: %s\nours: %s", i, caps, data, theirs, ours)
		}
	}
	t.Logf("2000 random Docker profiles resolved alike (%d refused by both)", errs)
}
