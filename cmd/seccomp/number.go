package main

import "strconv"

// numErr says why a number was refused; numOK is no error.
type numErr uint8

const (
	numOK numErr = iota
	numEmpty
	numNegative
	numSyntax
	numRange
)

// parseNumber parses an unsigned number of at most bits bits: decimal
// digits, or 0x/0X and hexadecimal digits. It allocates nothing, so -batch
// can call it on every field.
func parseNumber[T string | []byte](s T, bits int) (uint64, numErr) {
	if len(s) == 0 {
		return 0, numEmpty
	}
	if s[0] == '-' {
		return 0, numNegative
	}
	var v uint64
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for i := 2; i < len(s); i++ {
			c := s[i]
			var d byte
			switch {
			case '0' <= c && c <= '9':
				d = c - '0'
			case 'a' <= c && c <= 'f':
				d = c - 'a' + 10
			case 'A' <= c && c <= 'F':
				d = c - 'A' + 10
			default:
				return 0, numSyntax
			}
			if v>>60 != 0 {
				return 0, numRange
			}
			v = v<<4 | uint64(d)
		}
	} else {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, numSyntax
			}
			d := uint64(c - '0')
			if v > (1<<64-1-d)/10 {
				return 0, numRange
			}
			v = v*10 + d
		}
	}
	if bits < 64 && v>>bits != 0 {
		return 0, numRange
	}
	return v, numOK
}

// describe returns the error message for s refused with e, for a field of
// the given width.
func (e numErr) describe(s string, bits int) string {
	switch e {
	case numEmpty:
		return "empty number"
	case numNegative:
		return "negative number " + strconv.Quote(s) + ": numbers are unsigned; write two's complement in hex, e.g. 0xffffffff"
	case numSyntax:
		return "malformed number " + strconv.Quote(s) + ": want decimal digits or 0x and hex digits"
	case numRange:
		return "number " + strconv.Quote(s) + " does not fit in " + strconv.Itoa(bits) + " bits"
	}
	return "bad number " + strconv.Quote(s)
}
