//go:build !linux

package seccomp

import (
	"errors"
	"testing"
)

func TestInstallUnsupported(t *testing.T) {
	for name, err := range map[string]error{
		"Install":       Install(Program{{Op: 6}}, InstallOptions{}),
		"SetNoNewPrivs": SetNoNewPrivs(),
		"Exec":          Exec(Program{{Op: 6}}, InstallOptions{}, "/bin/true", nil, nil),
	} {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s: %v does not wrap errors.ErrUnsupported", name, err)
		}
	}
}
