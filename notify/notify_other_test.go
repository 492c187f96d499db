//go:build !linux

package notify

import (
	"context"
	"errors"
	"testing"
)

func TestUnsupported(t *testing.T) {
	l := &Listener{}
	_, err := NewListener(nil)
	errs := map[string]error{"NewListener": err}
	_, errs["Receive"] = l.Receive(context.Background())
	errs["Respond"] = l.Respond(1, Return(0))
	_, errs["AddFD"] = l.AddFD(1, 0, FDOptions{})
	errs["Valid"] = l.Valid(1)
	_, errs["OpenMem"] = l.OpenMem(&Notif{})
	errs["Serve"] = l.Serve(context.Background(), HandlerFunc(func(context.Context, *Request) Response { return Continue() }))
	errs["SendListener"] = SendListener(nil, l)
	_, errs["ReceiveListener"] = ReceiveListener(nil)
	for name, err := range errs {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s: %v does not wrap errors.ErrUnsupported", name, err)
		}
	}
}
