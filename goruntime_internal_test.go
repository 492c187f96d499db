package seccomp

import (
	"slices"
	"testing"
)

// goRuntimeFilter is a default-deny filter for arch a with GoRuntime's
// rules.
func goRuntimeFilter(t *testing.T, a *Arch, o *GoRuntimeOptions) *Filter {
	t.Helper()
	rules, err := GoRuntime(a, o)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFilter(ActKillProcess, a).Add(rules...)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	return f
}

var goRuntimeModes = []struct {
	name string
	mode goRuntimeMode
	opts GoRuntimeOptions
}{
	{"pure", goPure, GoRuntimeOptions{}},
	{"cgo", goCgo, GoRuntimeOptions{Cgo: true}},
	{"race", goRace, GoRuntimeOptions{Race: true}},
}

// TestGoRuntimeAdmitsRecorded checks GoRuntime's rules against what was
// recorded (goruntime_table.go): every call the runtime made, with every
// argument value recorded, is allowed in the builds it was made in;
// clone3 is answered ENOSYS, and clone allowed with the flags and exit
// signal the clone3 calls had, to which glibc falls back. Regenerating the
// table with a runtime that does something new fails here until the
// conditions follow.
func TestGoRuntimeAdmitsRecorded(t *testing.T) {
	a, err := LookupArch(goRuntimeArch)
	if err != nil {
		t.Fatal(err)
	}
	clone, _ := a.Syscall("clone")
	checked := 0
	for _, m := range goRuntimeModes {
		f := goRuntimeFilter(t, a, &m.opts)
		for _, c := range goRuntimeRecorded {
			if c.modes&m.mode == 0 {
				continue
			}
			nr, ok := a.Syscall(c.name)
			if !ok {
				t.Fatalf("%s: not in the %s table", c.name, a.Name)
			}
			want := ActAllow
			if c.name == "clone3" {
				want = Errno(ENOSYS)
			}
			inputs := []Data{{Nr: nr, Arch: a.AuditArch}}
			for i, vs := range c.args {
				for _, v := range vs {
					d := Data{Nr: nr, Arch: a.AuditArch}
					d.Args[i] = v
					inputs = append(inputs, d)
				}
			}
			if len(c.args) > 0 {
				inputs = inputs[1:] // the values recorded, not zero
			}
			for _, d := range inputs {
				checked++
				if got := f.Evaluate(d); got != want {
					t.Errorf("%s: %s%v: %v, want %v", m.name, c.name, d.Args, got, want)
				}
			}
			for _, fl := range c.fields["clone_args.flags"] {
				for _, sig := range c.fields["clone_args.exit_signal"] {
					checked++
					if got := f.Evaluate(Data{Nr: clone, Arch: a.AuditArch, Args: [6]uint64{fl | sig}}); got != ActAllow {
						t.Errorf("%s: clone(%#x), clone3's flags: %v", m.name, fl|sig, got)
					}
				}
			}
		}
	}
	t.Logf("%d recorded calls and values checked", checked)
}

func TestGoRuntimeTables(t *testing.T) {
	if len(goRuntimeVersions) == 0 || len(goRuntimeRecorded) == 0 {
		t.Fatal("empty table")
	}
	for _, c := range goRuntimeRecorded {
		if c.modes == 0 || c.versions == "" {
			t.Errorf("%s: no modes or versions", c.name)
		}
	}
	for _, e := range goRuntimeExtra {
		if slices.ContainsFunc(goRuntimeRecorded, func(c goRuntimeCall) bool { return c.name == e.name && c.modes&e.modes == e.modes }) {
			t.Errorf("%s is in goRuntimeExtra and recorded in the same builds: drop it from goRuntimeExtra", e.name)
		}
	}
	for ga, names := range goRuntimeSource {
		var a *Arch
		for _, x := range Arches() {
			if x.GoArch == ga {
				a = x
			}
		}
		if a == nil {
			t.Errorf("no arch for GOARCH %s", ga)
			continue
		}
		for _, n := range names {
			if _, ok := a.Syscall(n); !ok {
				t.Errorf("%s: the runtime's %s is not in the %s table", ga, n, a.Name)
			}
		}
	}
}
