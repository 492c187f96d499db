package profile

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/uapi"
)

// Docker is a profile in Docker's format (github.com/moby/profiles/seccomp):
// the OCI fields, plus archMap and, per entry, a comment and the includes
// and excludes that select entries by capabilities, arch and kernel
// version. Resolve turns it into a plain OCI profile. An OCI profile is a
// Docker profile that uses none of these.
//
// Podman's format (github.com/containers/common/pkg/seccomp) is Docker's
// with two more fields, which Resolve honours as Podman does:
// defaultErrno and, per entry, errno, an errno as a string, a name
// ("EPERM", "ENOSYS") or a decimal number, that replaces defaultErrnoRet
// or errnoRet when it is not empty.
type Docker struct {
	DefaultAction    Action          `json:"defaultAction"`
	DefaultErrnoRet  *uint           `json:"defaultErrnoRet,omitempty"`
	DefaultErrno     string          `json:"defaultErrno,omitempty"` // Podman's
	Architectures    []Arch          `json:"architectures,omitempty"`
	ArchMap          []ArchMap       `json:"archMap,omitempty"`
	Flags            []Flag          `json:"flags,omitempty"`
	ListenerPath     string          `json:"listenerPath,omitempty"`
	ListenerMetadata string          `json:"listenerMetadata,omitempty"`
	Syscalls         []DockerSyscall `json:"syscalls"`

	// where is the JSON path of the profile in the document it was read
	// from ("linux.seccomp" in a config.json), for messages.
	where string
	// builtin: read from the embedded default's own bytes, it is moby's
	// built-in profile, whose ENOSYS is the target arch's (see Default).
	builtin bool
}

// ArchMap is a native arch and the sub-arches a filter for it covers too
// (x86_64 with x86 and x32, say).
type ArchMap struct {
	Arch      Arch   `json:"architecture"`
	SubArches []Arch `json:"subArchitectures"`
}

// DockerSyscall is an entry of a Docker profile.
type DockerSyscall struct {
	Names    []string `json:"names,omitempty"`
	Action   Action   `json:"action"`
	ErrnoRet *uint    `json:"errnoRet,omitempty"`
	Args     []Arg    `json:"args"`
	// Name is the older form of Names, for one name.
	Name     string    `json:"name,omitempty"`
	Comment  string    `json:"comment,omitempty"`
	Includes *Selector `json:"includes,omitempty"`
	Excludes *Selector `json:"excludes,omitempty"`
	// Errno is Podman's errno, a name or a decimal number; when not
	// empty, it replaces ErrnoRet.
	Errno string `json:"errno,omitempty"`
}

// Selector says when an entry applies (moby calls it Filter). In includes,
// every condition given must hold: all Caps in the capability set, the
// target arch among Arches, the kernel at least MinKernel. In excludes,
// any one that holds drops the entry: one of Caps in the set, the target
// among Arches, the kernel at least MinKernel.
type Selector struct {
	Caps      []string       `json:"caps,omitempty"`
	Arches    []string       `json:"arches,omitempty"` // libseccomp's names: amd64, x86, x32, arm64, arm, riscv64, ppc64le...
	MinKernel *KernelVersion `json:"minKernel,omitempty"`
}

// Syscall returns the entry as an OCI entry: Name folded into Names, the
// Docker fields dropped.
func (e DockerSyscall) Syscall() Syscall {
	names := slices.Clone(e.Names)
	if e.Name != "" && len(names) == 0 {
		names = []string{e.Name}
	}
	return Syscall{Names: names, Action: e.Action, ErrnoRet: e.ErrnoRet, Args: slices.Clone(e.Args)}
}

// Format is the format of a profile.
type Format int

// The formats.
const (
	FormatOCI    Format = iota + 1 // only the OCI LinuxSeccomp fields
	FormatDocker                   // Docker's fields too
)

