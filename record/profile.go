package record

import (
	"errors"
	"fmt"
	"slices"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/internal/uapi"
	"github.com/seccomp-go/seccomp/profile"
)

// ProfileOptions say how Profile writes a profile from a recording.
type ProfileOptions struct {
	// DefaultAction is the profile's default action, what every call not
	// recorded gets; "" means SCMP_ACT_ERRNO, or Base's default action when
	// there is a Base. DefaultErrnoRet goes with it (EPERM when nil, for
	// SCMP_ACT_ERRNO).
	DefaultAction   profile.Action
	DefaultErrnoRet *uint
	// Args writes conditions on the arguments of ArgSpecs from the values
	// recorded, rather than allowing those calls whatever their
	// arguments, and answers clone3 with ERRNO(ENOSYS) (see ArgSpecs).
	Args bool
	// Base is the profile to start from (a profile recorded before, to
	// merge runs, or Docker's default, profile.Default()): its entries are
	// kept as they are, first, and entries are added for the recorded
	// calls it does not allow. Nil starts from an empty profile.
	Base *profile.Docker
	// Arch is the arch Base is resolved and checked for (Docker's
	// includes and excludes, with Docker's default capabilities); nil
	// means the arch this program runs on.
	Arch *seccomp.Arch
	// Format is the format of the result. profile.FormatOCI resolves a
	// Base in Docker's format for Arch first (OCI); profile.FormatDocker
	// writes the arches as an archMap entry for Arch and marks the added
	// entries with the comment "recorded". 0 keeps Base's format (OCI
	// without a Base).
	Format profile.Format
}

// Report says how a profile came from a recording.
type Report struct {
	// Calls has an entry per recorded call of a known name, in the
	// recording's order.
	Calls []ReportCall
	// Added is the number of entries added to Base (or to the empty
	// profile).
	Added int
	// Warnings are what the profile cannot express or does not allow:
	// calls without a name, values past Options.MaxValues, clone3 flags
	// that could not be read, recorded calls the result does not allow.
	Warnings []string
}

// ReportCall is a recorded call in a Report.
type ReportCall struct {
	Call
	// New says Base did not allow it (for every value recorded), so an
	// entry was added for it; always true without a Base.
	New bool
	// Allowed says the written profile allows it, for every value
	// recorded. It is false for clone3 with ProfileOptions.Args
	// (ERRNO(ENOSYS) by design), and for calls an explicit entry of Base
	// denies (Docker's default answers clone3 with ENOSYS).
	Allowed bool
	// Action is what the written profile answers for it (for the first
	// recorded value it does not allow, when there is one).
	Action seccomp.Action
}

