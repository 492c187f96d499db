package seccomp

import (
	"reflect"
	"testing"
)

// TestShareFilters checks the rule that decides which threads share a
// filter: the same programs with the same flags from the oldest up.
func TestShareFilters(t *testing.T) {
	prog := func(k uint32) Program { return Program{{Op: 0x06, K: k}} }
	a, b, c := prog(1), prog(2), prog(3)
	threads := []ThreadFilters{{Tid: 10}, {Tid: 11}, {Tid: 12}, {Tid: 13}, {Tid: 14}, {Tid: 15}}
	stacks := []threadStack{
		{progs: []Program{a, b}, flags: []FilterFlag{0, 0}},
		{progs: []Program{a, b}, flags: []FilterFlag{0, 0}},       // shares both with 10
		{progs: []Program{a, c}, flags: []FilterFlag{0, FlagLog}}, // shares a only
		{progs: []Program{b, b}, flags: []FilterFlag{0, 0}},       // b at 1 above another filter: not 10's b
		{progs: []Program{a, b}, flags: []FilterFlag{FlagLog, 0}}, // a with other flags: shares nothing
		{},
	}
	got := shareFilters(threads, stacks)
	type summary struct {
		prog    Program
		flags   FilterFlag
		pos     int
		threads []int
	}
	var sums []summary
	for _, f := range got {
		sums = append(sums, summary{f.Program, f.Flags, f.Position, f.Threads})
	}
	want := []summary{
		{a, 0, 0, []int{10, 11, 12}},
		{b, 0, 0, []int{13}},
		{a, FlagLog, 0, []int{14}},
		{b, 0, 1, []int{10, 11}},
		{c, FlagLog, 1, []int{12}},
		{b, 0, 1, []int{13}},
		{b, 0, 1, []int{14}},
	}
	if !reflect.DeepEqual(sums, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", sums, want)
	}
	// Each thread's stack points at the shared filters, in order.
	if threads[0].Stack[0] != threads[1].Stack[0] || threads[0].Stack[1] != threads[1].Stack[1] ||
		threads[0].Stack[0] != threads[2].Stack[0] || threads[0].Stack[1] == threads[2].Stack[1] ||
		threads[3].Stack[1] == threads[0].Stack[1] || len(threads[5].Stack) != 0 {
		t.Errorf("stacks do not point at the shared filters: %+v", threads)
	}
}
