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
//
// It is the profile dockerd has built in (moby's DefaultProfile), and it
// answers clone3 (without CAP_SYS_ADMIN) with ENOSYS in the target arch's
// errno numbers, as that Go code compiled for the arch does: 89 on mips
// (default.json spells amd64's 38, which is another error there, and no C
// library would fall back to clone). So does a profile parsed or loaded
// from DefaultJSON's exact bytes; any other JSON, an edited copy of it or
// what Marshal writes of it included, means the numbers it says, as runc
// reads them (dockerd --seccomp-profile with default.json gives 38 too).
func Default() *Docker {
	d, _, err := Parse(defaultJSON)
	if err != nil {
		panic("profile: the embedded default profile does not parse: " + err.Error())
	}
	return d
}
