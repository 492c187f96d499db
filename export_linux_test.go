package seccomp

// SetDumpHook makes Dump call f at the points named in dumpHook, for the
// tests of package seccomp_test; the function returned removes it.
func SetDumpHook(f func(stage string, tid int)) (restore func()) {
	dumpHook = f
	return func() { dumpHook = nil }
}
