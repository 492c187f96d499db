// Command mksysnum generates the syscall tables of package internal/sysnum.
//
// Run it from anywhere inside the module, usually through
//
//	go generate ./internal/sysnum
//
// which runs "go run ../cmd/mksysnum" (see internal/sysnum/doc.go).
// It reads golang.org/x/sys/unix's zsysnum_linux_*.go from the module cache,
// at the version go.mod requires, and the kernel's syscall_64.tbl checked in
// under testdata/ (see package gen for its kernel version). It never touches
// the network. It writes one zsysnum_<kernel arch>_table.go per arch into
// internal/sysnum.
//
// The logic lives in package gen so that tests can run it; this command only
// locates the inputs and writes the files.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/seccomp-go/seccomp/internal/cmd/mksysnum/gen"
)

func main() {
	out := flag.String("out", "", "output directory (default: internal/sysnum of the main module)")
	tbl := flag.String("tbl", "", "syscall_64.tbl (default: internal/cmd/mksysnum/testdata/syscall_64.tbl of the main module)")
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, *tbl); err != nil {
		fmt.Fprintln(os.Stderr, "mksysnum:", err)
		os.Exit(1)
	}
}

func run(out, tbl string) error {
	root, err := gen.ModuleRoot()
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(root, "internal", "sysnum")
	}
	if tbl == "" {
		tbl = filepath.Join(root, "internal", "cmd", "mksysnum", "testdata", "syscall_64.tbl")
	}
	in, err := gen.LoadInputs(root, tbl)
	if err != nil {
		return err
	}
	res, err := gen.Generate(in)
	if err != nil {
		return err
	}
	for _, n := range res.Notes {
		fmt.Fprintln(os.Stderr, "mksysnum: note:", n)
	}
	return gen.WriteFiles(out, res.Files)
}
