package text

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/seccomp-go/seccomp/internal/asm"
)

// splitLines splits src into lines with the comments blanked out.
func splitLines(src string) ([]string, error) {
	var lines []string
	var cur strings.Builder
	inBlock, blockLine := false, 0
	lineStart := true // only blanks so far on this line
	for i := 0; i < len(src); i++ {
		c := src[i]
		next := byte(0)
		if i+1 < len(src) {
			next = src[i+1]
		}
		if c == '\n' {
			lines = append(lines, cur.String())
			cur.Reset()
			lineStart = true
			continue
		}
		if inBlock {
			if c == '*' && next == '/' {
				inBlock = false
				i++
			}
			continue
		}
		switch {
		case c == ';' || c == '/' && next == '/' || c == '#' && lineStart:
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
			continue
		case c == '/' && next == '*':
			inBlock, blockLine = true, len(lines)+1
			cur.WriteByte(' ')
			i++
			continue
		}
		if !blank(c) {
			lineStart = false
		}
		cur.WriteByte(c)
	}
	if inBlock {
		return nil, &asm.Error{Insn: -1, Line: blockLine, Reason: "comment /* not closed"}
	}
	return append(lines, cur.String()), nil
}

func blank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// A token of the text form: an identifier ('i'), a number ('n'), or the
// punctuation character itself.
type token struct {
	kind byte
	text string
}

func (t token) String() string {
	if t.kind == 0 {
		return "end of line"
	}
	return strconv.Quote(t.text)
}

func identStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '.'
}

func digit(c byte) bool { return '0' <= c && c <= '9' }

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case blank(c):
			i++
		case identStart(c) || digit(c):
			j := i + 1
			for j < len(s) && (identStart(s[j]) || digit(s[j])) {
				j++
			}
			kind := byte('i')
			if digit(c) {
				kind = 'n'
			}
			toks = append(toks, token{kind, s[i:j]})
			i = j
		case strings.IndexByte("#[]()+*&,:|-", c) >= 0:
			toks = append(toks, token{c, s[i : i+1]})
			i++
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, fmt.Errorf("unexpected character %q", r)
		}
	}
	return toks, nil
}
