package seccomp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The request of Command to its helper, sent over the request channel
// (descriptor 3 of the helper, see command_linux.go): one message of a
// header (requestMagic, the protocol's version, the payload's length, in
// host byte order) with a sealed memfd holding the payload, the JSON of a
// commandRequest. For CommandListener, the helper sends one message back:
// listenerTag with the listener.
const (
	requestMagic   = "seccomp-go/cmd\x00\x00"
	requestVersion = 2
	requestHdrLen  = 16 + 4 + 4 + 8 // magic, version, reserved, length
	maxRequestLen  = 1 << 28
	listenerTag    = 'L'
)

// commandRequest is what the helper is asked to do.
type commandRequest struct {
	Prog         Program    // the filter, verified
	Flags        FilterFlag // its flags, FlagNewListener for a listener
	KeepNewPrivs bool
	Path         string   // the command's path, resolved by the parent
	Argv         []string // its argv, argv[0] included
}

// wireRequest is commandRequest as JSON: the program raw.
type wireRequest struct {
	Prog         []byte
	Flags        FilterFlag
	KeepNewPrivs bool
	Path         string
	Argv         []string
}

func encodeRequest(r commandRequest) ([]byte, error) {
	raw, err := r.Prog.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return json.Marshal(wireRequest{Prog: raw, Flags: r.Flags, KeepNewPrivs: r.KeepNewPrivs, Path: r.Path, Argv: r.Argv})
}

// requestHeader returns the header of a payload of n bytes.
func requestHeader(n int) []byte {
	h := make([]byte, requestHdrLen)
	copy(h, requestMagic)
	binary.NativeEndian.PutUint32(h[16:], requestVersion)
	binary.NativeEndian.PutUint64(h[24:], uint64(n))
	return h
}

// parseRequestHeader checks a header and returns the payload's length.
func parseRequestHeader(h []byte) (uint64, error) {
	switch {
	case len(h) != requestHdrLen || string(h[:16]) != requestMagic:
		return 0, errors.New("no request header")
	case binary.NativeEndian.Uint32(h[16:]) != requestVersion:
		return 0, fmt.Errorf("request version %d, want %d (the parent runs another version of the package)", binary.NativeEndian.Uint32(h[16:]), requestVersion)
	case binary.NativeEndian.Uint32(h[20:]) != 0:
		return 0, errors.New("the request header's reserved word is not zero")
	}
	n := binary.NativeEndian.Uint64(h[24:])
	if n > maxRequestLen {
		return 0, fmt.Errorf("the request announces %d bytes, more than %d", n, maxRequestLen)
	}
	return n, nil
}

// parseRequest decodes and checks a payload: JSON with exactly the fields
// of a request, a program the kernel would take, known flags, a path and
// an argv without NUL bytes.
func parseRequest(payload []byte) (*commandRequest, error) {
	d := json.NewDecoder(bytes.NewReader(payload))
	d.DisallowUnknownFields()
	var w wireRequest
	if err := d.Decode(&w); err != nil {
		return nil, fmt.Errorf("the request: %w", err)
	}
	if d.More() {
		return nil, errors.New("the request: data after the JSON value")
	}
	p, err := ParseRaw(w.Prog)
	if err != nil {
		return nil, fmt.Errorf("the request's program: %w", err)
	}
	if err := Verify(p); err != nil {
		return nil, fmt.Errorf("the request's program: %w", err)
	}
	if why := checkFlagCombination(w.Flags); why != "" {
		return nil, fmt.Errorf("the request's flags %v: %s", w.Flags, why)
	}
	if w.Path == "" || len(w.Argv) == 0 {
		return nil, errors.New("the request has no path or no argv")
	}
	for _, s := range append([]string{w.Path}, w.Argv...) {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, errors.New("the request's path or argv holds a NUL byte")
		}
	}
	return &commandRequest{Prog: p, Flags: w.Flags, KeepNewPrivs: w.KeepNewPrivs, Path: w.Path, Argv: w.Argv}, nil
}