// Profile writes a profile that allows the calls of r: by name, on the
// arches recorded, with ERRNO(EPERM) (or o.DefaultAction) for the rest.
// Without o.Args every recorded call is allowed whatever its arguments, in
// one entry; with it, the calls of ArgSpecs are allowed only with the
// values recorded (see ArgSpec), and clone3 is answered with ENOSYS. The
// result is in Docker's format, which is OCI's when it uses no Docker
// field (profile.Docker.Format; Base's fields are kept); Marshal writes
// it either way.
//
// Calls whose number has no name on its arch cannot be named in a
// profile: they get the default action, with a warning. A name allows the
// call on every arch the profile covers that has it: a profile cannot
// allow a name on one of its arches only. A recording that no Recorder
// makes (read back from JSON: an argument index out of 0 to 5) is an
// error.
func (r *Recording) Profile(o ProfileOptions) (*profile.Docker, *Report, error) {
	if err := r.check(); err != nil {
		return nil, nil, err
	}
	target := o.Arch
	if target == nil {
		a, err := seccomp.NativeArch()
		if err != nil {
			return nil, nil, fmt.Errorf("record: %w", err)
		}
		target = a
	}
	popts := profile.Options{Arch: target}
	out := &profile.Docker{DefaultAction: profile.ActErrno}
	if o.Base != nil {
		out = cloneDocker(o.Base)
		if o.Format == profile.FormatOCI {
			var err error
			if out, err = OCI(out, target); err != nil {
				return nil, nil, fmt.Errorf("record: the profile to start from: %w", err)
			}
		}
	}
	if o.DefaultAction != "" {
		out.DefaultAction, out.DefaultErrnoRet = o.DefaultAction, o.DefaultErrnoRet
	} else if o.Base == nil {
		out.DefaultErrnoRet = o.DefaultErrnoRet
	}
	if out.DefaultAction == profile.ActErrno && out.DefaultErrnoRet == nil && o.Base == nil {
		eperm := uint(1)
		out.DefaultErrnoRet = &eperm
	}
	rep := &Report{}
	for _, c := range r.Calls {
		if c.Name == "" {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: no name for this number on its arch: a profile cannot name it, so it gets the default action", c.String()))
		}
	}
	if err := addArches(out, r.Arches(), target); err != nil {
		return nil, nil, err
	}

	// What the start allows.
	base, err := out.Build(popts)
	if err != nil {
		return nil, nil, fmt.Errorf("record: the profile to start from: %w", err)
	}

	// The entries to add.
	var plain []string // allowed whatever the arguments
	var added []profile.DockerSyscall
	cloneFlags := map[uint64]bool{} // clone3's, for clone, with Args
	clone3ENOSYS := false
	for i := range r.Calls {
		c := &r.Calls[i]
		if c.Name == "" {
			continue
		}
		inputs := callInputs(c)
		if allows(base, inputs) {
			continue
		}
		if !o.Args {
			plain = append(plain, c.Name)
			continue
		}
		if c.Name == "clone3" {
			if !clone3Readable(c) {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: the flags of some clone3 calls could not be read (recorded without Options.ReadMemory, or the memory was unreadable): clone3 is allowed without conditions", c.String()))
				plain = append(plain, c.Name)
				continue
			}
			clone3ENOSYS = true
			for _, f := range c.Field(FieldCloneFlags).Values {
				for _, s := range c.Field(FieldCloneExitSignal).Values {
					cloneFlags[f.Value|s.Value] = true
				}
			}
			continue
		}
		specs := argSpecs[c.Name]
		if len(specs) == 0 {
			plain = append(plain, c.Name)
			continue
		}
		spec := specs[0]
		av := c.Arg(spec.Index)
		if av == nil || av.Dropped > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: more than %d distinct values of argument %d: allowed without conditions", c.String(), len(valuesOf(av)), spec.Index))
			plain = append(plain, c.Name)
			continue
		}
		if spec.Flags {
			continue // below, with clone3's flags
		}
		for _, v := range av.Values {
			d := seccomp.Data{Nr: c.Nr, Arch: c.AuditArch}
			d.Args[spec.Index] = v.Value
			if allowsData(base, d) {
				continue
			}
			added = append(added, profile.DockerSyscall{Names: []string{c.Name}, Action: profile.ActAllow,
				Args: []profile.Arg{{Index: uint(spec.Index), Value: v.Value, Op: profile.OpEqualTo}}})
		}
	}
	if o.Args {
		// The flag sets: one masked condition per call, over every value
		// recorded (on any arch), clone's with clone3's flags.
		for _, name := range []string{"clone", "unshare"} {
			spec := argSpecs[name][0]
			union, seen, over := uint64(0), false, false
			var calls []*Call
			for i := range r.Calls {
				c := &r.Calls[i]
				if c.Name != name {
					continue
				}
				av := c.Arg(spec.Index)
				if av == nil || av.Dropped > 0 {
					over = true
					continue
				}
				calls = append(calls, c)
				for _, v := range av.Values {
					union |= v.Value
					seen = true
				}
			}
			if name == "clone" {
				for f := range cloneFlags {
					union |= f
					seen = true
				}
			}
			if over || !seen {
				continue
			}
			need := false
			for _, c := range calls {
				if !allows(base, callInputs(c)) {
					need = true
				}
			}
			if name == "clone" && len(cloneFlags) > 0 {
				for _, a := range r.Arches() {
					arch, _ := seccomp.LookupArch(a)
					if nr, ok := arch.Syscall("clone"); ok {
						for f := range cloneFlags {
							if !allowsData(base, seccomp.Data{Nr: nr, Arch: arch.AuditArch, Args: [6]uint64{f}}) {
								need = true
							}
						}
					}
				}
			}
			if need {
				added = append(added, profile.DockerSyscall{Names: []string{name}, Action: profile.ActAllow,
					Args: []profile.Arg{{Index: uint(spec.Index), Value: ^union, ValueTwo: 0, Op: profile.OpMaskedEqual}}})
			}
		}
		if clone3ENOSYS {
			// In the target's errno numbers (89 on mips, 251 on parisc).
			enosys := uint(uapi.ENOSYSOf(uint32(target.AuditArch)))
			if a := evalName(base, r, "clone3"); a != seccomp.Errno(enosys) {
				added = append(added, profile.DockerSyscall{Names: []string{"clone3"}, Action: profile.ActErrno, ErrnoRet: &enosys})
			}
		}
	}
	slices.Sort(plain)
	plain = slices.Compact(plain)
	var entries []profile.DockerSyscall
	if len(plain) > 0 {
		entries = append(entries, profile.DockerSyscall{Names: plain, Action: profile.ActAllow})
	}
	entries = append(entries, added...)
	if o.Format == profile.FormatDocker || (o.Format == 0 && out.Format() == profile.FormatDocker) {
		for i := range entries {
			entries[i].Comment = "recorded"
		}
		if len(out.ArchMap) == 0 {
			m := profile.ArchMap{Arch: profile.ArchName(target), SubArches: []profile.Arch{}}
			for _, a := range out.Architectures {
				if a != m.Arch {
					m.SubArches = append(m.SubArches, a)
				}
			}
			out.ArchMap, out.Architectures = []profile.ArchMap{m}, nil
		}
	}
	out.Syscalls = append(out.Syscalls, entries...)
	rep.Added = len(entries)

	// What the result allows, call by call.
	final, err := out.Build(popts)
	if err != nil {
		return nil, nil, fmt.Errorf("record: internal error: the written profile does not build: %w", err)
	}
	for _, c := range r.Calls {
		if c.Name == "" {
			continue
		}
		in := callInputs(&c)
		rc := ReportCall{Call: c, New: !allows(base, in), Allowed: true, Action: seccomp.ActAllow}
		for _, d := range in {
			if a := final.Evaluate(d); !allowed(a) {
				rc.Allowed, rc.Action = false, a
				break
			}
		}
		if !rc.Allowed && !(o.Args && c.Name == "clone3" && rc.Action == seccomp.Errno(seccomp.ENOSYS)) {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: the profile answers %v (an entry of the profile started from decides it)", c.String(), rc.Action))
		}
		rep.Calls = append(rep.Calls, rc)
	}
	return out, rep, nil
}

