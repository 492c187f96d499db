package record_test

import (
	"encoding/binary"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
	"github.com/seccomp-go/seccomp/record"
)

// FuzzProfile writes profiles from made-up recordings and checks what
// every profile must do: it builds (package profile reads it back), and
// it allows every call recorded, with every value recorded, but clone3
// with argument conditions (ENOSYS by design); the report agrees.
func FuzzProfile(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false)
	f.Add([]byte{41, 0, 0, 1, 0, 0, 0, 0, 0, 0, 41, 0, 0, 2, 0, 0, 0, 0, 0, 0}, true)
	f.Add([]byte{56, 0, 0, 0x11, 0, 0x20, 1, 0, 0, 0, 179, 1, 0, 0, 0, 0, 0, 0, 0, 0}, true)
	f.Add([]byte{16, 0, 1, 0x01, 0x54, 0, 0, 0, 0, 0, 135, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0}, true)
	a := seccomp.ArchX86_64
	max := a.MaxSyscall()
	f.Fuzz(func(t *testing.T, data []byte, args bool) {
		if len(data) > 400 {
			return
		}
		rec := &record.Recording{}
		var calls []record.Call
		for len(data) >= 10 {
			nr := int32(binary.LittleEndian.Uint16(data)) % (max + 1)
			flag := data[2]
			v := uint64(binary.LittleEndian.Uint32(data[3:])) | uint64(data[7])<<40
			data = data[10:]
			name, ok := a.SyscallName(nr)
			if !ok {
				continue
			}
			c := record.Call{Arch: a.Name, AuditArch: a.AuditArch, Nr: nr, Name: name, Count: 1}
			for _, s := range record.ArgSpecs() {
				if s.Syscall == name {
					av := record.ArgValues{Index: s.Index, Values: []record.Value{{Value: v, Count: 1}}}
					if flag&2 != 0 {
						av.Dropped = 1
					}
					c.Args = append(c.Args, av)
				}
			}
			if name == "clone3" && flag&1 == 0 {
				c.Args = append(c.Args,
					record.ArgValues{Index: -1, Field: record.FieldCloneExitSignal, Values: []record.Value{{Value: v & 0xff, Count: 1}}},
					record.ArgValues{Index: -1, Field: record.FieldCloneFlags, Values: []record.Value{{Value: v &^ 0xff, Count: 1}}})
			}
			calls = append(calls, c)
		}
		for _, c := range calls {
			rec.Merge(&record.Recording{Calls: []record.Call{c}, Total: 1})
		}
		p, rep, err := rec.Profile(record.ProfileOptions{Arch: a, Args: args})
		if err != nil {
			t.Fatal(err)
		}
		data2, err := record.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		r, err := profile.Load(data2, profile.Options{Arch: a})
		if err != nil {
			t.Fatalf("%v\n%s", err, data2)
		}
		if len(rep.Calls) != len(rec.Calls) {
			t.Fatalf("report of %d calls for %d recorded", len(rep.Calls), len(rec.Calls))
		}
		cloneFlags := map[uint64]bool{}
		for _, c := range rep.Calls {
			wantAllowed := !(args && c.Name == "clone3" && c.Field(record.FieldUnread) == nil && c.Field(record.FieldCloneFlags) != nil)
			if c.Allowed != wantAllowed {
				t.Errorf("%s: Allowed %v, want %v (%v)\n%s", c.Name, c.Allowed, wantAllowed, c.Action, data2)
			}
			if !wantAllowed {
				for _, f := range c.Field(record.FieldCloneFlags).Values {
					for _, s := range c.Field(record.FieldCloneExitSignal).Values {
						cloneFlags[f.Value|s.Value] = true
					}
				}
			}
			ins := []seccomp.Data{{Nr: c.Nr, Arch: a.AuditArch}}
			for _, av := range c.Args {
				for _, v := range av.Values {
					if av.Index >= 0 {
						d := seccomp.Data{Nr: c.Nr, Arch: a.AuditArch}
						d.Args[av.Index] = v.Value
						ins = append(ins, d)
					}
				}
			}
			if len(ins) > 1 {
				ins = ins[1:]
			}
			for _, d := range ins {
				got := r.Evaluate(d)
				if wantAllowed && got != seccomp.ActAllow {
					t.Errorf("%s%x: %v, recorded\n%s", c.Name, d.Args, got, data2)
				}
				if !wantAllowed && got != seccomp.Errno(seccomp.ENOSYS) {
					t.Errorf("clone3 with conditions: %v, want ENOSYS", got)
				}
			}
		}
		clone, _ := a.Syscall("clone")
		for fl := range cloneFlags {
			if got := r.Evaluate(seccomp.Data{Nr: clone, Arch: a.AuditArch, Args: [6]uint64{fl}}); got != seccomp.ActAllow {
				t.Errorf("clone(%#x), clone3's flags: %v\n%s", fl, got, data2)
			}
		}
	})
}
