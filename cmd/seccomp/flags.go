package main

import (
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// The flags that several verbs share, parsed in one place so that they
// take the same values everywhere.

// lookupArch resolves an -arch value: any name seccomp.LookupArch takes
// (kernel names, GOARCH names, libseccomp's and SCMP_ARCH_* names). A
// non-empty msg is a usage error, "-arch: unknown arch ...".
func lookupArch(name string) (*seccomp.Arch, string) {
	a, err := seccomp.LookupArch(name)
	if err != nil {
		return nil, "-arch: " + strings.TrimPrefix(err.Error(), "seccomp: ")
	}
	return a, ""
}

// archFlag resolves an optional -arch: nil when not given.
func archFlag(name string) (*seccomp.Arch, string) {
	if name == "" {
		return nil, ""
	}
	return lookupArch(name)
}

// machineOf returns the arch a profile is compiled for to look at arch a:
// the 64-bit arch whose kernel also runs a (x86_64 for x32 and i386,
// aarch64 for arm, s390x for s390, mips64 for mips and n32, ...; see
// Arch.Siblings), a itself otherwise.
func machineOf(a *seccomp.Arch) *seccomp.Arch {
	for _, m := range seccomp.Arches() {
		if m.WordSize() == 64 && slices.Contains(m.Siblings(), a) {
			return m
		}
	}
	return a
}

// noNativeArch is the usage error where this command's GOARCH has no
// arch to compile a profile for by default.
func noNativeArch() string {
	return fmt.Sprintf("no native arch for GOARCH=%s to compile the profile for: give -arch", runtime.GOARCH)
}

// assumedKernel is the kernel version profiles are resolved for by the
// verbs that look at a filter, where the running kernel's cannot be read
// (off Linux).
var assumedKernel = profile.KernelVersion{Kernel: 6, Major: 8}

// profileFlags are the flags that say how a profile is resolved and
// compiled: -caps, -cap-add, -cap-drop, -kernel and -enosys. Every verb
// that takes a profile has them.
type profileFlags struct {
	caps, capAdd, capDrop, kernel string
	enosys                        bool
	set                           map[string]bool // the flags given, after parsing
}

// profileFlagNames are the names of the flags of profileFlags.
var profileFlagNames = []string{"caps", "cap-add", "cap-drop", "kernel", "enosys"}

// addProfileFlags defines the profile flags on fs; enosys is -enosys's
// default.
func addProfileFlags(fs *flag.FlagSet, enosys bool) *profileFlags {
	pf := &profileFlags{}
	fs.StringVar(&pf.caps, "caps", "", "")
	fs.StringVar(&pf.capAdd, "cap-add", "", "")
	fs.StringVar(&pf.capDrop, "cap-drop", "", "")
	fs.StringVar(&pf.kernel, "kernel", "", "")
	fs.BoolVar(&pf.enosys, "enosys", enosys, "")
	return pf
}

// visit records which flags of fs were given, and checks their values;
// call it after parsing. A non-empty msg is a usage error.
func (pf *profileFlags) visit(fs *flag.FlagSet) (msg string) {
	pf.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) {
		if slices.Contains(profileFlagNames, f.Name) {
			pf.set[f.Name] = true
		}
	})
	_, msg = pf.options(nil)
	return msg
}

// given returns the first profile flag that was given, or "".
func (pf *profileFlags) given() string {
	if pf == nil {
		return ""
	}
	for _, n := range profileFlagNames {
		if pf.set[n] {
			return n
		}
	}
	return ""
}

// options returns the profile options the flags give, for target arch
// (nil: this machine's). A non-empty msg is a usage error.
func (pf *profileFlags) options(target *seccomp.Arch) (o profile.Options, msg string) {
	o.Arch = target
	if pf == nil {
		return o, ""
	}
	caps, msg := pf.capSet()
	if msg != "" {
		return o, msg
	}
	o.Caps = caps
	if pf.set["kernel"] {
		k, err := profile.ParseKernelVersion(pf.kernel)
		if err != nil {
			return o, fmt.Sprintf("-kernel: %v", err)
		}
		o.Kernel = &k
	}
	o.ENOSYSAboveHighest = pf.enosys
	return o, ""
}