func (f Format) String() string {
	switch f {
	case FormatOCI:
		return "OCI"
	case FormatDocker:
		return "Docker"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Format reports whether the profile uses any of Docker's fields (or
// Podman's).
func (d *Docker) Format() Format {
	if len(d.ArchMap) > 0 || d.DefaultErrno != "" {
		return FormatDocker
	}
	for _, e := range d.Syscalls {
		if e.Name != "" || e.Comment != "" || e.Includes != nil || e.Excludes != nil || e.Errno != "" {
			return FormatDocker
		}
	}
	return FormatOCI
}

// Parse decodes a profile in Docker's format or OCI's (a subset of it), or
// Podman's (Docker's with errno names). Fields none has are reported as
// warnings (WarnUnknownField), and so are fields given twice
// (WarnDuplicateField: the last one counts, as in encoding/json, which
// runc reads profiles with). Errors (*Error, joined) name the field; every
// error is reported at once.
//
// A whole OCI runtime config (config.json, with ociVersion or linux) is
// read as the profile under linux.seccomp, or refused when it has none.
// JSON that is not an object, and other formats that are recognized (a
// Firecracker filter, a Kubernetes SeccompProfile), get an error that
// says what they are.
func Parse(data []byte) (*Docker, []Warning, error) {
	d, warns, errs := parse(data, true)
	if len(errs) > 0 {
		return nil, warns, errors.Join(errs...)
	}
	d.builtin = bytes.Equal(data, defaultJSON)
	return d, warns, nil
}

// Marshal encodes the profile as indented JSON, ending in a newline, the
// way Parse reads it back.
func (d *Docker) Marshal() ([]byte, error) { return marshalIndent(d) }

func (d *Docker) header() *Seccomp {
	return &Seccomp{
		DefaultAction:    d.DefaultAction,
		DefaultErrnoRet:  d.DefaultErrnoRet,
		Architectures:    slices.Clone(d.Architectures),
		Flags:            slices.Clone(d.Flags),
		ListenerPath:     d.ListenerPath,
		ListenerMetadata: d.ListenerMetadata,
		where:            d.where,
	}
}

// DefaultCaps is Docker's default capability set, the bounding set of a
// container started without --cap-add or --cap-drop.
var DefaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// AllCaps lists every capability Linux defines (as of 6.x), for "ALL".
var AllCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

// NormalizeCaps returns caps in the form profiles name them: upper case
// with the CAP_ prefix ("sys_admin" is CAP_SYS_ADMIN); "ALL" stands for
// AllCaps. It does not check that the names exist.
func NormalizeCaps(caps []string) []string {
	var out []string
	for _, c := range caps {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		if c == "ALL" {
			out = append(out, AllCaps...)
			continue
		}
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		out = append(out, c)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// dockerArchName is the name Docker's includes and excludes give arch a
// (Selector.Arches): moby's goToNative for the GOARCH of a Go port (amd64,
// x86 for 386, arm64, arm, mipsel for mipsle, mipsel64 for mips64le, and
// the GOARCH itself for the others: mips, mips64, ppc64, ppc64le, s390x,
// riscv64, loong64), libseccomp's name for an ABI without one (x32,
// mips64n32, mipsel64n32, ppc, s390, parisc, parisc64, m68k, sh, sheb).
func dockerArchName(a *seccomp.Arch) string {
	switch a.GoArch {
	case "":
		return strings.ToLower(strings.TrimPrefix(a.SCMPArch(), "SCMP_ARCH_"))
	case "386":
		return "x86"
	case "mipsle":
		return "mipsel"
	case "mips64le":
		return "mipsel64"
	}
	return a.GoArch
}

// Resolve turns a Docker profile into the OCI profile Docker hands to the
// runtime for a container on target arch o.Arch with capability set
// o.Caps on kernel o.Kernel, by moby's rules (see the package doc).
// Warnings concern the Docker fields; Build checks and reports the rest.
func (d *Docker) Resolve(o Options) (*Seccomp, []Warning, error) {
	s, warns, err := d.resolve(o)
	return s, locateWarnings(d.where, warns), locate(d.where, err)
}

func (d *Docker) resolve(o Options) (*Seccomp, []Warning, error) {
	target, err := o.target()
	if err != nil {
		return nil, nil, err
	}
	native := dockerArchName(target)
	if d.DefaultAction == "" && len(d.Syscalls) == 0 {
		return nil, nil, &Error{Entry: -1, Reason: "no defaultAction and no syscalls: Docker takes such a profile to mean no seccomp filter at all (unconfined); there is nothing to compile"}
	}
	if len(d.Architectures) > 0 && len(d.ArchMap) > 0 {
		return nil, nil, &Error{Entry: -1, Field: "archMap", Reason: "both architectures and archMap are given: use one of them"}
	}
	caps := o.Caps
	if caps == nil {
		caps = DefaultCaps
	}
	caps = NormalizeCaps(caps)
	out := d.header()
	out.from = &origin{}
	var warns []Warning
	var errs []error
	if d.DefaultErrno != "" {
		// Podman's: it replaces defaultErrnoRet.
		if n, err := podmanErrno(d.DefaultErrno); err != nil {
			errs = append(errs, &Error{Entry: -1, Field: "defaultErrno", Reason: err.Error()})
		} else {
			out.DefaultErrnoRet = &n
			out.from.defaultErrno = true
		}
	}
	for i, m := range d.ArchMap {
		if a, ok := archByName(m.Arch); ok && a == target {
			out.Architectures = append(append([]Arch{m.Arch}, m.SubArches...), out.Architectures...)
			break
		} else if !ok {
			if _, known := otherArches[m.Arch]; !known {
				errs = append(errs, &Error{Entry: -1, Field: fmt.Sprintf("archMap[%d].architecture", i), Reason: unknownArch(m.Arch)})
			}
		}
	}
	var kernel *KernelVersion
	for i, e := range d.Syscalls {
		where := fmt.Sprintf("syscalls[%d]", i)
		if e.Name != "" && len(e.Names) > 0 {
			errs = append(errs, &Error{Entry: i, Field: where + ".name", Syscall: e.Name, Reason: "both name and names are given: use one of them"})
			continue
		}
		ok, field, err := e.selected(native, caps, func() (*KernelVersion, error) {
			if kernel == nil {
				k, err := o.kernel()
				if err != nil {
					return nil, err
				}
				kernel = &k
			}
			return kernel, nil
		})
		if err != nil {
			errs = append(errs, &Error{Entry: i, Field: where + "." + field, Syscall: e.first(), Reason: err.Error()})
			continue
		}
		if !ok {
			continue
		}
		sc := e.Syscall()
		if d.builtin && sc.ErrnoRet != nil && *sc.ErrnoRet == uapi.ENOSYS {
			// moby's Go profile says unix.ENOSYS, which default.json
			// spells 38 (amd64's): dockerd on mips answers 89.
			n := uint(uapi.ENOSYSOf(uint32(target.AuditArch)))
			sc.ErrnoRet = &n
		}
		if e.Errno != "" {
			// Podman's: it replaces errnoRet (of the entries Podman
			// keeps, which are the ones it looks at).
			n, err := podmanErrno(e.Errno)
			if err != nil {
				errs = append(errs, &Error{Entry: i, Field: where + ".errno", Syscall: e.first(), Reason: err.Error()})
				continue
			}
			sc.ErrnoRet = &n
		}
		out.Syscalls = append(out.Syscalls, sc)
		out.from.entries = append(out.from.entries, entryOrigin{index: i, name: len(e.Names) == 0 && e.Name != "", errno: e.Errno != ""})
	}
	if len(errs) > 0 {
		return nil, warns, errors.Join(errs...)
	}
	return out, warns, nil
}

func (e *DockerSyscall) first() string {
	if len(e.Names) > 0 {
		return e.Names[0]
	}
	return e.Name
}

// selected applies moby's includes and excludes: excludes first (any
// condition that holds drops the entry), then includes (every condition
// given must hold). On failure to read the kernel version, it returns the
// field that needed it (excludes.minKernel or includes.minKernel).
func (e *DockerSyscall) selected(arch string, caps []string, kernel func() (*KernelVersion, error)) (bool, string, error) {
	if x := e.Excludes; x != nil {
		if slices.Contains(x.Arches, arch) {
			return false, "", nil
		}
		for _, c := range x.Caps {
			if slices.Contains(caps, c) {
				return false, "", nil
			}
		}
		if x.MinKernel != nil {
			k, err := kernel()
			if err != nil {
				return false, "excludes.minKernel", err
			}
			if !k.Less(*x.MinKernel) {
				return false, "", nil
			}
		}
	}
	if in := e.Includes; in != nil {
		if len(in.Arches) > 0 && !slices.Contains(in.Arches, arch) {
			return false, "", nil
		}
		for _, c := range in.Caps {
			if !slices.Contains(caps, c) {
				return false, "", nil
			}
		}
		if in.MinKernel != nil {
			k, err := kernel()
			if err != nil {
				return false, "includes.minKernel", err
			}
			if k.Less(*in.MinKernel) {
				return false, "", nil
			}
		}
	}
	return true, "", nil
}
