package main

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/seccomp-go/seccomp"
)

var featuresVerb = &verb{
	name:    "features",
	summary: "report what the running kernel supports",
	usage: `usage: seccomp features [-json]

Ask the running kernel what it supports, and print one line per subject:

  kernel            the release (uname -r), for information only
  seccomp(2)        yes, no (then filters can only be installed with prctl,
                    without flags), or unknown and why
  filter mode       yes, no, or unknown and why
  actions           the actions the kernel knows (SECCOMP_GET_ACTION_AVAIL),
                    then "(unavailable: ...)" for those it does not know
  flags             the filter flags it knows, then "(unsupported: ...)"
  notif sizes       the sizes of the user-notification structures
                    (SECCOMP_GET_NOTIF_SIZES)
  actions_logged    /proc/sys/kernel/seccomp/actions_logged
  this thread       no_new_privs, seccomp mode (0 disabled, 1 strict,
                    2 filter) and number of filters of this process's thread

Every answer comes from asking the kernel, never from its version, and
nothing is installed. A question the kernel did not answer shows as
"unknown: " and the reason, e.g. when a seccomp filter this process inherited
denies seccomp(2).

With -json, print one JSON object instead:

  {"kernel": "6.18.1",
   "seccomp_syscall": true,       "seccomp_syscall_error": "...",
   "filter_mode": true,           "filter_mode_error": "...",
   "actions": [{"name": "kill_process", "value": 2147483648,
                "available": true, "error": "..."}, ...],
   "flags": [{"name": "TSYNC", "value": 1, "supported": true,
              "error": "..."}, ...],
   "notif_sizes": {"seccomp_notif": 80, "seccomp_notif_resp": 24,
                   "seccomp_data": 64},
   "notif_sizes_error": "...",
   "actions_logged": ["kill_process", ...],
   "no_new_privs": false, "seccomp_mode": 0, "seccomp_filters": 0,
   "error": "..."}

Actions are listed most restrictive first and flags lowest bit first, all of
them always; a value is the kernel's (the action with data 0, the flag's
bit). An "error" member is there only when the question got no answer, and
then "available" or "supported" is false. notif_sizes and actions_logged are
null when unknown; seccomp_mode and seccomp_filters are -1 when unknown.

Flags:
  -json   print JSON (see above)

Exit status: 0 when the kernel answered every question (that it lacks
something is an answer); 1 when some question got no answer, after printing
the report and, on standard error, the first reason; 1 on other systems
than Linux.

Examples:
  seccomp features
  seccomp features -json
`,
}

func init() { featuresVerb.run = runFeatures }

// The JSON form of seccomp.Features (see the usage text).
type featuresJSON struct {
	Kernel         string                  `json:"kernel"`
	SeccompSyscall bool                    `json:"seccomp_syscall"`
	SeccompErr     string                  `json:"seccomp_syscall_error,omitempty"`
	Filter         bool                    `json:"filter_mode"`
	FilterErr      string                  `json:"filter_mode_error,omitempty"`
	Actions        []featuresJSONAction    `json:"actions"`
	Flags          []featuresJSONFlag      `json:"flags"`
	NotifSizes     *featuresJSONNotifSizes `json:"notif_sizes"`
	NotifSizesErr  string                  `json:"notif_sizes_error,omitempty"`
	ActionsLogged  []string                `json:"actions_logged"`
	NoNewPrivs     bool                    `json:"no_new_privs"`
	Mode           int                     `json:"seccomp_mode"`
	Filters        int                     `json:"seccomp_filters"`
	Err            string                  `json:"error,omitempty"`
}

type featuresJSONAction struct {
	Name      string `json:"name"`
	Value     uint32 `json:"value"`
	Available bool   `json:"available"`
	Err       string `json:"error,omitempty"`
}

type featuresJSONFlag struct {
	Name      string `json:"name"`
	Value     uint   `json:"value"`
	Supported bool   `json:"supported"`
	Err       string `json:"error,omitempty"`
}

type featuresJSONNotifSizes struct {
	Notif uint16 `json:"seccomp_notif"`
	Resp  uint16 `json:"seccomp_notif_resp"`
	Data  uint16 `json:"seccomp_data"`
}

// featuresErrText is err's message without the package's prefix, or "".
func featuresErrText(err error) string {
	if err == nil {
		return ""
	}
	return strings.TrimPrefix(err.Error(), "seccomp: ")
}

func featuresToJSON(f *seccomp.Features, err error) featuresJSON {
	j := featuresJSON{
		Kernel:         f.Kernel,
		SeccompSyscall: f.SeccompSyscall,
		SeccompErr:     featuresErrText(f.SeccompErr),
		Filter:         f.Filter,
		FilterErr:      featuresErrText(f.FilterErr),
		Actions:        []featuresJSONAction{},
		Flags:          []featuresJSONFlag{},
		NotifSizesErr:  featuresErrText(f.NotifSizesErr),
		ActionsLogged:  f.ActionsLogged,
		NoNewPrivs:     f.NoNewPrivs,
		Mode:           f.Mode,
		Filters:        f.Filters,
		Err:            featuresErrText(err),
	}
	for _, a := range f.Actions {
		j.Actions = append(j.Actions, featuresJSONAction{Name: a.Name, Value: uint32(a.Action), Available: a.Available, Err: featuresErrText(a.Err)})
	}
	for _, fl := range f.Flags {
		j.Flags = append(j.Flags, featuresJSONFlag{Name: fl.Flag.String(), Value: uint(fl.Flag), Supported: fl.Supported, Err: featuresErrText(fl.Err)})
	}
	if s := f.NotifSizes; s != nil {
		j.NotifSizes = &featuresJSONNotifSizes{Notif: s.Notif, Resp: s.Resp, Data: s.Data}
	}
	return j
}

func runFeatures(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := featuresVerb
	fs := newFlags(v)
	asJSON := fs.Bool("json", false, "print JSON")
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() != 0 {
		return usageError(v, stderr, "want no operands, got %d", fs.NArg())
	}
	f, err := seccomp.ProbeFeatures()
	if f == nil {
		return failure(v, stderr, "%s", featuresErrText(err))
	}
	var out []byte
	if *asJSON {
		b, jerr := json.MarshalIndent(featuresToJSON(f, err), "", "  ")
		if jerr != nil {
			return failure(v, stderr, "%v", jerr)
		}
		out = append(b, '\n')
	} else {
		out = []byte(f.String())
	}
	if _, werr := stdout.Write(out); werr != nil {
		return failure(v, stderr, "writing standard output: %v", werr)
	}
	if err != nil {
		return failure(v, stderr, "incomplete report: %s", featuresErrText(err))
	}
	return exitOK
}
