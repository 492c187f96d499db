// Package seccomp is a drop-in for github.com/seccomp/libseccomp-golang
// (v0.11) in pure Go: the same API, built on this module's Filter,
// compiler and installer instead of the C library. Documentation of the
// migration and of every difference: see the README section and below.
package seccomp
