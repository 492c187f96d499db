package profile

import (
	_ "embed"
)

// defaultJSON is Docker's default seccomp profile, default.json of the Go
// module github.com/moby/profiles/seccomp v0.3.0, copied verbatim (Apache
// License 2.0, Copyright The Moby Authors; this project is under the same
// license). testdata/profiles/docker-default.json at the root of this
// repository is the same file.
//
//go:embed docker-default.json
var defaultJSON []byte

// DefaultJSON returns Docker's default profile as JSON (moby/profiles
// v0.3.0's default.json): a copy, the caller may change it.
func DefaultJSON() []byte { return append([]byte(nil), defaultJSON...) }

// Default returns Docker's default profile as written, parsed: a fresh
// copy each time. It is not resolved: its includes and excludes (by
// capability, arch and kernel version) are still there, and Resolve, Build
// or Load (on DefaultJSON) resolve them for Options, with Docker's default
// capabilities and the running kernel unless the options say otherwise.
func Default() *Docker {
	d, _, err := Parse(defaultJSON)
	if err != nil {
		panic("profile: the embedded default profile does not parse: " + err.Error())
	}
	return d
}
