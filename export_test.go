package seccomp

import "fmt"

// For the external tests (package seccomp_test), which may import analyze
// and profile: the generators of the property tests.
var (
	RandFilter       = randFilter
	RandSetFilter    = randSetFilter
	LibseccompFilter = libseccompFilter
)

// FilterSettings prints what Rules does not show of a filter.
func FilterSettings(f *Filter) string {
	return fmt.Sprintf("def %v bad %v enosys %v after %v minus %v mux %v res %v arches %v hot %v", f.defaultAction, f.badArch, f.enosys, f.enosysAfter, f.minusOne, f.multiplex, f.resolution, f.arches, f.hot)
}
