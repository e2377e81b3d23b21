package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestIsAndAs(t *testing.T) {
	invalid := Validation{"name": "error.required"}.Err()
	wrapped := fmt.Errorf("saving: %w", New(Conflict, "error.conflict"))
	plain := errors.New("disk full")
	cases := []struct {
		err   error
		codes []Code
		want  bool
	}{
		{invalid, []Code{Invalid}, true},
		{invalid, []Code{Conflict, Forbidden}, false},
		{wrapped, []Code{Invalid, Conflict}, true},
		{plain, []Code{Internal}, true}, // an error without a code is internal
		{plain, []Code{Invalid}, false},
		{nil, []Code{Internal}, false},
	}
	for _, c := range cases {
		if got := Is(c.err, c.codes...); got != c.want {
			t.Errorf("Is(%v, %v) = %v", c.err, c.codes, got)
		}
	}
	if e := As(invalid, Invalid); e == nil || e.Fields["name"] != "error.required" {
		t.Errorf("As gives the fields: %v", e)
	}
	if e := As(wrapped, Invalid); e != nil {
		t.Errorf("As with another code: %v", e)
	}
	if e := As(plain, Internal); e != nil {
		t.Error("As of an error without a code")
	}
}
