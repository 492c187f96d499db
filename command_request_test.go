package seccomp

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzCommandRequest: the helper's decoding of a request never panics,
// accepts only what it can act on, and reads back what the parent encodes.
func FuzzCommandRequest(f *testing.F) {
	p, err := NewFilter(ActAllow, ArchX86_64).Compile()
	if err != nil {
		f.Fatal(err)
	}
	good, err := encodeRequest(commandRequest{Prog: p, Flags: FlagLog, Path: "/bin/true", Argv: []string{"true", "x"}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(requestHeader(len(good)), good)
	f.Add(requestHeader(1<<29), []byte(`{}`))
	f.Add([]byte(requestMagic), []byte(`{"Prog":"BgAAAAAA/38=","Path":"/x","Argv":["x"],"Extra":1}`))
	f.Add(requestHeader(0), []byte(`{"Prog":"BgAAAAAA/38=","Path":"/x","Argv":["x"]} {}`))
	f.Add(requestHeader(0), []byte(`{"Prog":"BgAAAAAA/38=","Flags":32,"Path":"/x","Argv":["x"]}`))
	f.Add(requestHeader(0), []byte(`{"Prog":"BgAAAAAA/38=","Path":"/x\u0000","Argv":["x"]}`))
	f.Fuzz(func(t *testing.T, hdr, payload []byte) {
		if n, err := parseRequestHeader(hdr); err == nil {
			if n > maxRequestLen || !bytes.Equal(requestHeader(int(n)), hdr) {
				t.Errorf("header %x accepted as %d bytes", hdr, n)
			}
		}
		r, err := parseRequest(payload)
		if err != nil {
			if r != nil {
				t.Errorf("a request and an error: %v", err)
			}
			return
		}
		if err := Verify(r.Prog); err != nil {
			t.Errorf("accepted a program the kernel refuses: %v", err)
		}
		if r.Path == "" || len(r.Argv) == 0 || checkFlagCombination(r.Flags) != "" {
			t.Errorf("accepted %+v", r)
		}
		again, err := encodeRequest(*r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := parseRequest(again)
		if err != nil || !reflect.DeepEqual(r, r2) {
			t.Errorf("%+v encodes to %s, which reads back as %+v, %v", r, again, r2, err)
		}
	})
}

func TestCommandRequestRoundTrip(t *testing.T) {
	p, err := NewFilter(ActAllow, ArchX86_64).Compile()
	if err != nil {
		t.Fatal(err)
	}
	want := &commandRequest{Prog: p, Flags: FlagLog | FlagNewListener, KeepNewPrivs: true, Path: "/bin/true", Argv: []string{"true", "a b", ""}}
	b, err := encodeRequest(*want)
	if err != nil {
		t.Fatal(err)
	}
	n, err := parseRequestHeader(requestHeader(len(b)))
	if err != nil || n != uint64(len(b)) {
		t.Fatalf("header: %d, %v", n, err)
	}
	got, err := parseRequest(b)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
}
