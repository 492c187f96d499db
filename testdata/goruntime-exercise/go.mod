// The exercise program of the Go-runtime baseline (seccomp.GoRuntime): a
// module of its own, standard library only, so that older Go toolchains
// build it too.
module exercise

go 1.22
