//go:build !linux

package seccomptest

func child() (int, bool) { return 0, false }
