//go:build !linux

package seccomp

import (
	"errors"
	"fmt"
)

func dump(pid int) (*ProcessFilters, error) {
	return nil, fmt.Errorf("seccomp: dump of process %d: reading filters needs Linux: %w", pid, errors.ErrUnsupported)
}