// callInputs returns the seccomp_data of a call's recorded argument
// values (one per value of each recorded argument), or of the call with
// zero arguments when none were recorded.
func callInputs(c *Call) []seccomp.Data {
	base := seccomp.Data{Nr: c.Nr, Arch: c.AuditArch}
	var out []seccomp.Data
	for _, a := range c.Args {
		if a.Index < 0 {
			continue
		}
		for _, v := range a.Values {
			d := base
			d.Args[a.Index] = v.Value
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		out = append(out, base)
	}
	return out
}

func allowed(a seccomp.Action) bool {
	k := a.Effective().Kind()
	return k == seccomp.ActAllow || k == seccomp.ActLog
}

func allowsData(r *profile.Result, d seccomp.Data) bool { return allowed(r.Evaluate(d)) }

func allows(r *profile.Result, in []seccomp.Data) bool {
	for _, d := range in {
		if !allowsData(r, d) {
			return false
		}
	}
	return true
}

// evalName is what r answers for the named call with zero arguments on
// the first recorded arch that has it.
func evalName(r *profile.Result, rec *Recording, name string) seccomp.Action {
	for _, a := range rec.Arches() {
		arch, _ := seccomp.LookupArch(a)
		if nr, ok := arch.Syscall(name); ok {
			return r.Evaluate(seccomp.Data{Nr: nr, Arch: arch.AuditArch})
		}
	}
	return seccomp.ActAllow
}

func clone3Readable(c *Call) bool {
	f, s := c.Field(FieldCloneFlags), c.Field(FieldCloneExitSignal)
	return c.Field(FieldUnread) == nil && f != nil && s != nil && f.Dropped == 0 && s.Dropped == 0 && len(f.Values) > 0
}

func valuesOf(a *ArgValues) []Value {
	if a == nil {
		return nil
	}
	return a.Values
}

// addArches makes the profile cover the recorded arches: in
// architectures, or in the archMap entry of the target when the profile
// has an archMap (Docker's format allows one or the other).
func addArches(d *profile.Docker, arches []string, target *seccomp.Arch) error {
	if len(arches) == 0 {
		arches = []string{target.Name}
	}
	var names []profile.Arch
	for _, a := range arches {
		arch, err := seccomp.LookupArch(a)
		if err != nil {
			return err
		}
		names = append(names, profile.ArchName(arch))
	}
	if len(d.ArchMap) > 0 {
		t := profile.ArchName(target)
		for i := range d.ArchMap {
			m := &d.ArchMap[i]
			if m.Arch != t {
				continue
			}
			for _, n := range names {
				if n != m.Arch && !slices.Contains(m.SubArches, n) {
					m.SubArches = append(m.SubArches, n)
				}
			}
			return nil
		}
		return errors.New("record: the profile to start from has an archMap without this machine's arch: add it there, or use architectures")
	}
	for _, n := range names {
		if !slices.Contains(d.Architectures, n) {
			d.Architectures = append(d.Architectures, n)
		}
	}
	return nil
}

// cloneDocker returns a deep enough copy of d to add entries and arches.
func cloneDocker(d *profile.Docker) *profile.Docker {
	c := *d
	c.Architectures = slices.Clone(d.Architectures)
	c.Flags = slices.Clone(d.Flags)
	c.ArchMap = nil
	for _, m := range d.ArchMap {
		m.SubArches = slices.Clone(m.SubArches)
		c.ArchMap = append(c.ArchMap, m)
	}
	c.Syscalls = slices.Clone(d.Syscalls)
	return &c
}

// Marshal encodes a profile as JSON the way profile.Parse reads it back:
// in OCI's format (profile.Seccomp) when it uses no Docker field, in
// Docker's otherwise.
func Marshal(d *profile.Docker) ([]byte, error) {
	if d.Format() == profile.FormatDocker {
		c := *d
		c.Syscalls = slices.Clone(d.Syscalls)
		for i := range c.Syscalls {
			if c.Syscalls[i].Args == nil {
				c.Syscalls[i].Args = []profile.Arg{} // "args": [], as in Docker's profiles
			}
		}
		return c.Marshal()
	}
	s := &profile.Seccomp{
		DefaultAction:    d.DefaultAction,
		DefaultErrnoRet:  d.DefaultErrnoRet,
		Architectures:    d.Architectures,
		Flags:            d.Flags,
		ListenerPath:     d.ListenerPath,
		ListenerMetadata: d.ListenerMetadata,
	}
	for _, e := range d.Syscalls {
		s.Syscalls = append(s.Syscalls, e.Syscall())
	}
	return s.Marshal()
}

// OCI returns d as a plain OCI profile in Docker's type: d resolved for
// the target arch with Docker's default capabilities and the running
// kernel (profile.Docker.Resolve) when it uses Docker's fields, d itself
// otherwise. Use it on a Base to write an OCI profile from Docker's
// default.
func OCI(d *profile.Docker, arch *seccomp.Arch) (*profile.Docker, error) {
	if d.Format() == profile.FormatOCI {
		return d, nil
	}
	s, _, err := d.Resolve(profile.Options{Arch: arch})
	if err != nil {
		return nil, err
	}
	out := &profile.Docker{
		DefaultAction:    s.DefaultAction,
		DefaultErrnoRet:  s.DefaultErrnoRet,
		Architectures:    s.Architectures,
		Flags:            s.Flags,
		ListenerPath:     s.ListenerPath,
		ListenerMetadata: s.ListenerMetadata,
	}
	for _, e := range s.Syscalls {
		out.Syscalls = append(out.Syscalls, profile.DockerSyscall{Names: e.Names, Action: e.Action, ErrnoRet: e.ErrnoRet, Args: e.Args})
	}
	return out, nil
}
