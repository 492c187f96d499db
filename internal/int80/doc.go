// Package int80 makes i386 system calls from a 64-bit process with the
// int $0x80 instruction, for tests: seccomp sees them with
// AUDIT_ARCH_I386 and i386 numbers. It exists on linux/amd64 only.
package int80