// capList reads a comma-separated capability list of flag name: each
// SYS_ADMIN, CAP_SYS_ADMIN or sys_admin, or ALL; an unknown name is an
// error. It returns the normalized names, ALL kept as "ALL".
func capList(name, list string) ([]string, string) {
	var out []string
	for _, c := range strings.Split(list, ",") {
		c = strings.ToUpper(strings.TrimSpace(c))
		switch {
		case c == "":
			continue
		case c == "ALL":
			out = append(out, "ALL")
			continue
		case !strings.HasPrefix(c, "CAP_"):
			c = "CAP_" + c
		}
		if !slices.Contains(profile.AllCaps, c) {
			return nil, fmt.Sprintf("-%s: unknown capability %q (CAP_SYS_ADMIN, NET_RAW, ... or ALL; see capabilities(7))", name, strings.TrimSpace(c))
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, ""
}

// capSet returns the capability set the flags give, as Docker makes it
// from --cap-add and --cap-drop: the base set is -caps (replacing
// Docker's default set) or Docker's default set; -cap-add ALL gives every
// capability but those of -cap-drop; -cap-drop ALL gives those of
// -cap-add only; otherwise the base set without -cap-drop's, with
// -cap-add's. Nil means Docker's default set, untouched.
func (pf *profileFlags) capSet() ([]string, string) {
	if !pf.set["caps"] && !pf.set["cap-add"] && !pf.set["cap-drop"] {
		return nil, ""
	}
	base := profile.DefaultCaps
	if pf.set["caps"] {
		caps, msg := capList("caps", pf.caps)
		if msg != "" {
			return nil, msg
		}
		base = profile.NormalizeCaps(caps)
		if base == nil {
			base = []string{}
		}
	}
	add, msg := capList("cap-add", pf.capAdd)
	if msg != "" {
		return nil, msg
	}
	drop, msg := capList("cap-drop", pf.capDrop)
	if msg != "" {
		return nil, msg
	}
	var out []string
	switch {
	case slices.Contains(add, "ALL"):
		for _, c := range profile.AllCaps {
			if !slices.Contains(drop, c) {
				out = append(out, c)
			}
		}
	case slices.Contains(drop, "ALL"):
		out = add
	default:
		for _, c := range base {
			if !slices.Contains(drop, c) {
				out = append(out, c)
			}
		}
		out = append(out, add...)
	}
	out = profile.NormalizeCaps(out)
	if out == nil {
		out = []string{}
	}
	return out, ""
}

// The usage texts of the shared flags and inputs.

// inputUsage describes the inputs of the verbs that read a filter.
const inputUsage = `The input is told by its content: a raw program (8-byte struct sock_filter
records in the byte order of the kernel that loads them, as the kernel
takes them and libseccomp's seccomp_export_bpf writes them; a program that
the kernel would refuse in this machine's order and accept in the other is
read in the other), the text form (as seccomp asm reads it),
or a seccomp profile in JSON (OCI, Docker or Podman; a whole OCI
config.json is read as its linux.seccomp), or the word default for
Docker's default profile, built in; - reads standard input. A profile is
compiled as seccomp compile compiles it, for the machine of -arch (x86_64
for x86_64, x32 and i386; aarch64 for aarch64 and arm) or this one, with
Docker's default capabilities and the running kernel's version (off Linux,
a recent kernel is assumed), unless the profile flags say otherwise.
`

// archUsage says which names -arch takes.
const archUsage = `-arch takes the tables' names of the arches (x86_64, i386, x32, aarch64,
arm, riscv64, loongarch64, mips, mipsel, mips64, mipsel64, mips64n32,
mipsel64n32, ppc, ppc64, ppc64le, s390, s390x, parisc, parisc64, m68k, sh,
sheb), GOARCH names (amd64, 386, arm64, loong64, mipsle, mips64le, ...),
libseccomp's (x86) and SCMP_ARCH_ names, in any case.
`

// profileFlagsUsage describes the profile flags.
const profileFlagsUsage = `  -caps LIST      a profile's capability set, replacing Docker's default
                  set: comma-separated names (CAP_SYS_ADMIN, sys_admin;
                  ALL for every one); "" for none
  -cap-add LIST   capabilities added to the set, as docker run --cap-add
                  (ALL: every one but those of -cap-drop)
  -cap-drop LIST  capabilities dropped from the set, as docker run
                  --cap-drop (ALL: none but those of -cap-add)
  -kernel X.Y     the kernel version Docker's minKernel looks at (default:
                  the running kernel's)
  -enosys         add runc's stub: calls above the highest system call the
                  profile names get ERRNO(ENOSYS), unless the default action
                  is ALLOW, LOG or TRACE
`
