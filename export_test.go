package seccomp

// For the external tests (package seccomp_test), which may import analyze
// and profile: the generators of the property tests.
var (
	RandFilter       = randFilter
	RandSetFilter    = randSetFilter
	LibseccompFilter = libseccompFilter
)
