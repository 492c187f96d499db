package seccomp

// nativeArch is the ABI of programs built for this GOARCH.
var nativeArch = ArchAArch64
