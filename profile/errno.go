package profile

import (
	"fmt"
	"strconv"
)

// podmanErrnos are the errno names Podman takes in its profiles' errno and
// defaultErrno fields (containers/common's pkg/seccomp errno list), with
// their numbers on the arches whose errnos are the asm-generic ones:
// x86_64, i386, x32, aarch64, arm, riscv64 (mips, parisc, sparc and alpha
// number some of them differently). Podman refuses any other name.
var podmanErrnos = map[string]uint{
	"EPERM":           1,
	"ENOENT":          2,
	"ESRCH":           3,
	"EIO":             5,
	"ENXIO":           6,
	"E2BIG":           7,
	"ENOEXEC":         8,
	"EBADF":           9,
	"ECHILD":          10,
	"EDEADLK":         35,
	"ENOMEM":          12,
	"EACCES":          13,
	"EFAULT":          14,
	"ENOTBLK":         15,
	"EBUSY":           16,
	"EEXIST":          17,
	"EXDEV":           18,
	"ENODEV":          19,
	"ENOTDIR":         20,
	"EISDIR":          21,
	"EINVAL":          22,
	"ENFILE":          23,
	"EMFILE":          24,
	"ENOTTY":          25,
	"ETXTBSY":         26,
	"EFBIG":           27,
	"ENOSPC":          28,
	"ESPIPE":          29,
	"EROFS":           30,
	"EMLINK":          31,
	"EPIPE":           32,
	"EDOM":            33,
	"ERANGE":          34,
	"EAGAIN":          11,
	"EINPROGRESS":     115,
	"EALREADY":        114,
	"ENOTSOCK":        88,
	"EDESTADDRREQ":    89,
	"EMSGSIZE":        90,
	"EPROTOTYPE":      91,
	"ENOPROTOOPT":     92,
	"EPROTONOSUPPORT": 93,
	"ESOCKTNOSUPPORT": 94,
	"EOPNOTSUPP":      95,
	"EPFNOSUPPORT":    96,
	"EAFNOSUPPORT":    97,
	"EADDRINUSE":      98,
	"EADDRNOTAVAIL":   99,
	"ENETDOWN":        100,
	"ENETUNREACH":     101,
	"ENETRESET":       102,
	"ECONNABORTED":    103,
	"ECONNRESET":      104,
	"ENOBUFS":         105,
	"EISCONN":         106,
	"ENOTCONN":        107,
	"ESHUTDOWN":       108,
	"ETOOMANYREFS":    109,
	"ETIMEDOUT":       110,
	"ECONNREFUSED":    111,
	"ELOOP":           40,
	"ENAMETOOLONG":    36,
	"EHOSTDOWN":       112,
	"EHOSTUNREACH":    113,
	"ENOTEMPTY":       39,
	"EUSERS":          87,
	"EDQUOT":          122,
	"ESTALE":          116,
	"EREMOTE":         66,
	"ENOLCK":          37,
	"ENOSYS":          38,
	"EILSEQ":          84,
	"ENOMEDIUM":       123,
	"EMEDIUMTYPE":     124,
	"EOVERFLOW":       75,
	"ECANCELED":       125,
	"EIDRM":           43,
	"ENOMSG":          42,
	"ENOTSUP":         95,
	"EBADMSG":         74,
	"ENOTRECOVERABLE": 131,
	"EOWNERDEAD":      130,
}

// podmanErrno resolves an errno field of Podman's format: a decimal number
// (up to 32 bits) or one of the names Podman knows, as Podman's getErrno
// does.
func podmanErrno(s string) (uint, error) {
	if v, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint(v), nil
	}
	if v, ok := podmanErrnos[s]; ok {
		return v, nil
	}
	return 0, fmt.Errorf("unknown errno %s: want a decimal number or an errno name Podman knows (EPERM, ENOSYS, EACCES, ...)", quote(s))
}
